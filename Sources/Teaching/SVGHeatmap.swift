import Attention
import Foundation

/// A picture of every head's heatmap in a grid, as a self-contained SVG file: token labels,
/// head titles, the values in the cells when they fit, and the colour scale. No external
/// resources, so it opens in any browser.
public enum SVGHeatmap {
    public static func render(_ heatmap: Heatmap, title: String, format: NumberFormat) -> String {
        let cell = 34.0, gap = 40.0
        let labelWidth = Double(heatmap.rowLabels.map(\.count).max() ?? 1) * 7.5 + 12
        let panelWidth = labelWidth + cell * Double(heatmap.columnLabels.count)
        let panelHeight = 44 + cell * Double(heatmap.rowLabels.count)
        let columns = min(heatmap.panels.count, 4)
        let rows = (heatmap.panels.count + columns - 1) / columns
        let width = Double(columns) * (panelWidth + gap) + gap
        let height = 50 + Double(rows) * (panelHeight + gap) + 50
        let showValues = format.decimals <= 3

        var svg = """
            <?xml version="1.0" encoding="UTF-8"?>
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" viewBox="0 0 \(Int(width)) \(Int(height))" font-family="Helvetica, Arial, sans-serif" font-size="12">
            <rect width="100%" height="100%" fill="white"/>
            <text x="\(gap)" y="28" font-size="16" font-weight="bold">\(escaped(title))</text>

            """
        for (index, panel) in heatmap.panels.enumerated() {
            let x0 = gap + Double(index % columns) * (panelWidth + gap)
            let y0 = 50 + Double(index / columns) * (panelHeight + gap)
            svg += "<g class=\"panel\">\n"
            svg += "<text x=\"\(x0 + labelWidth)\" y=\"\(y0 + 12)\" font-weight=\"bold\">\(escaped(panel.title))</text>\n"
            for (j, label) in heatmap.columnLabels.enumerated() {
                svg += "<text x=\"\(x0 + labelWidth + cell * (Double(j) + 0.5))\" y=\"\(y0 + 36)\" text-anchor=\"middle\">\(escaped(label))</text>\n"
            }
            for (i, label) in heatmap.rowLabels.enumerated() {
                let y = y0 + 44 + cell * Double(i)
                svg += "<text x=\"\(x0 + labelWidth - 6)\" y=\"\(y + cell / 2 + 4)\" text-anchor=\"end\">\(escaped(label))</text>\n"
                for j in 0..<heatmap.columnLabels.count {
                    let value = panel.matrix[i, j]
                    let blocked = panel.blocked?[i, j] ?? false || value == -.infinity
                    let x = x0 + labelWidth + cell * Double(j)
                    let fill = blocked || value.isNaN ? "#d9d9d9" : colour(heatmap, heatmap.level(value))
                    svg += "<rect class=\"cell\" x=\"\(x)\" y=\"\(y)\" width=\"\(cell)\" height=\"\(cell)\" fill=\"\(fill)\" stroke=\"white\"><title>\(escaped("\(heatmap.rowLabels[i]) -> \(heatmap.columnLabels[j]): \(format.string(value))"))</title></rect>\n"
                    let text = blocked ? "x" : (value.isNaN ? "NaN" : (showValues ? format.string(value) : ""))
                    if !text.isEmpty {
                        let ink = !blocked && !value.isNaN && heatmap.isDark(heatmap.level(value)) ? "white" : "black"
                        svg += "<text x=\"\(x + cell / 2)\" y=\"\(y + cell / 2 + 4)\" text-anchor=\"middle\" font-size=\"9\" fill=\"\(ink)\">\(escaped(text))</text>\n"
                    }
                }
            }
            svg += "</g>\n"
        }
        // The colour scale.
        let y = height - 36
        svg += "<g class=\"legend\">\n<text x=\"\(gap)\" y=\"\(y + 12)\">\(escaped(format.string(heatmap.range.lowerBound)))</text>\n"
        for step in 0..<20 {
            svg += "<rect x=\"\(gap + 50 + Double(step) * 12)\" y=\"\(y)\" width=\"12\" height=\"16\" fill=\"\(colour(heatmap, Double(step) / 19))\"/>\n"
        }
        svg += "<text x=\"\(gap + 50 + 20 * 12 + 8)\" y=\"\(y + 12)\">\(escaped(format.string(heatmap.range.upperBound)))</text>\n"
        svg += "<rect x=\"\(gap + 360)\" y=\"\(y)\" width=\"16\" height=\"16\" fill=\"#d9d9d9\"/><text x=\"\(gap + 382)\" y=\"\(y + 12)\">blocked (masked)</text>\n</g>\n"
        svg += "</svg>\n"
        return svg
    }

