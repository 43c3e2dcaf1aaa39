// Screen: presents canvases on a terminal — cell diff, full repaint on demand, then the pixel images after the
// flush inside synchronized output (ESC[?2026h … ESC[?2026l): sixel and iTerm2 images by position, kitty images
// under ids that are replaced in place and deleted when they leave the frame, on resize and on exit.
import ArrozImage

/// Keeps the last frame and writes only what changed.
public final class Screen {
    public let terminal: Terminal
    private var previous: Canvas?
    private var shownImages: [ImagePlacement] = []
    /// Kitty image ids on the terminal now.
    private var kittyShown: Set<UInt32> = []
    private var needsFullRepaint = true
    /// The last image encoding error (shown on the status line by the app).
    public private(set) var lastImageError: String?
    /// Bytes of image escape codes written by the last present (0 when no image changed).
    public private(set) var lastImageBytes = 0
    /// Wrap image escape codes for tmux (`allow-passthrough`).
    public var passthrough = false
    /// Sixel / iTerm2 encodings of recent images and cell sizes: a thumbnail sliding along the strip is written
    /// again at its new cells but not encoded again.
    private var encoded: [EncodedKey: [UInt8]] = [:]
    private var encodedOrder: [EncodedKey] = []
    private static let encodedCapacity = 48

    private struct EncodedKey: Hashable {
        let image: RGBImage
        let size: [Int]
        let graphics: GraphicsMode
    }

    public init(terminal: Terminal) { self.terminal = terminal }

    /// The next present repaints every cell and every image (after a resize, theme change or overlay).
    public func invalidate() { needsFullRepaint = true }

    /// Draws `canvas`. With `sixel`, image placements are written as sixels after the text flush.
    public func present(_ canvas: Canvas, sixel: Bool) {
        present(canvas, graphics: sixel ? .sixel : .halfblock)
    }

    /// Draws `canvas`, then its image placements in `graphics` (only pixel modes write any).
    public func present(_ canvas: Canvas, graphics: GraphicsMode) {
        let images = graphics.isPixels ? Self.numbered(canvas.images) : []
        // Sixel and iTerm2 pixels belong to the cells under them: when images move, vanish or resize, repaint
        // everything so curses rewrites (and thereby erases) the cells they covered. A new image next to the
        // old ones (one more thumbnail per step) needs no repaint. Kitty images live on their own layer and are
        // deleted by id instead.
        let rects = Set(images.map(\.rect))
        if graphics != .kitty, !shownImages.allSatisfy({ rects.contains($0.rect) }) {
            needsFullRepaint = true
        }
        let full = needsFullRepaint
        if full { terminal.forceRedraw() }
        var ok = true
        for change in canvas.diff(from: full ? nil : previous) {
            ok = terminal.put(x: change.x, y: change.y, cell: change.cell) && ok
        }
        if !ok {
            // Colour pairs were recycled mid-frame: paint the whole frame again with the fresh pairs.
            terminal.forceRedraw()
            for change in canvas.diff(from: nil) { terminal.put(x: change.x, y: change.y, cell: change.cell) }
        }
        terminal.flush()
        lastImageBytes = 0
        let redraw = full || !ok
        let changed = images.filter { p in redraw || !shownImages.contains(p) }
        if graphics == .kitty {
            writeKitty(changed, keep: Set(images.map(\.slot)), full: redraw, cell: canvas)
        } else if !changed.isEmpty {
            writePositioned(changed, graphics)
        }
        shownImages = images
        previous = canvas
        needsFullRepaint = false
    }

    /// Deletes every kitty image this screen placed (call before the terminal is restored, so `q` leaves
    /// nothing behind); sixel and iTerm2 pixels go with the cells when curses leaves the alternate screen.
    public func clearImages() {
        guard !kittyShown.isEmpty else { return }
        write(KittyGraphics.deleteAll())
        kittyShown = []
        shownImages = []
    }

    /// Placements with slot 0 get 100 + their position.
    static func numbered(_ images: [ImagePlacement]) -> [ImagePlacement] {
        images.enumerated().map { i, p in
            var p = p
            if p.slot == 0 { p.slot = UInt32(100 + i) }
            return p
        }
    }

