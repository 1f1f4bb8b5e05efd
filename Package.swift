// swift-tools-version:6.0
import PackageDescription

// The AVX2 kernel's module is compiled for Haswell's instruction set (x86-64-v3: AVX2, FMA,
// BMI2, ...; this Swift does not know the name x86-64-v3); the program checks the CPU before
// calling it (module Platform), so the binary still runs on any x86-64.
// The AVX-512 kernel's module likewise is compiled for Skylake-SP (x86-64-v4: AVX-512 F, CD,
// BW, DQ and VL on top of Haswell's set) and called only after its own CPU check.
#if arch(x86_64)
let avx2: [SwiftSetting] = [.unsafeFlags(["-target-cpu", "haswell"])]
let avx512: [SwiftSetting] = [.unsafeFlags(["-target-cpu", "skylake-avx512"])]
#else
let avx2: [SwiftSetting] = []
let avx512: [SwiftSetting] = []
#endif

// The numeric modules are optimised even in a debug build: training a task model for a
// lesson takes about two seconds optimised and a minute without, and the test suite runs the
// lessons in a debug build.
let optimised: [SwiftSetting] = [.unsafeFlags(["-O"], .when(configuration: .debug))]

let package = Package(
    name: "AttentionREPL",
    products: [
        .executable(name: "attention-repl", targets: ["AttentionREPL"]),
        // Built with libFuzzer by fuzz/run.sh; a plain build replays inputs (see fuzz/README.md).
        .executable(name: "attention-fuzz", targets: ["AttentionFuzz"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-numerics", from: "1.0.0"),
    ],
    targets: [
        // GNU readline, found through a module map (no pkg-config: readline.pc adds flags
        // SwiftPM refuses).
        .systemLibrary(name: "CReadline", path: "Sources/CReadline"),

        // Pure maths: Matrix, the attention stages, masks. No I/O, no printing.
        .target(
            name: "Attention",
            dependencies: [
                "ProductKernels", "ProductKernelsAVX2", "ProductKernelsAVX512", "Platform",
                .product(name: "RealModule", package: "swift-numerics"),
            ],
            swiftSettings: optimised
        ),

        // The blocked matrix product behind the fast kernels, generic over its micro-kernel,
        // with the portable kernel and the softmax's row loop; the AVX2 + FMA kernel, built for
        // x86-64-v3; the AVX-512 kernel, built for x86-64-v4 (each module also builds the
        // softmax for its vectors); and, in C, the CPU checks that decide between them and
        // the allocator setting the program starts with.
        .target(name: "ProductKernels", swiftSettings: optimised),
        .target(name: "ProductKernelsAVX2", dependencies: ["ProductKernels"], swiftSettings: avx2 + optimised),
        .target(name: "ProductKernelsAVX512", dependencies: ["ProductKernels"], swiftSettings: avx512 + optimised),
        .target(name: "Platform"),

        // The backward pass: the loss and dL/d(every stage and parameter), one short function
        // per stage, each the twin of a forward stage. Pure, like Attention.
        .target(
            name: "Gradients",
            dependencies: ["Attention", .product(name: "RealModule", package: "swift-numerics")],
            swiftSettings: optimised
        ),

        // Training a tiny attention model on tasks: the model around the layer, its loss and
        // gradients (through Gradients), the training loop, evaluation. Pure.
        .target(
            name: "Training",
            dependencies: ["Attention", "Gradients", .product(name: "RealModule", package: "swift-numerics")],
            swiftSettings: optimised
        ),

        // Reading and writing tensors as .npy, .json and .csv (and matrix literals).
        .target(name: "TensorIO"),

        // Reading a pretrained model's folder (config.json, vocab.txt, model.safetensors), all of
        // it untrusted input, and BERT's tokenizer, exact to Hugging Face's.
        .target(name: "ModelFiles", dependencies: ["Platform"]),

        // A pretrained BERT-family encoder around the session's attention layer: embeddings,
        // LayerNorm, the feed-forward block, pooling. Pure, like Attention.
        .target(
            name: "Encoder",
            dependencies: ["Attention", .product(name: "RealModule", package: "swift-numerics")],
            swiftSettings: optimised
        ),

        // Explanations and rendering: turns a trace into text. Never computes attention.
        // The web page's template is compiled into the module (`export html` needs no file
        // beside the binary).
        .target(name: "Teaching", dependencies: ["Attention", "Gradients", "Training"],
                resources: [.embedInCode("Resources/page.html")]),

        // Commands: parsing a line, the session it acts on, evaluation, help, completion.
        // Shared by the REPL, scripts and lessons; knows nothing of terminals.
        .target(name: "Interpreter", dependencies: ["Attention", "Gradients", "Training", "TensorIO", "Teaching", "ModelFiles", "Encoder"]),

        // What the fuzzers feed: one function per input format, shared by the libFuzzer
        // executable and the regression tests that replay every corpus file.
        .target(name: "FuzzTargets", dependencies: ["Interpreter", "TensorIO", "ModelFiles"]),
        .executableTarget(name: "AttentionFuzz", dependencies: ["FuzzTargets"]),

        // The executable: line editing, command-line flags, the read-evaluate-print loop.
        .executableTarget(
            name: "AttentionREPL",
            dependencies: [
                "Interpreter", "Teaching", "Training", "TensorIO", "ModelFiles", "Encoder", "CReadline", "Platform",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // The shared reference cases (PyTorch and NumPy) and the code that reads them, for
        // every test target that checks numbers.
        .target(
            name: "ReferenceCases",
            dependencies: ["Attention", "ModelFiles"],
            path: "Tests/ReferenceCases",
            resources: [.copy("Fixtures")]
        ),
        .testTarget(name: "TeachingTests", dependencies: ["Teaching", "Attention", "Gradients", "ReferenceCases"]),
        .testTarget(
            name: "InterpreterTests",
            dependencies: ["Interpreter", "Attention", "TensorIO", "Teaching", "ReferenceCases"]
        ),
        // End-to-end: runs the built attention-repl binary (scripts, pipes, tmux sessions).
        .testTarget(name: "AttentionREPLTests", dependencies: ["AttentionREPL"]),
        .testTarget(
            name: "TensorIOTests",
            dependencies: ["TensorIO"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(name: "FuzzTargetsTests", dependencies: ["FuzzTargets"]),
        .testTarget(name: "ModelFilesTests", dependencies: ["ModelFiles", "ReferenceCases"]),
        .testTarget(name: "EncoderTests", dependencies: ["Encoder", "ModelFiles", "Attention", "ReferenceCases"]),
        .testTarget(name: "AttentionTests", dependencies: ["Attention", "ProductKernels", "ReferenceCases"]),
        .testTarget(name: "GradientsTests", dependencies: ["Gradients", "Attention", "ReferenceCases"]),
        .testTarget(name: "TrainingTests", dependencies: ["Training", "Gradients", "Attention", "ReferenceCases"]),
    ]
)
