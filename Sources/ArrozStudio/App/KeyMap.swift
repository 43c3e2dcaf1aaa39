// KeyMap: the key → Action table; the key bar and the `?` help overlay are generated from it.

/// One binding: keys, the action, and the words the help shows.
public struct KeyBinding: Sendable {
    public let keys: [Key]
    public let action: Action
    public let label: String
    public let help: String
    /// Shown in the one-line key bar.
    public let inBar: Bool
}

/// Maps keys to actions. While a prompt is being edited, printable keys type into it instead.
public struct KeyMap: Sendable {
    public let bindings: [KeyBinding]

    public init(bindings: [KeyBinding] = KeyMap.standard) { self.bindings = bindings }

    public static let standard: [KeyBinding] = [
        KeyBinding(
            keys: [.char("q")], action: .quit, label: "quit", help: "quit (a running training saves first)",
            inBar: true),
        KeyBinding(
            keys: [.char("?"), .function(1)], action: .toggleHelp, label: "help",
            help: "show / hide this help", inBar: true),
        KeyBinding(keys: [.tab], action: .focusNext, label: "pane", help: "next pane", inBar: true),
        KeyBinding(
            keys: [.backTab], action: .focusPrevious, label: "back", help: "previous pane", inBar: false),
        KeyBinding(
            keys: [.left], action: .change(-1), label: "change",
            help: "decrease / previous value of the field", inBar: true),
        KeyBinding(
            keys: [.right], action: .change(1), label: "", help: "increase / next value of the field",
            inBar: false),
        KeyBinding(keys: [.up], action: .moveField(-1), label: "field", help: "previous field", inBar: true),
        KeyBinding(keys: [.down], action: .moveField(1), label: "", help: "next field", inBar: false),
        KeyBinding(
            keys: [.enter], action: .beginEdit, label: "edit",
            help: "edit a prompt (enter saves, esc cancels)", inBar: true),
        KeyBinding(
            keys: [.char("t")], action: .train, label: "train",
            help: "start / stop training the recipe", inBar: true),
        KeyBinding(
            keys: [.char("p")], action: .pause, label: "pause",
            help: "pause / resume training", inBar: false),
        KeyBinding(
            keys: [.char("c")], action: .checkpoint, label: "checkpoint",
            help: "checkpoint the training run now", inBar: false),
        KeyBinding(
            keys: [.char("i")], action: .interpolate, label: "interpolate",
            help: "strip of images from prompt A to B", inBar: true),
        KeyBinding(
            keys: [.char("s")], action: .save, label: "save",
            help: "save the shown image as PNG + settings", inBar: true),
        KeyBinding(keys: [.char("r")], action: .reseed, label: "reseed", help: "new seed", inBar: true),
        KeyBinding(
            keys: [.char("l")], action: .reload, label: "load", help: "load settings from the last saved PNG",
            inBar: false),
        KeyBinding(keys: [.char("T")], action: .cycleTheme, label: "theme", help: "next theme", inBar: false),
        KeyBinding(
            keys: [.char("m")], action: .toggleSmoothScaling, label: "scale",
            help: "enlarge images: whole factors / smooth", inBar: false),
        KeyBinding(
            keys: [.char("v")], action: .variations, label: "vary",
            help: "variations of the shown image",
            inBar: true),
        KeyBinding(
            keys: [.char("[")], action: .adjustEdit(-1), label: "",
            help: "strength − (outpaint: fewer tokens)",
            inBar: false),
        KeyBinding(
            keys: [.char("]")], action: .adjustEdit(1), label: "", help: "strength + (outpaint: more tokens)",
            inBar: false),
        KeyBinding(
            keys: [.char("M")], action: .markMode, label: "mark",
            help: "mark cells to repaint (inpainting)", inBar: false),
        KeyBinding(
            keys: [.char("o")], action: .beginOutpaint, label: "",
            help: "then ←↑→↓: outpaint that side", inBar: false),
        KeyBinding(
            keys: [.escape], action: .leaveEdit, label: "", help: "leave the edit: back to the prompts",
            inBar: false),
        KeyBinding(keys: [.ctrl("c")], action: .quit, label: "", help: "quit", inBar: false),
    ]

