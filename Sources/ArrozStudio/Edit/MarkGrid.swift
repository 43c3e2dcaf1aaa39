// MarkGrid: the cells of the mark mode (one per token of a Paella model's grid) — a cursor the keys move, a box
// that shift-keys or a mouse drag stretch from an anchor, toggles, all / clear / invert, and the mask PNG it
// becomes (white = repaint; PaellaPipeline.tokenMask reads a token as repainted when any pixel of it is white).
import ArrozImage

/// A cell of the grid: column x, row y, from the top left.
public struct GridPoint: Hashable, Sendable {
    public var x: Int
    public var y: Int

    public init(_ x: Int, _ y: Int) { (self.x, self.y) = (x, y) }
}

/// How a mouse event reached the grid.
public enum PointerPhase: String, Sendable { case press, drag, release }

/// `side × side` marks, row-major.
public struct MarkGrid: Equatable, Sendable {
    public let side: Int
    public private(set) var cells: [Bool]
    public private(set) var cursor: GridPoint
    /// Where the box being stretched started (nil: no box).
    public private(set) var anchor: GridPoint?
    /// The marks before the box started: the box adds its rectangle to these.
    private var beforeBox: [Bool]?
    /// A mouse press on this cell, not yet dragged off it (a release there toggles it).
    private var pressed: GridPoint?

    public init(side: Int) {
        precondition(side > 0, "MarkGrid: side \(side)")
        self.side = side
        cells = Array(repeating: false, count: side * side)
        cursor = GridPoint(side / 2, side / 2)
    }

    public subscript(_ p: GridPoint) -> Bool { cells[p.y * side + p.x] }
    public var count: Int { cells.lazy.filter { $0 }.count }
    public var isEmpty: Bool { !cells.contains(true) }

    func clamped(_ p: GridPoint) -> GridPoint {
        GridPoint(min(max(p.x, 0), side - 1), min(max(p.y, 0), side - 1))
    }

    /// The box between the anchor and the cursor (inclusive), when one is being stretched.
    public var box: (min: GridPoint, max: GridPoint)? {
        anchor.map { a in
            (
                GridPoint(min(a.x, cursor.x), min(a.y, cursor.y)),
                GridPoint(max(a.x, cursor.x), max(a.y, cursor.y))
            )
        }
    }

    /// Moves the cursor; `extend` stretches a box from where the cursor was (it marks every cell it covers),
    /// a plain move ends the box and keeps its marks.
    public mutating func move(dx: Int, dy: Int, extend: Bool) {
        if extend {
            if anchor == nil { startBox(at: cursor) }
        } else {
            endBox()
        }
        cursor = clamped(GridPoint(cursor.x + dx, cursor.y + dy))
        if extend { fillBox() }
    }

    /// Space: flips the cursor's cell (and ends a box).
    public mutating func toggle() {
        endBox()
        cells[cursor.y * side + cursor.x].toggle()
    }

    public mutating func markAll() { set { _ in true } }
    public mutating func clear() { set { _ in false } }
    public mutating func invert() { set { !$0 } }

    private mutating func set(_ f: (Bool) -> Bool) {
        endBox()
        cells = cells.map(f)
    }

    /// The mouse: a press puts the cursor on its cell; dragging off it stretches a box from there (marking);
    /// releasing where it was pressed toggles that cell.
    public mutating func pointer(_ phase: PointerPhase, at p: GridPoint) {
        let p = clamped(p)
        switch phase {
        case .press:
            endBox()
            cursor = p
            pressed = p
        case .drag:
            guard pressed != nil || anchor != nil else { return }
            if let start = pressed, start != p {
                startBox(at: start)
                pressed = nil
            }
            guard anchor != nil else { return }
            cursor = p
            fillBox()
        case .release:
            if let start = pressed, start == p {
                cells[p.y * side + p.x].toggle()
            } else if anchor != nil {
                cursor = p
                fillBox()
            }
            pressed = nil
            endBox()
        }
    }

    private mutating func startBox(at p: GridPoint) {
        anchor = p
        beforeBox = cells
    }

    private mutating func endBox() {
        anchor = nil
        beforeBox = nil
    }

    private mutating func fillBox() {
        guard let before = beforeBox, let (lo, hi) = box else { return }
        cells = before
        for y in lo.y...hi.y {
            for x in lo.x...hi.x { cells[y * side + x] = true }
        }
    }

    /// The token cell of pixel (px, py) of an image `width × height` shown for this grid.
    public func cell(px: Int, py: Int, width: Int, height: Int) -> GridPoint {
        clamped(GridPoint(px * side / max(1, width), py * side / max(1, height)))
    }

    /// The mask PNG for a `size × size` image: white over every marked cell, black elsewhere.
    public func maskImage(size: Int) -> RGBImage {
        var m = RGBImage(width: size, height: size)
        for y in 0..<size {
            for x in 0..<size where self[cell(px: x, py: y, width: size, height: size)] {
                let i = (y * size + x) * 3
                (m.pixels[i], m.pixels[i + 1], m.pixels[i + 2]) = (255, 255, 255)
            }
        }
        return m
    }
}

/// Where the marked image sits on screen: its cell rectangle and its size in screen pixels (half-blocks: one
/// column × two rows per cell), so a mouse cell maps to the grid cell under the middle of it.
public struct MarkGeometry: Equatable, Sendable {
    public var rect: Rect
    public var pixelWidth: Int
    public var pixelHeight: Int
    public var cellWidth: Int
    public var cellHeight: Int

    /// The grid cell under terminal cell (x, y), or nil outside the image (`clamp` maps outside points to the
    /// nearest edge cell, as a drag that leaves the image does).
    public func cell(x: Int, y: Int, grid: MarkGrid, clamp: Bool = false) -> GridPoint? {
        guard clamp || (x >= rect.x && x < rect.maxX && y >= rect.y && y < rect.maxY) else { return nil }
        let px = (x - rect.x) * cellWidth + cellWidth / 2, py = (y - rect.y) * cellHeight + cellHeight / 2
        guard clamp || (px < pixelWidth && py < pixelHeight) else { return nil }
        return grid.cell(
            px: min(max(px, 0), pixelWidth - 1), py: min(max(py, 0), pixelHeight - 1), width: pixelWidth,
            height: pixelHeight)
    }
}