    /// A model's attention as a grid of thumbnails, one row per layer and one column per head
    /// (bertviz's model view as a picture): `weights[layer][head]` is n x n, drawn from 0 (white)
    /// to 1 (deep blue); each thumbnail is titled L.H with the pattern it shows most (`captions`),
    /// and hovering one names it.
    public static func modelGrid(_ weights: [[Matrix]], captions: [[String]], title: String) -> String {
        let n = weights.first?.first?.rows ?? 1
        let cell = max(1.5, (96.0 / Double(n) * 2).rounded() / 2), side = cell * Double(n)
        let gap = 18.0, top = 60.0, left = 70.0
        let heads = weights.first?.count ?? 0
        let width = left + Double(heads) * (side + gap) + gap
        let height = top + Double(weights.count) * (side + gap + 16) + 30
        let scale = Heatmap(panels: [], rowLabels: [], columnLabels: [], range: 0...1)
        var svg = """
            <?xml version="1.0" encoding="UTF-8"?>
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" viewBox="0 0 \(Int(width)) \(Int(height))" font-family="Helvetica, Arial, sans-serif" font-size="11">
            <rect width="100%" height="100%" fill="white"/>
            <text x="\(gap)" y="26" font-size="16" font-weight="bold">\(escaped(title))</text>
            <text x="\(gap)" y="44" fill="#555">rows: layers; columns: heads; each square is a head's weights, queries down, keys across, white 0 to blue 1</text>

            """
        for (layer, row) in weights.enumerated() {
            let y0 = top + Double(layer) * (side + gap + 16)
            svg += "<text x=\"\(gap)\" y=\"\(y0 + 16 + side / 2)\" font-weight=\"bold\">layer \(layer + 1)</text>\n"
            for (head, matrix) in row.enumerated() {
                let x0 = left + Double(head) * (side + gap)
                let caption = layer < captions.count && head < captions[layer].count ? captions[layer][head] : ""
                svg += "<g class=\"head\"><title>\(escaped("head \(layer + 1).\(head + 1): \(caption)"))</title>\n"
                svg += "<text x=\"\(x0)\" y=\"\(y0 + 11)\">\(layer + 1).\(head + 1) \(escaped(caption))</text>\n"
                for i in 0..<matrix.rows {
                    for j in 0..<matrix.cols {
                        let value = matrix[i, j]
                        let fill = value.isFinite ? colour(scale, min(1, max(0, value))) : "#d9d9d9"
                        svg += "<rect x=\"\(x0 + cell * Double(j))\" y=\"\(y0 + 16 + cell * Double(i))\" width=\"\(cell)\" height=\"\(cell)\" fill=\"\(fill)\"/>\n"
                    }
                }
                svg += "<rect x=\"\(x0)\" y=\"\(y0 + 16)\" width=\"\(side)\" height=\"\(side)\" fill=\"none\" stroke=\"#999\"/></g>\n"
            }
        }
        return svg + "</svg>\n"
    }

    /// White to deep blue; for a scale that crosses zero, deep blue through white (at zero)
    /// to deep red, as in the terminal heatmap.
    static func colour(_ heatmap: Heatmap, _ t: Double) -> String {
        func mix(_ from: (Double, Double, Double), _ to: (Double, Double, Double), _ s: Double) -> String {
            hexColour(from.0 + (to.0 - from.0) * s, from.1 + (to.1 - from.1) * s, from.2 + (to.2 - from.2) * s)
        }
        let white = (255.0, 255.0, 255.0), blue = (8.0, 48.0, 107.0), red = (103.0, 0.0, 13.0)
        guard heatmap.isSigned else { return mix(white, blue, t) }
        let (belowZero, along) = heatmap.side(t)
        return belowZero ? mix(blue, white, along) : mix(white, red, along)
    }

    /// "#rrggbb" for red, green and blue from 0 to 255, each rounded to the nearest whole
    /// number (and kept within 0 ... 255).
    static func hexColour(_ red: Double, _ green: Double, _ blue: Double) -> String {
        var bytes: [UInt8] = [UInt8(ascii: "#")]
        bytes.reserveCapacity(7)
        for component in [red, green, blue] {
            let value = min(max(Int(component.rounded()), 0), 255)
            bytes.append(hexDigits[value >> 4])
            bytes.append(hexDigits[value & 15])
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// `text` with the four characters that mean something in XML text and attributes (`&`,
    /// `<`, `>`, `"`) written as entities, whatever follows them (a combining mark makes one
    /// character of `"` and itself, which still needs escaping). Each is one byte that no other
    /// scalar's UTF-8 holds, so text without them (most labels and numbers) is returned as it is.
    static func escaped(_ text: String) -> String {
        func special(_ byte: UInt8) -> Bool {
            byte == UInt8(ascii: "&") || byte == UInt8(ascii: "<") || byte == UInt8(ascii: ">") || byte == UInt8(ascii: "\"")
        }
        guard text.utf8.contains(where: special) else { return text }
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}
