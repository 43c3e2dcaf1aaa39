// ImageGrid: contact sheets — images laid out in rows and columns with padding (torchvision `make_grid`).

/// Lays images out in a grid.
public enum ImageGrid {
    /// A contact sheet with `columns` per row (the last row may be short). Every cell is the size of the
    /// largest image; smaller images are centred. `padding` pixels of `background` go between cells and
    /// around the edge, as torchvision's `make_grid(padding=…, pad_value=…)` does.
    public static func contactSheet(
        _ images: [RGBImage], columns: Int, padding: Int = 2, background: RGB = RGB(255, 255, 255)
    ) -> RGBImage {
        precondition(!images.isEmpty, "ImageGrid.contactSheet: no images")
        precondition(
            columns > 0 && padding >= 0, "ImageGrid.contactSheet: columns \(columns), padding \(padding)")
        let cols = Swift.min(columns, images.count)
        let rows = (images.count + cols - 1) / cols
        let cellW = images.map(\.width).max() ?? 0
        let cellH = images.map(\.height).max() ?? 0
        let W = cols * cellW + (cols + 1) * padding
        let H = rows * cellH + (rows + 1) * padding
        var sheet = RGBImage(width: W, height: H, fill: (background.r, background.g, background.b))
        for (k, image) in images.enumerated() {
            let x0 = padding + (k % cols) * (cellW + padding) + (cellW - image.width) / 2
            let y0 = padding + (k / cols) * (cellH + padding) + (cellH - image.height) / 2
            sheet.paste(image, x: x0, y: y0)
        }
        return sheet
    }

    /// A square-ish sheet: `ceil(sqrt(n))` columns.
    public static func contactSheet(_ images: [RGBImage], padding: Int = 2) -> RGBImage {
        let cols = Int(Double(images.count).squareRoot().rounded(.up))
        return contactSheet(images, columns: Swift.max(cols, 1), padding: padding)
    }
}

extension RGBImage {
    /// Copies `image` into this one with its top-left corner at (`x`, `y`); parts outside are clipped.
    public mutating func paste(_ image: RGBImage, x: Int, y: Int) {
        for sy in 0..<image.height {
            let dy = y + sy
            guard dy >= 0 && dy < height else { continue }
            for sx in 0..<image.width {
                let dx = x + sx
                guard dx >= 0 && dx < width else { continue }
                let s = 3 * (sy * image.width + sx), d = 3 * (dy * width + dx)
                pixels[d] = image.pixels[s]
                pixels[d + 1] = image.pixels[s + 1]
                pixels[d + 2] = image.pixels[s + 2]
            }
        }
    }
}
