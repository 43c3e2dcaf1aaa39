// MarkOverlay: the marked cells drawn into the preview's pixels at the size they are shown (half-block pixels or
// the sixel / kitty placement) — marked cells tinted, their outline as black-and-white dashes (visible on any
// colour), the cursor cell and a box being stretched outlined in cyan.
import ArrozImage

public enum MarkOverlay {
    public static let tint = (r: 255, g: 40, b: 120)
    public static let tintAmount = 0.35
    public static let antLight: (UInt8, UInt8, UInt8) = (255, 255, 255)
    public static let antDark: (UInt8, UInt8, UInt8) = (0, 0, 0)
    public static let cursor: (UInt8, UInt8, UInt8) = (0, 230, 255)

    /// Draws `grid` over `image` (the image as shown, any size): `showCursor` adds the cursor / box outline,
    /// `tinted` the tint inside the marks (off on an image that repainted exactly these marks, so it shows).
    public static func apply(
        _ grid: MarkGrid, to image: inout RGBImage, showCursor: Bool = true, tinted: Bool = true
    ) {
        let (W, H) = (image.width, image.height)
        guard W > 0, H > 0 else { return }
        // Line width in shown pixels: 1 up to 128 px, then one more per 128.
        let t = max(1, min(W, H) / 128)
        let cellOf = { (x: Int, y: Int) in grid.cell(px: x, py: y, width: W, height: H) }
        let cellX = (0..<W).map { x in cellOf(x, 0).x }, cellY = (0..<H).map { y in cellOf(0, y).y }
        let marked = { (x: Int, y: Int) -> Bool in
            x >= 0 && y >= 0 && x < W && y < H && grid[GridPoint(cellX[x], cellY[y])]
        }
        let box = showCursor ? (grid.box ?? (grid.cursor, grid.cursor)) : nil
        let inBox = { (x: Int, y: Int) -> Bool in
            guard let (lo, hi) = box, x >= 0, y >= 0, x < W, y < H else { return false }
            return (lo.x...hi.x).contains(cellX[x]) && (lo.y...hi.y).contains(cellY[y])
        }
        let source = image
        for y in 0..<H {
            for x in 0..<W {
                let m = marked(x, y), b = inBox(x, y)
                guard m || b else { continue }
                let i = (y * W + x) * 3
                // On an edge: a neighbour within t pixels is on the other side of the set's border.
                func edge(_ inside: (Int, Int) -> Bool) -> Bool {
                    (1...t).contains { d in
                        !inside(x - d, y) || !inside(x + d, y) || !inside(x, y - d) || !inside(x, y + d)
                    }
                }
                var c: (UInt8, UInt8, UInt8)
                if b && edge(inBox) {
                    c = cursor
                } else if m && edge(marked) {
                    c = ((x + y) / (2 * t)) % 2 == 0 ? antLight : antDark
                } else if m && tinted {
                    let p = source.pixels
                    func mix(_ v: UInt8, _ to: Int) -> UInt8 {
                        UInt8(
                            clamping: Int((Double(v) * (1 - tintAmount) + Double(to) * tintAmount).rounded()))
                    }
                    c = (mix(p[i], tint.r), mix(p[i + 1], tint.g), mix(p[i + 2], tint.b))
                } else {
                    continue
                }
                (image.pixels[i], image.pixels[i + 1], image.pixels[i + 2]) = c
            }
        }
    }
}
