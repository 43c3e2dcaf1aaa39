// Meter: sliders (`━━━●────`) and progress bars (`████░░░`) with themed fill colours.

/// Horizontal meters.
public enum Meter {
    /// A slider of `width` cells with the knob at `fraction` ∈ [0, 1].
    public static func slider(
        _ canvas: inout Canvas, x: Int, y: Int, width: Int, fraction: Double, fill: Style, empty: Style,
        knob: Style
    ) {
        guard width > 0 else { return }
        let f = fraction.isFinite ? min(max(fraction, 0), 1) : 0
        let k = Int((f * Double(width - 1)).rounded())
        for i in 0..<width {
            if i < k {
                canvas.put("━", x: x + i, y: y, fill)
            } else if i == k {
                canvas.put("●", x: x + i, y: y, knob)
            } else {
                canvas.put("─", x: x + i, y: y, empty)
            }
        }
    }

    /// A progress bar of `width` cells filled to `fraction`, with eighth-block resolution.
    public static func bar(
        _ canvas: inout Canvas, x: Int, y: Int, width: Int, fraction: Double, fill: Style, empty: Style
    ) {
        guard width > 0 else { return }
        let f = fraction.isFinite ? min(max(fraction, 0), 1) : 0
        let eighths = Int((f * Double(width * 8)).rounded())
        let partial: [Unicode.Scalar] = ["▏", "▎", "▍", "▌", "▋", "▊", "▉"]
        for i in 0..<width {
            let e = eighths - i * 8
            if e >= 8 {
                canvas.put("█", x: x + i, y: y, fill)
            } else if e > 0 {
                canvas.put(partial[e - 1], x: x + i, y: y, fill)
            } else {
                canvas.put("░", x: x + i, y: y, empty)
            }
        }
    }
}
