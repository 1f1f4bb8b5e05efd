import Foundation

/// Line charts as a self-contained SVG picture: one or more panels stacked, each with axes,
/// tick labels, axis titles and a legend. Used for `export loss` and `export prune-curve`, and
/// placed as they are in the web page.
public enum SVGChart {
    public struct Series: Sendable {
        public var name: String
        public var points: [(x: Double, y: Double)]
        /// Drawn dashed (an average of random orders, say), against the solid measured lines.
        public var dashed: Bool
        /// Each point marked with a dot: for few, measured points.
        public var markers: Bool

        public init(name: String, points: [(x: Double, y: Double)], dashed: Bool = false, markers: Bool = false) {
            self.name = name
            self.points = points
            self.dashed = dashed
            self.markers = markers
        }
    }

    public struct Panel: Sendable {
        public var title: String
        public var xLabel: String
        public var yLabel: String
        public var series: [Series]
        /// The y axis's ends; nil fits the finite values.
        public var yRange: ClosedRange<Double>?
        /// A logarithmic y axis (the finite values must be positive).
        public var logarithmic: Bool

        public init(title: String, xLabel: String, yLabel: String, series: [Series],
                    yRange: ClosedRange<Double>? = nil, logarithmic: Bool = false) {
            self.title = title
            self.xLabel = xLabel
            self.yLabel = yLabel
            self.series = series
            self.yRange = yRange
            self.logarithmic = logarithmic
        }
    }

    /// Colours told apart on white, in the order series are given.
    static let colours = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#7f7f7f"]

    public static func render(title: String, panels: [Panel], width: Double = 720) -> String {
        let panelHeight = 300.0, top = 40.0
        let height = top + Double(panels.count) * (panelHeight + 30) + 10
        var svg = """
            <?xml version="1.0" encoding="UTF-8"?>
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" viewBox="0 0 \(Int(width)) \(Int(height))" font-family="Helvetica, Arial, sans-serif" font-size="12">
            <rect width="100%" height="100%" fill="white"/>
            <text x="16" y="26" font-size="16" font-weight="bold">\(SVGHeatmap.escaped(title))</text>

            """
        for (index, panel) in panels.enumerated() {
            svg += draw(panel, x0: 0, y0: top + Double(index) * (panelHeight + 30), width: width, height: panelHeight)
        }
        return svg + "</svg>\n"
    }

    /// The picture as an element to place inside an HTML page: without the XML declaration,
    /// which only a file of its own has.
    static func inline(_ svg: String) -> String {
        svg.components(separatedBy: "\n").filter { !$0.hasPrefix("<?xml") }.joined(separator: "\n")
    }

