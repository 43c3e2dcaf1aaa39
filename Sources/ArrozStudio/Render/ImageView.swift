// ImageView: puts an RGBImage into a cell rectangle — half-blocks in the grid, or a pixel placement (sixel,
// kitty, iTerm2) scaled to the box by whole factors (nearest, crisp pixel art) or smoothly to fill it.
import ArrozImage

/// Draws images inside panes, keeping their aspect ratio.
public enum ImageView {
    /// Cell size assumed for kitty / iTerm2 placements when the terminal does not say (they scale to cells).
    public static let assumedCell = (w: 8, h: 16)

    /// Size in cells an image of `w × h` pixels takes inside `rect` in half-block mode (1 × 2 px per cell).
    public static func halfBlockFit(width w: Int, height h: Int, in rect: Rect, smooth: Bool = false)
        -> (cols: Int, rows: Int)
    {
        guard w > 0, h > 0, rect.width > 0, rect.height > 0 else { return (0, 0) }
        var scale = min(Double(rect.width) / Double(w), Double(rect.height * 2) / Double(h))
        if scale >= 1 && !smooth { scale = scale.rounded(.down) }
        let cols = max(1, Int(Double(w) * scale)), px = max(2, Int(Double(h) * scale))
        return (min(cols, rect.width), min((px + 1) / 2, rect.height))
    }

    /// Pixel size and cell footprint for a `w × h` image inside `rect`: a whole enlarging factor (or the
    /// largest fit when `smooth`), any factor when shrinking.
    public static func sixelFit(
        width w: Int, height h: Int, in rect: Rect, cellWidth cw: Int, cellHeight ch: Int,
        smooth: Bool = false
    ) -> (pixelWidth: Int, pixelHeight: Int, cols: Int, rows: Int) {
        guard w > 0, h > 0, rect.width > 0, rect.height > 0, cw > 0, ch > 0 else { return (0, 0, 0, 0) }
        let boxW = rect.width * cw, boxH = rect.height * ch
        var scale = min(Double(boxW) / Double(w), Double(boxH) / Double(h))
        if scale >= 1 && !smooth { scale = scale.rounded(.down) }
        let pw = max(1, Int(Double(w) * scale)), ph = max(1, Int(Double(h) * scale))
        return (pw, ph, min(rect.width, (pw + cw - 1) / cw), min(rect.height, (ph + ch - 1) / ch))
    }

    /// Draws `image` centred in `rect` (`slot` names it across frames: the kitty image id). Returns the cell
    /// rectangle it covers.
    @discardableResult
    public static func draw(
        _ image: RGBImage, in rect: Rect, _ canvas: inout Canvas, _ context: PaneContext, slot: UInt32 = 0
    ) -> Rect {
        place(image, in: rect, &canvas, context, slot: slot, overlay: nil).rect
    }

    /// Draws `image` like ``draw(_:in:_:_:slot:)`` with `overlay` painted into its pixels at the size they are
    /// shown (half-block pixels, or the scaled sixel / kitty image). Returns where it went, in cells and screen
    /// pixels (nil with graphics off).
    public static func draw(
        _ image: RGBImage, in rect: Rect, _ canvas: inout Canvas, _ context: PaneContext, slot: UInt32 = 0,
        overlay: (inout RGBImage) -> Void
    ) -> MarkGeometry? {
        withoutActuallyEscaping(overlay) {
            place(image, in: rect, &canvas, context, slot: slot, overlay: $0).geometry
        }
    }

    static func place(
        _ image: RGBImage, in rect: Rect, _ canvas: inout Canvas, _ context: PaneContext, slot: UInt32,
        overlay: ((inout RGBImage) -> Void)?
    ) -> (rect: Rect, geometry: MarkGeometry?) {
        guard !rect.isEmpty, image.width > 0, image.height > 0 else {
            return (Rect(x: rect.x, y: rect.y, width: 0, height: 0), nil)
        }
        let known = context.cellWidth > 0 && context.cellHeight > 0
        switch context.graphics {
        case .sixel where known, .kitty, .iterm:
            let (cw, ch) = known ? (context.cellWidth, context.cellHeight) : assumedCell
            let fit = sixelFit(
                width: image.width, height: image.height, in: rect, cellWidth: cw, cellHeight: ch,
                smooth: context.smooth)
            let r = Rect(
                x: rect.x + (rect.width - fit.cols) / 2, y: rect.y + (rect.height - fit.rows) / 2,
                width: fit.cols, height: fit.rows)
            canvas.fill(r, Cell(" ", context.theme.text))
            let enlarging = fit.pixelWidth >= image.width
            let filter: ResizeFilter = enlarging ? (context.smooth ? .bilinear : .nearest) : .area
            var scaled =
                (fit.pixelWidth, fit.pixelHeight) == (image.width, image.height)
                ? image
                : (context.resizeCache?.resized(image, width: fit.pixelWidth, height: fit.pixelHeight, filter: filter)
                    ?? image.resized(width: fit.pixelWidth, height: fit.pixelHeight, filter: filter))
            // A whole nearest factor: the Screen can encode sixel from the small picture (not when an overlay
            // draws into the enlarged pixels).
            let factor = fit.pixelWidth / image.width
            let whole =
                overlay == nil && filter == .nearest && factor >= 2 && fit.pixelWidth == factor * image.width
                && fit.pixelHeight == factor * image.height
            overlay?(&scaled)
            canvas.images.append(
                ImagePlacement(
                    rect: r, image: scaled, slot: slot, source: whole ? image : nil, scale: whole ? factor : 1))
            return (
                r,
                MarkGeometry(
                    rect: r, pixelWidth: fit.pixelWidth, pixelHeight: fit.pixelHeight, cellWidth: cw,
                    cellHeight: ch)
            )
        case .sixel, .halfblock:
            let fit = halfBlockFit(width: image.width, height: image.height, in: rect, smooth: context.smooth)
            let x0 = rect.x + (rect.width - fit.cols) / 2, y0 = rect.y + (rect.height - fit.rows) / 2
            var shown = image
            if let overlay {
                // The overlay goes on the half-block pixels themselves (columns × 2·rows), as HalfBlock fits them.
                let (W, H) = (fit.cols, 2 * fit.rows)
                if (W, H) != (image.width, image.height) {
                    let shrinking = W <= image.width && H <= image.height
                    shown = image.resized(width: W, height: H, filter: shrinking ? .area : .nearest)
                }
                overlay(&shown)
            }
            let cells = HalfBlock.render(shown, columns: fit.cols, rows: fit.rows)
            for (r, row) in cells.enumerated() {
                for (c, cell) in row.enumerated() {
                    canvas.put("▀", x: x0 + c, y: y0 + r, Style(fg: cell.fg, bg: cell.bg))
                }
            }
            let r = Rect(x: x0, y: y0, width: fit.cols, height: fit.rows)
            return (
                r,
                MarkGeometry(
                    rect: r, pixelWidth: fit.cols, pixelHeight: 2 * fit.rows, cellWidth: 1, cellHeight: 2)
            )
        case .none:
            let text = "image \(image.width)×\(image.height) (graphics off)"
            canvas.text(
                TextLayout.truncate(text, rect.width), x: rect.x, y: rect.y + rect.height / 2,
                context.theme.inactive)
            return (rect, nil)
        }
    }
}
