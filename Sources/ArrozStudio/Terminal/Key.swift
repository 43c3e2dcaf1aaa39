// Key: decoded key presses (and the resize pseudo-key) as the UI loop sees them.

/// Mouse buttons the studio reacts to.
public enum MouseButton: String, Hashable, Sendable {
    case left, wheelUp, wheelDown
    /// The pointer moved with the left button held (xterm button-event tracking, `ESC[?1002h`).
    case leftDrag
    /// The left button was let go.
    case leftRelease
}

/// A key press.
public enum Key: Hashable, Sendable, CustomStringConvertible {
    case char(Character)
    /// Ctrl plus a letter (lower-case), e.g. `.ctrl("c")`.
    case ctrl(Character)
    case up, down, left, right, home, end, pageUp, pageDown
    /// Shift + an arrow (xterm `ESC[1;2A` …; terminfo kri / kind / kLFT / kRIT).
    case shiftUp, shiftDown, shiftLeft, shiftRight
    case enter, tab, backTab, backspace, delete, escape
    case function(Int)
    /// The terminal changed size.
    case resize
    /// A mouse press at cell (x, y).
    case mouse(x: Int, y: Int, button: MouseButton)

    /// Decodes a Unicode scalar read from the terminal (control characters become named keys).
    public init(scalar: UInt32) {
        switch scalar {
        case 9: self = .tab
        case 10, 13: self = .enter
        case 27: self = .escape
        case 8, 127: self = .backspace
        case 1...26:
            self = .ctrl(Character(Unicode.Scalar(UInt8(scalar) + 96)))
        default:
            if let s = Unicode.Scalar(scalar) { self = .char(Character(s)) } else { self = .escape }
        }
    }

    /// How the help overlay and key bar print the key.
    public var description: String {
        switch self {
        case .char(" "): "space"
        case .char(let c): String(c)
        case .ctrl(let c): "^" + String(c).uppercased()
        case .up: "↑"
        case .down: "↓"
        case .left: "←"
        case .right: "→"
        case .shiftUp: "S-↑"
        case .shiftDown: "S-↓"
        case .shiftLeft: "S-←"
        case .shiftRight: "S-→"
        case .home: "home"
        case .end: "end"
        case .pageUp: "pgup"
        case .pageDown: "pgdn"
        case .enter: "enter"
        case .tab: "tab"
        case .backTab: "S-tab"
        case .backspace: "bksp"
        case .delete: "del"
        case .escape: "esc"
        case .function(let n): "F\(n)"
        case .resize: "resize"
        case .mouse(let x, let y, let b): "mouse \(b.rawValue) @\(x),\(y)"
        }
    }
}