    /// Keys of the mark mode (`M`); keys not listed keep their usual meaning.
    public static let mark: [KeyBinding] = [
        KeyBinding(
            keys: [.left, .char("h")], action: .markMove(dx: -1, dy: 0, extend: false), label: "", help: "",
            inBar: false),
        KeyBinding(
            keys: [.right, .char("l")], action: .markMove(dx: 1, dy: 0, extend: false), label: "", help: "",
            inBar: false),
        KeyBinding(
            keys: [.up, .char("k")], action: .markMove(dx: 0, dy: -1, extend: false), label: "", help: "",
            inBar: false),
        KeyBinding(
            keys: [.down, .char("j")], action: .markMove(dx: 0, dy: 1, extend: false), label: "move",
            help: "move the cell cursor", inBar: true),
        KeyBinding(
            keys: [.shiftLeft, .char("H")], action: .markMove(dx: -1, dy: 0, extend: true), label: "",
            help: "", inBar: false),
        KeyBinding(
            keys: [.shiftRight, .char("L")], action: .markMove(dx: 1, dy: 0, extend: true), label: "",
            help: "", inBar: false),
        KeyBinding(
            keys: [.shiftUp, .char("K")], action: .markMove(dx: 0, dy: -1, extend: true), label: "", help: "",
            inBar: false),
        KeyBinding(
            keys: [.shiftDown, .char("J")], action: .markMove(dx: 0, dy: 1, extend: true), label: "box",
            help: "stretch a box that marks its cells", inBar: true),
        KeyBinding(
            keys: [.char(" ")], action: .markToggle, label: "cell", help: "mark / unmark the cursor's cell",
            inBar: true),
        KeyBinding(keys: [.char("a")], action: .markAll, label: "all", help: "mark every cell", inBar: true),
        KeyBinding(
            keys: [.char("x")], action: .markClear, label: "clear", help: "clear the marks", inBar: true),
        KeyBinding(
            keys: [.char("n")], action: .markInvert, label: "invert", help: "invert the marks", inBar: true),
        KeyBinding(
            keys: [.enter], action: .markApply, label: "repaint", help: "repaint only the marked cells",
            inBar: true),
        KeyBinding(
            keys: [.char("M")], action: .markMode, label: "",
            help: "mark on the shown image (marks kept)", inBar: false),
        KeyBinding(
            keys: [.escape], action: .leaveEdit, label: "leave", help: "leave the mark mode", inBar: true),
    ]

    /// The action for `key` in `state` (nil when the key means nothing there).
    public func action(for key: Key, in state: AppState) -> Action? {
        if state.editing != nil {
            switch key {
            case .enter: return .commitEdit
            case .escape: return .cancelEdit
            case .backspace: return .editBackspace
            case .delete: return .editDelete
            case .left: return .editCursor(-1)
            case .right: return .editCursor(1)
            case .home, .ctrl("a"): return .editHome
            case .end, .ctrl("e"): return .editEnd
            case .ctrl("c"): return .quit
            case .char(let c): return .editInsert(c)
            default: return nil
            }
        }
        if state.showHelp {
            switch key {
            case .char("q"), .ctrl("c"): return .quit
            case .resize: return nil
            default: return .toggleHelp
            }
        }
        if state.pendingOutpaint {
            switch key {
            case .left: return .outpaint(.left)
            case .up: return .outpaint(.top)
            case .right: return .outpaint(.right)
            case .down: return .outpaint(.bottom)
            case .char("["): return .adjustEdit(-1)
            case .char("]"): return .adjustEdit(1)
            case .char("q"), .ctrl("c"): return .quit
            case .resize: return nil
            default: return .cancelOutpaint
            }
        }
        if state.mark != nil, let a = Self.mark.first(where: { $0.keys.contains(key) })?.action { return a }
        return bindings.first { $0.keys.contains(key) }?.action
    }

    /// The mark mode's help lines (one per binding that has words).
    public var markHelpLines: [(keys: String, help: String)] {
        Self.mark.filter { !$0.help.isEmpty }.map { b in
            switch b.action {
            case .markMove(_, _, let extend): (extend ? "S-←↓↑→ HJKL" : "←↓↑→ hjkl", b.help)
            default: (b.keys.map(\.description).joined(separator: " "), b.help)
            }
        }
            + [("mouse", "click: a cell · drag: a box"), ("o ←↑→↓", "outpaint that side by k tokens")]
    }

    /// The key bar while marking.
    public var markBarEntries: [(keys: String, label: String)] {
        Self.mark.filter(\.inBar).map { b in
            switch b.action {
            case .markMove(_, _, let extend): (extend ? "HJKL" : "hjkl", b.label)
            default: (b.keys.first?.description ?? "", b.label)
            }
        }
    }

    /// Lines of the help overlay: `keys  description`.
    public var helpLines: [(keys: String, help: String)] {
        bindings.map { ($0.keys.map(\.description).joined(separator: " "), $0.help) }
    }

    /// Entries of the key bar: (keys, label), e.g. ("←→", "change").
    public var barEntries: [(keys: String, label: String)] { barItems.map { ($0.keys, $0.label) } }

    /// Key bar entries with the action a click on them runs (nil for the arrow pairs).
    public var barItems: [(keys: String, label: String, action: Action?)] {
        bindings.filter(\.inBar).map { b in
            switch b.action {
            case .change: ("←→", b.label, nil)
            case .moveField: ("↑↓", b.label, nil)
            default: (b.keys.first?.description ?? "", b.label, b.action)
            }
        }
    }
}
