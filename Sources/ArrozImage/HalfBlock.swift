// HalfBlock: images as Unicode upper-half blocks (▀), two pixels per cell, for terminals without sixel.

/// Renders an image into terminal cells: each cell shows `▀` with the foreground = the upper pixel and the
/// background = the lower pixel, so a cell grid of C × R shows a C × 2R picture (the technique of `chafa
/// --symbols=vhalf`, `timg` and `viu`).
public enum HalfBlock {
    /// One terminal cell.
    public typealias Cell = (glyph: Character, fg: RGB, bg: RGB)

    /// The upper half block, U+2580.
    public static let glyph: Character = "\u{2580}"

    /// How SGR colours are written.
    public enum ColorMode: String, Sendable, CaseIterable {
        /// 24-bit `ESC[38;2;r;g;bm` / `ESC[48;2;r;g;bm`.
        case trueColor
        /// xterm 256-colour palette `ESC[38;5;nm`: nearest of the 6×6×6 cube and the 24-step grey ramp.
        case palette256
    }

    /// `rows` × `columns` cells showing `image` resampled to `columns` × `2·rows` pixels (area average when
    /// shrinking, nearest when growing, so pixel art stays crisp). Callers choose the aspect ratio.
    public static func render(_ image: RGBImage, columns: Int, rows: Int) -> [[Cell]] {
        precondition(columns > 0 && rows > 0, "HalfBlock.render: \(columns) columns x \(rows) rows")
        let (W, H) = (columns, 2 * rows)
        let shrinking = W <= image.width && H <= image.height
        let fitted = image.resized(width: W, height: H, filter: shrinking ? .area : .nearest)
        return (0..<rows).map { r in
            (0..<columns).map { c in (glyph, fitted.rgb(c, 2 * r), fitted.rgb(c, 2 * r + 1)) }
        }
    }

    /// The cells as text with SGR colours; each row ends with `ESC[0m` and rows are joined by `\n`.
    /// Colour codes are written only when they change within a row.
    public static func ansi(_ cells: [[Cell]], mode: ColorMode = .trueColor) -> String {
        var out = ""
        for (r, row) in cells.enumerated() {
            var lastFG: RGB?, lastBG: RGB?
            for cell in row {
                if cell.fg != lastFG { out += sgr(cell.fg, foreground: true, mode: mode) }
                if cell.bg != lastBG { out += sgr(cell.bg, foreground: false, mode: mode) }
                lastFG = cell.fg
                lastBG = cell.bg
                out.append(cell.glyph)
            }
            out += "\u{1B}[0m"
            if r < cells.count - 1 { out += "\n" }
        }
        return out
    }

    /// `render` then `ansi`.
    public static func ansi(_ image: RGBImage, columns: Int, rows: Int, mode: ColorMode = .trueColor)
        -> String
    {
        ansi(render(image, columns: columns, rows: rows), mode: mode)
    }

    /// One SGR colour sequence.
    public static func sgr(_ c: RGB, foreground: Bool, mode: ColorMode) -> String {
        let layer = foreground ? 38 : 48
        switch mode {
        case .trueColor: return "\u{1B}[\(layer);2;\(c.r);\(c.g);\(c.b)m"
        case .palette256: return "\u{1B}[\(layer);5;\(palette256Index(c))m"
        }
    }

    /// The xterm 256-colour index nearest to `c` (squared RGB distance) among the 6×6×6 cube (16...231,
    /// levels 0, 95, 135, 175, 215, 255) and the grey ramp (232...255, 8 + 10·i), as tmux's `colour_find_rgb`
    /// does.
    public static func palette256Index(_ c: RGB) -> Int {
        let levels = [0, 95, 135, 175, 215, 255]
        func nearestLevel(_ v: UInt8) -> Int {
            let v = Int(v)
            return v < 48 ? 0 : v < 115 ? 1 : (v - 35) / 40
        }
        let (ri, gi, bi) = (nearestLevel(c.r), nearestLevel(c.g), nearestLevel(c.b))
        let cube = (levels[ri], levels[gi], levels[bi])
        let average = (Int(c.r) + Int(c.g) + Int(c.b)) / 3
        let greyIndex = average > 238 ? 23 : Swift.max(average - 3, 0) / 10
        let grey = 8 + 10 * greyIndex
        func distance(_ r: Int, _ g: Int, _ b: Int) -> Int {
            let (dr, dg, db) = (r - Int(c.r), g - Int(c.g), b - Int(c.b))
            return dr * dr + dg * dg + db * db
        }
        if distance(grey, grey, grey) < distance(cube.0, cube.1, cube.2) { return 232 + greyIndex }
        return 16 + 36 * ri + 6 * gi + bi
    }
}
