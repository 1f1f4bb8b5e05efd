import RealModule

extension Matrix {
    /// The sinusoidal position codes of Vaswani et al. 2017 (section 3.5), for positions
    /// 0 ..< `count` and a model `width` wide: column 2i of row `pos` is
    /// sin(pos / 10000^(2i / width)) and column 2i + 1 is cos(pos / 10000^(2i / width)), so each
    /// pair of columns turns at its own rate, from once every 2π positions down to once every
    /// 10000 · 2π. Added to the tokens' embeddings, they give a layer that knows nothing of order
    /// a way to tell positions apart.
    public static func sinusoidalPositions(count: Int, width: Int) -> Matrix {
        Matrix(rows: count, cols: width) { pos, column in
            let pair = Double(column - column % 2)
            let angle = Double(pos) / Double.pow(10_000, pair / Double(width))
            return column % 2 == 0 ? Double.sin(angle) : Double.cos(angle)
        }
    }
}
