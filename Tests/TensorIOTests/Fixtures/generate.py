# Regenerates the .npy fixtures and expected.json (run from this directory).
import json, struct
import numpy as np

rng = np.random.default_rng(20240601)
f64_2d = rng.standard_normal((3, 4))
f64_2d[0, 0] = 0.1; f64_2d[0, 1] = -0.0; f64_2d[0, 2] = 1e-300; f64_2d[0, 3] = 123456789.125
arrays = {
    "f64_2d": f64_2d,
    "f32_2d": np.array([[0.1, -2.5, 3.0], [1e-7, 65504.0, -0.3333333]], dtype=np.float32),
    "f64_1d": np.array([1.0, -2.0, 0.5, 1e10, 2.0 ** -20]),
    "f64_3d": (np.arange(24, dtype=np.float64).reshape(2, 3, 4) - 11.5) / 7.0,
    "v2": np.array([[1.5, 2.5], [3.5, 4.5]]),
    "v3": np.array([[-1.25, 0.0, 9.75]]),
}
for name, a in arrays.items():
    version = {"v2": (2, 0), "v3": (3, 0)}.get(name)
    if version is None:
        np.save(name + ".npy", a)
    else:
        with open(name + ".npy", "wb") as f:
            np.lib.format.write_array(f, a, version=version)

# Files that must be refused.
np.save("fortran.npy", np.asfortranarray(np.arange(6, dtype=np.float64).reshape(2, 3)))
np.save("bigendian.npy", np.arange(4, dtype=">f8"))
np.save("int64.npy", np.arange(4, dtype=np.int64))
np.save("rank4.npy", np.zeros((1, 2, 1, 2)))
np.save("scalar.npy", np.float64(3.0))

def bits(v):
    return "%016x" % struct.unpack("<Q", struct.pack("<d", float(v)))[0]

expected = {
    name: {
        "shape": list(a.shape),
        "values": [float(v) for v in np.asarray(a, dtype=np.float64).ravel().tolist()],
        "bits": [bits(v) for v in a.ravel().tolist()],
    }
    for name, a in arrays.items()
}
with open("expected.json", "w") as f:
    json.dump(expected, f, indent=1)

# Masks and integers (read as numbers; a nonzero or true entry of a mask blocks the pair).
np.save("bool_mask.npy", np.array([[False, True, True], [False, False, True], [False, False, False]]))
np.save("int32.npy", np.array([[-3, 0, 7]], dtype=np.int32))
np.save("complex.npy", np.array([1 + 2j]))