    /// Kitty: delete ids that left the frame (all of them on a full repaint: curses' clear does not reliably
    /// take them), then transmit changed images under their ids, placement 1, at their cells.
    private func writeKitty(_ changed: [ImagePlacement], keep: Set<UInt32>, full: Bool, cell: Canvas) {
        var bytes: [UInt8] = []
        for id in kittyShown.sorted() where full || !keep.contains(id) {
            bytes += wrap(KittyGraphics.delete(id: id))
            kittyShown.remove(id)
        }
        for p in changed {
            bytes += Array("\u{1b}7\u{1b}[\(p.rect.y + 1);\(p.rect.x + 1)H".utf8)
            // The same pixels somewhere else (a thumbnail sliding along the strip): move the placement only.
            let moved =
                !full && kittyShown.contains(p.slot)
                && shownImages.contains { $0.slot == p.slot && $0.image == p.image && $0.rect.size == p.rect.size }
            bytes += wrap(
                moved
                    ? KittyGraphics.placeExisting(id: p.slot, columns: p.rect.width, rows: p.rect.height)
                    : KittyGraphics.place(
                        Self.padded(p, cellWidth: terminal.size.cellWidth, cellHeight: terminal.size.cellHeight),
                        id: p.slot, placement: 1, columns: p.rect.width, rows: p.rect.height))
            bytes += Array("\u{1b}8".utf8)
            kittyShown.insert(p.slot)
        }
        guard !bytes.isEmpty else { return }
        write(Array("\u{1b}[?2026h".utf8) + bytes + Array("\u{1b}[?2026l".utf8))
    }

    /// The image centred on a transparent canvas of exactly its cells' pixels, so kitty's `c=`/`r=` and iTerm2's
    /// width/height in cells scale it 1:1 (no blur or stretch on pixel art). Unknown cell size: the image as it is.
    static func padded(_ p: ImagePlacement, cellWidth: Int, cellHeight: Int) -> RGBAImage {
        let (W, H) = (p.rect.width * cellWidth, p.rect.height * cellHeight)
        let img = p.image
        guard cellWidth > 0, cellHeight > 0, W >= img.width, H >= img.height, (W, H) != (img.width, img.height)
        else { return RGBAImage(img) }
        var px = [UInt8](repeating: 0, count: W * H * 4)
        let (x0, y0) = ((W - img.width) / 2, (H - img.height) / 2)
        for y in 0..<img.height {
            var o = ((y0 + y) * W + x0) * 4, i = y * img.width * 3
            for _ in 0..<img.width {
                px[o] = img.pixels[i]
                px[o + 1] = img.pixels[i + 1]
                px[o + 2] = img.pixels[i + 2]
                px[o + 3] = 255
                o += 4
                i += 3
            }
        }
        return RGBAImage(width: W, height: H, pixels: px)
    }

    /// Sixel / iTerm2: one raw write — begin synchronized update, for each image save cursor / move / image /
    /// restore, end.
    private func writePositioned(_ placements: [ImagePlacement], _ graphics: GraphicsMode) {
        var bytes = Array("\u{1b}[?2026h".utf8)
        for p in placements {
            do {
                let key = EncodedKey(
                    image: p.image,
                    size: p.rect.size + [terminal.size.cellWidth, terminal.size.cellHeight], graphics: graphics)
                let encoded: [UInt8]
                if let cached = self.encoded[key] {
                    encoded = cached
                } else {
                    encoded =
                        graphics == .sixel
                        ? try p.source.map { try Sixel.encode($0, scale: p.scale, colors: 256) }
                            ?? Sixel.encode(p.image, colors: 256, diffusion: .none)
                        : ITermImages.inline(
                            Self.padded(p, cellWidth: terminal.size.cellWidth, cellHeight: terminal.size.cellHeight),
                            columns: p.rect.width, rows: p.rect.height)
                    self.encoded[key] = encoded
                    encodedOrder.append(key)
                    if encodedOrder.count > Self.encodedCapacity { self.encoded[encodedOrder.removeFirst()] = nil }
                }
                bytes += Array("\u{1b}7\u{1b}[\(p.rect.y + 1);\(p.rect.x + 1)H".utf8)
                bytes += graphics == .iterm ? wrap(encoded) : encoded
                bytes += Array("\u{1b}8".utf8)
                lastImageError = nil
            } catch {
                lastImageError = "sixel: \(error)"
            }
        }
        bytes += Array("\u{1b}[?2026l".utf8)
        write(bytes)
    }

    private func wrap(_ bytes: [UInt8]) -> [UInt8] { passthrough ? Passthrough.tmux(bytes) : bytes }

    private func write(_ bytes: [UInt8]) {
        lastImageBytes += bytes.count
        terminal.writeRaw(bytes)
    }
}
