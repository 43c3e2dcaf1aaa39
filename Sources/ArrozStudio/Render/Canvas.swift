// Canvas: the frame being drawn — a cell grid with clipping, text helpers and a diff against the last frame.
import ArrozImage

/// A rectangle of cells.
public struct Rect: Hashable, Sendable, CustomStringConvertible {
    public var x: Int
    public var y: Int
    public var width: Int
    public var height: Int

    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = max(0, width)
        self.height = max(0, height)
    }

    public var maxX: Int { x + width }
    public var maxY: Int { y + height }
    public var isEmpty: Bool { width <= 0 || height <= 0 }
    /// Width and height, without the position.
    public var size: [Int] { [width, height] }
    public var description: String { "\(width)x\(height)@\(x),\(y)" }

    /// The rectangle shrunk by `n` cells on every side.
    public func inset(_ n: Int) -> Rect {
        Rect(x: x + n, y: y + n, width: width - 2 * n, height: height - 2 * n)
    }

    /// Splits off the top `rows` rows: (top, rest).
    public func splitTop(_ rows: Int) -> (Rect, Rect) {
        let r = min(max(rows, 0), height)
        return (
            Rect(x: x, y: y, width: width, height: r), Rect(x: x, y: y + r, width: width, height: height - r)
        )
    }

    /// Splits off the left `cols` columns: (left, rest).
    public func splitLeft(_ cols: Int) -> (Rect, Rect) {
        let c = min(max(cols, 0), width)
        return (
            Rect(x: x, y: y, width: c, height: height), Rect(x: x + c, y: y, width: width - c, height: height)
        )
    }
}

/// An image to be drawn as pixels (sixel, kitty, iTerm2) over a cell rectangle after the text frame is flushed.
public struct ImagePlacement: Equatable, Sendable {
    public var rect: Rect
    public var image: RGBImage
    /// Which image this is across frames (the kitty image id): the same slot is replaced in place. 0 lets the
    /// Screen number it by position.
    public var slot: UInt32
    /// When `image` is `source` enlarged by the whole factor `scale` (nearest neighbour): sixel is encoded from
    /// the small picture (``Sixel/encode(_:scale:colors:)``).
    public var source: RGBImage?
    public var scale: Int

    public init(rect: Rect, image: RGBImage, slot: UInt32 = 0, source: RGBImage? = nil, scale: Int = 1) {
        self.rect = rect
        self.image = image
        self.slot = slot
        self.source = source
        self.scale = scale
    }
}

/// A clickable region of a frame and what a left click on it does.
public struct Hotspot: Sendable {
    public var rect: Rect
    public var actions: [Action]

    public init(rect: Rect, actions: [Action]) {
        self.rect = rect
        self.actions = actions
    }
}

/// A frame: `width × height` cells plus the pixel images placed on it.
public struct Canvas {
    public let width: Int
    public let height: Int
    public private(set) var cells: [Cell]
    /// Pixel images (sixel path); their cells stay blank in the text grid.
    public var images: [ImagePlacement] = []
    /// Clickable regions, in drawing order (a later, smaller one wins over the pane behind it).
    public var hotspots: [Hotspot] = []
    /// Where the mark mode's image is (the app maps mouse cells to grid cells through it).
    public var markArea: MarkGeometry?

    public init(width: Int, height: Int, fill: Cell = .blank) {
        self.width = max(0, width)
        self.height = max(0, height)
        cells = Array(repeating: fill, count: self.width * self.height)
    }

    public var bounds: Rect { Rect(x: 0, y: 0, width: width, height: height) }

    public subscript(x: Int, y: Int) -> Cell {
        get { cells[y * width + x] }
        set {
            guard x >= 0, y >= 0, x < width, y < height else { return }
            cells[y * width + x] = newValue
        }
    }

    /// Puts one glyph (clipped to the canvas). Overwriting half of a wide glyph blanks its other half, so the
    /// terminal never keeps a stale half.
    public mutating func put(_ glyph: Unicode.Scalar, x: Int, y: Int, _ style: Style) {
        guard x >= 0, y >= 0, x < width, y < height else { return }
        let cont = TextLayout.continuation
        if glyph != cont, x > 0, self[x, y].glyph == cont { self[x - 1, y] = Cell(" ", self[x - 1, y].style) }
        if x + 1 < width, self[x + 1, y].glyph == cont, !(glyph != cont && TextLayout.isWide(glyph)) {
            self[x + 1, y] = Cell(" ", self[x + 1, y].style)
        }
        self[x, y] = Cell(glyph, style)
    }

    /// Writes text from (x, y), at most `maxWidth` columns (clipped, no ellipsis). Returns columns written.
    @discardableResult
    public mutating func text(_ s: String, x: Int, y: Int, _ style: Style, maxWidth: Int = .max) -> Int {
        var col = 0
        let cells = TextLayout.cells(s)
        for (i, g) in cells.enumerated() {
            if col >= maxWidth { break }
            // A wide glyph whose second half would be clipped is drawn as a space.
            let cut = g != TextLayout.continuation && i + 1 < cells.count && cells[i + 1] == TextLayout.continuation
                && (col + 1 >= maxWidth || x + col + 1 >= width)
            put(cut ? " " : g, x: x + col, y: y, style)
            col += 1
            if cut { break }
        }
        return col
    }

    /// Fills a rectangle with one cell.
    public mutating func fill(_ rect: Rect, _ cell: Cell) {
        for y in max(rect.y, 0)..<min(rect.maxY, height) {
            for x in max(rect.x, 0)..<min(rect.maxX, width) { cells[y * width + x] = cell }
        }
    }

    /// Registers a clickable region.
    public mutating func hotspot(_ rect: Rect, _ actions: [Action]) {
        guard !rect.isEmpty else { return }
        hotspots.append(Hotspot(rect: rect, actions: actions))
    }

    /// The actions of the topmost hotspot at (x, y), if any.
    public func actions(atX x: Int, y: Int) -> [Action]? {
        hotspots.last { x >= $0.rect.x && x < $0.rect.maxX && y >= $0.rect.y && y < $0.rect.maxY }?.actions
    }

    /// The cells that differ from `previous` (every cell when there is no previous frame of this size). A
    /// changed half of a wide glyph brings its other half (old or new) along, so both columns are redrawn.
    public func diff(from previous: Canvas?) -> [(x: Int, y: Int, cell: Cell)] {
        var out: [(x: Int, y: Int, cell: Cell)] = []
        let cont = TextLayout.continuation
        let same = previous.map { $0.width == width && $0.height == height } ?? false
        var changed = [Bool](repeating: false, count: width)
        for y in 0..<height {
            let row = y * width
            for x in 0..<width { changed[x] = !same || previous?.cells[row + x] != cells[row + x] }
            if same, let previous {
                for x in 0..<width where changed[x] {
                    if x > 0 && (cells[row + x].glyph == cont || previous.cells[row + x].glyph == cont) {
                        changed[x - 1] = true
                    }
                    if x + 1 < width
                        && (cells[row + x + 1].glyph == cont || previous.cells[row + x + 1].glyph == cont)
                    {
                        changed[x + 1] = true
                    }
                }
            }
            for x in 0..<width where changed[x] { out.append((x, y, cells[row + x])) }
        }
        return out
    }
}
