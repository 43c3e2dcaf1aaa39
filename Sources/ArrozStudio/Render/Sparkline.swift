// Sparkline: values as a row of ▁▂▃▄▅▆▇█ block levels with a colour gradient.
import ArrozImage

/// One-row bar sparklines.
public enum Sparkline {
    static let levels: [Unicode.Scalar] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

    /// Resamples `values` to `width` columns (bucket means) and maps each to a level 0…7 over min…max.
    public static func levels(_ values: [Float], width: Int) -> [Int] {
        guard width > 0, !values.isEmpty else { return [] }
        let cols = resample(values.map { $0.isFinite ? Double($0) : 0 }, width)
        let lo = cols.min() ?? 0, hi = cols.max() ?? 0
        return cols.map { hi > lo ? Int(((($0 - lo) / (hi - lo)) * 7).rounded()) : 3 }
    }

    /// Draws a sparkline at (x, y); `color(t)` gives the colour for a level fraction t ∈ [0, 1].
    public static func draw(
        _ canvas: inout Canvas, x: Int, y: Int, values: [Float], width: Int, style: Style,
        color: (Double) -> RGB?
    ) {
        for (i, l) in levels(values, width: width).enumerated() {
            canvas.put(levels[l], x: x + i, y: y, style.with(fg: color(Double(l) / 7)))
        }
    }

    /// Bucket means when shrinking, nearest sample when stretching.
    static func resample(_ v: [Double], _ n: Int) -> [Double] {
        if v.count == n { return v }
        if v.count < n { return (0..<n).map { v[$0 * v.count / n] } }
        return (0..<n).map { i in
            let lo = i * v.count / n, hi = max(lo + 1, (i + 1) * v.count / n)
            return v[lo..<hi].reduce(0, +) / Double(hi - lo)
        }
    }
}
