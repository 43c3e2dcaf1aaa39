// BrailleGraph: line graphs in braille dots (2×4 per cell) — raw loss as min–max spans, smoothed as a line.

/// Braille plotting (btop `Graph`). Each cell holds a 2-wide, 4-tall dot matrix at U+2800 + bits.
public enum BrailleGraph {
    /// How a series is drawn.
    public enum Mode: Sendable {
        /// A connected line through bucket means.
        case line
        /// For every dot column, a vertical span from the bucket's min to its max (noisy raw values).
        case span
    }

    /// One series to plot.
    public struct Series {
        public var values: [Double]
        public var style: Style
        public var mode: Mode

        public init(_ values: [Double], style: Style, mode: Mode) {
            self.values = values
            self.style = style
            self.mode = mode
        }
    }

    /// Dot bit for column dx ∈ {0,1} and row dy ∈ 0…3 (top to bottom) inside one braille cell.
    static func bit(_ dx: Int, _ dy: Int) -> UInt8 {
        let left: [UInt8] = [0x01, 0x02, 0x04, 0x40], right: [UInt8] = [0x08, 0x10, 0x20, 0x80]
        return dx == 0 ? left[dy] : right[dy]
    }

    /// The y range that fits every finite value of every series (padded when flat).
    public static func range(_ series: [Series]) -> (lo: Double, hi: Double) {
        let all = series.flatMap(\.values).filter(\.isFinite)
        guard var lo = all.min(), var hi = all.max() else { return (0, 1) }
        if hi - lo < 1e-12 {
            lo -= 0.5
            hi += 0.5
        }
        return (lo, hi)
    }

    /// Plots the series into `rect`; later series win a cell's colour where they share it.
    public static func draw(
        _ canvas: inout Canvas, _ rect: Rect, _ series: [Series], range: (lo: Double, hi: Double)? = nil
    ) {
        guard rect.width > 0, rect.height > 0 else { return }
        let (lo, hi) = range ?? Self.range(series)
        let dotsX = rect.width * 2, dotsY = rect.height * 4
        var bits = [UInt8](repeating: 0, count: rect.width * rect.height)
        var owner = [Int](repeating: -1, count: rect.width * rect.height)
        func row(_ v: Double) -> Int {
            let t = (v - lo) / (hi - lo)
            return min(dotsY - 1, max(0, Int(((1 - t) * Double(dotsY - 1)).rounded())))
        }
        func set(_ x: Int, _ y: Int, _ s: Int) {
            let cell = (y / 4) * rect.width + x / 2
            bits[cell] |= bit(x % 2, y % 4)
            owner[cell] = s
        }
        for (s, series) in series.enumerated() where !series.values.isEmpty {
            let buckets = buckets(series.values, dotsX)
            var previous: Int?
            for (x, b) in buckets.enumerated() {
                guard let b else { previous = nil; continue }
                switch series.mode {
                case .span:
                    let (a, c) = (row(b.max), row(b.min))
                    for y in a...c { set(x, y, s) }
                case .line:
                    let y = row(b.mean)
                    let from = previous ?? y
                    for yy in min(from, y)...max(from, y) { set(x, yy, s) }
                    previous = y
                }
            }
        }
        for cy in 0..<rect.height {
            for cx in 0..<rect.width {
                let i = cy * rect.width + cx
                guard bits[i] != 0, let g = Unicode.Scalar(0x2800 + UInt32(bits[i])) else { continue }
                canvas.put(g, x: rect.x + cx, y: rect.y + cy, series[owner[i]].style)
            }
        }
    }

    /// Splits `values` into `n` consecutive buckets. With fewer values than buckets each value gets one
    /// bucket from the left and the rest are nil (the curve grows to the right as a run goes on).
    static func buckets(_ values: [Double], _ n: Int) -> [(min: Double, max: Double, mean: Double)?] {
        let count = values.count
        return (0..<n).map { i in
            let lo = count >= n ? i * count / n : i
            let hi = count >= n ? max(lo + 1, (i + 1) * count / n) : i + 1
            guard lo < count else { return nil }
            let slice = values[lo..<min(hi, count)].filter(\.isFinite)
            guard let mn = slice.min(), let mx = slice.max() else { return nil }
            return (mn, mx, slice.reduce(0, +) / Double(slice.count))
        }
    }
}
