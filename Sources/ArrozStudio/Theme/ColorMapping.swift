// ColorMapping: theme RGB colours to terminal colour numbers — direct, xterm-256 cube, or the 8 ANSI colours.
import ArrozImage

/// Maps RGB to the colour numbers a terminal of each ``ColorMode`` understands (btop's low-colour path).
public enum ColorMapping {
    /// The colour number for `c`: `r<<16|g<<8|b` in truecolor, nearest palette entry otherwise, -1 in mono.
    public static func index(_ c: RGB, _ mode: ColorMode) -> Int32 {
        switch mode {
        case .trueColor: Int32(c.r) << 16 | Int32(c.g) << 8 | Int32(c.b)
        case .palette256: Int32(xterm256(c))
        case .palette8: Int32(ansi8(c))
        case .mono: -1
        }
    }

    /// Nearest xterm-256 entry: the better of the 6×6×6 cube (16…231) and the grey ramp (232…255).
    public static func xterm256(_ c: RGB) -> Int {
        let levels = [0, 95, 135, 175, 215, 255]
        func nearestLevel(_ v: UInt8) -> Int {
            var best = 0
            for i in 1..<6 where abs(levels[i] - Int(v)) < abs(levels[best] - Int(v)) { best = i }
            return best
        }
        let (ri, gi, bi) = (nearestLevel(c.r), nearestLevel(c.g), nearestLevel(c.b))
        let cube = RGB(UInt8(levels[ri]), UInt8(levels[gi]), UInt8(levels[bi]))
        let mean = (Int(c.r) + Int(c.g) + Int(c.b)) / 3
        let greyIndex = min(23, max(0, (mean - 8 + 5) / 10))
        let greyValue = UInt8(8 + 10 * greyIndex)
        let grey = RGB(greyValue, greyValue, greyValue)
        return distance(c, cube) <= distance(c, grey) ? 16 + 36 * ri + 6 * gi + bi : 232 + greyIndex
    }

    /// Nearest of the 8 ANSI colours (black, red, green, yellow, blue, magenta, cyan, white).
    public static func ansi8(_ c: RGB) -> Int {
        let table: [RGB] = [
            RGB(0, 0, 0), RGB(205, 0, 0), RGB(0, 205, 0), RGB(205, 205, 0),
            RGB(0, 0, 238), RGB(205, 0, 205), RGB(0, 205, 205), RGB(229, 229, 229),
        ]
        var best = 0
        for i in 1..<table.count where distance(c, table[i]) < distance(c, table[best]) { best = i }
        return best
    }

    /// A requested mode, limited to what the terminal can show.
    public static func clamp(_ requested: ColorMode, to available: ColorMode) -> ColorMode {
        let order: [ColorMode] = [.mono, .palette8, .palette256, .trueColor]
        let r = order.firstIndex(of: requested) ?? 0, a = order.firstIndex(of: available) ?? 0
        return order[min(r, a)]
    }

    private static func distance(_ a: RGB, _ b: RGB) -> Int {
        let dr = Int(a.r) - Int(b.r), dg = Int(a.g) - Int(b.g), db = Int(a.b) - Int(b.b)
        return 2 * dr * dr + 4 * dg * dg + 3 * db * db
    }
}