    private static func draw(_ panel: Panel, x0: Double, y0: Double, width: Double, height: Double) -> String {
        // Room below the axis for its title and a legend of up to eight series in two rows.
        let left = x0 + 70, right = x0 + width - 20, top = y0 + 28, bottom = y0 + height - 80
        let points = panel.series.flatMap(\.points).filter { $0.x.isFinite && $0.y.isFinite && (!panel.logarithmic || $0.y > 0) }
        guard let xLow = points.map(\.x).min(), let xHigh = points.map(\.x).max() else { return "" }
        let xRange = xLow...(xHigh > xLow ? xHigh : ClosedRange.around(xLow).upperBound)
        let yRange = panel.yRange ?? fitted(points.map(\.y), logarithmic: panel.logarithmic)
        func position(_ value: Double, _ range: ClosedRange<Double>, _ from: Double, _ to: Double, log: Bool = false) -> Double {
            let (v, low, high) = log ? (log10(value), log10(range.lowerBound), log10(range.upperBound)) : (value, range.lowerBound, range.upperBound)
            if (high - low).isFinite { return from + (to - from) * (v - low) / (high - low) }
            return from + (to - from) * (v / 2 - low / 2) / (high / 2 - low / 2)   // in halves, where the width overflows
        }
        func px(_ x: Double) -> Double { position(x, xRange, left, right) }
        func py(_ y: Double) -> Double { position(y, yRange, bottom, top, log: panel.logarithmic) }
        func f(_ value: Double) -> String { String(format: "%.1f", value) }

        var svg = "<g class=\"panel\">\n<text x=\"\(f(left))\" y=\"\(f(y0 + 16))\" font-weight=\"bold\">\(SVGHeatmap.escaped(panel.title))</text>\n"
        // Grid lines and tick labels.
        for tick in ticks(yRange, logarithmic: panel.logarithmic) {
            let y = py(tick)
            svg += "<line x1=\"\(f(left))\" y1=\"\(f(y))\" x2=\"\(f(right))\" y2=\"\(f(y))\" stroke=\"#e3e3e3\"/>"
            svg += "<text x=\"\(f(left - 6))\" y=\"\(f(y + 4))\" text-anchor=\"end\">\(label(tick))</text>\n"
        }
        for tick in ticks(xRange, logarithmic: false) where tick == tick.rounded() {
            let x = px(tick)
            svg += "<line x1=\"\(f(x))\" y1=\"\(f(bottom))\" x2=\"\(f(x))\" y2=\"\(f(bottom + 5))\" stroke=\"#555\"/>"
            svg += "<text x=\"\(f(x))\" y=\"\(f(bottom + 18))\" text-anchor=\"middle\">\(label(tick))</text>\n"
        }
        svg += "<line x1=\"\(f(left))\" y1=\"\(f(bottom))\" x2=\"\(f(right))\" y2=\"\(f(bottom))\" stroke=\"#555\"/>"
        svg += "<line x1=\"\(f(left))\" y1=\"\(f(top))\" x2=\"\(f(left))\" y2=\"\(f(bottom))\" stroke=\"#555\"/>\n"
        svg += "<text x=\"\(f((left + right) / 2))\" y=\"\(f(bottom + 34))\" text-anchor=\"middle\">\(SVGHeatmap.escaped(panel.xLabel))</text>\n"
        let scale = panel.logarithmic ? " (log scale)" : ""
        svg += "<text transform=\"translate(\(f(x0 + 16)) \(f((top + bottom) / 2))) rotate(-90)\" text-anchor=\"middle\">\(SVGHeatmap.escaped(panel.yLabel + scale))</text>\n"
        let legendX = left
        for (index, series) in panel.series.enumerated() {
            let colour = colours[index % colours.count]
            let shown = series.points.filter { $0.x.isFinite && $0.y.isFinite && (!panel.logarithmic || $0.y > 0) }
            let path = shown.map { "\(f(px($0.x))),\(f(py($0.y)))" }.joined(separator: " ")
            svg += "<polyline class=\"series\" fill=\"none\" stroke=\"\(colour)\" stroke-width=\"1.8\"\(series.dashed ? " stroke-dasharray=\"6 4\"" : "") points=\"\(path)\"><title>\(SVGHeatmap.escaped(series.name))</title></polyline>\n"
            if series.markers {
                for point in shown {
                    svg += "<circle cx=\"\(f(px(point.x)))\" cy=\"\(f(py(point.y)))\" r=\"3\" fill=\"\(colour)\"/>"
                }
                svg += "\n"
            }
            // The legend in a row under the axis, where no line can run through it.
            let x = legendX + 150 * Double(index % 4), y = bottom + 54 + 16 * Double(index / 4)
            svg += "<line x1=\"\(f(x))\" y1=\"\(f(y))\" x2=\"\(f(x + 22))\" y2=\"\(f(y))\" stroke=\"\(colour)\" stroke-width=\"2\"\(series.dashed ? " stroke-dasharray=\"6 4\"" : "")/>"
            svg += "<text x=\"\(f(x + 28))\" y=\"\(f(y + 4))\">\(SVGHeatmap.escaped(series.name))</text>\n"
        }
        return svg + "</g>\n"
    }

    /// The values' range, padded a little; for a logarithmic axis, out to whole powers of ten.
    static func fitted(_ values: [Double], logarithmic: Bool) -> ClosedRange<Double> {
        guard let low = values.min(), let high = values.max() else { return 0...1 }
        // Within the positive (for logarithms) and finite Doubles: a power of ten can fall below
        // the smallest (1e-324 is 0) or beyond the largest (1e309 is infinity).
        if logarithmic {
            let a = max(pow(10, floor(log10(low))), .leastNonzeroMagnitude), b = min(pow(10, ceil(log10(high))), .greatestFiniteMagnitude)
            return a...(b > a ? b : min(a * 10, .greatestFiniteMagnitude))
        }
        guard high > low else { return .around(low) }
        let pad = (high / 2 - low / 2) * 0.1
        return max(low - pad, -.greatestFiniteMagnitude)...min(high + pad, .greatestFiniteMagnitude)
    }

    /// About five round values across `range`: steps of 1, 2 or 5 times a power of ten, or
    /// the powers of ten on a logarithmic axis.
    static func ticks(_ range: ClosedRange<Double>, logarithmic: Bool) -> [Double] {
        if logarithmic {
            // Within Double's powers of ten (a range fitted around 1e308 ends at infinity).
            let first = Int(ceil(max(log10(range.lowerBound), -323) - 1e-9)), last = Int(floor(min(log10(range.upperBound), 308) + 1e-9))
            return first <= last ? (first...last).map { pow(10, Double($0)) } : [range.lowerBound]
        }
        let span = range.upperBound - range.lowerBound
        let raw = span / 5, power = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 5, 10].map { $0 * power }.first { $0 >= raw } ?? raw
        var ticks: [Double] = []
        var tick = ceil(range.lowerBound / step - 1e-9) * step
        while tick <= range.upperBound + step * 1e-9 {
            ticks.append(abs(tick) < step * 1e-9 ? 0 : tick)
            // A step can be lost to rounding (1e17 + 5 is 1e17): then there is no next tick.
            guard tick + step > tick else { break }
            tick += step
        }
        return ticks
    }

    static func label(_ value: Double) -> String {
        String(format: "%g", value)
    }
}
