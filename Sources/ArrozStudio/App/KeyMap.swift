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
            help: "edit the prompt (enter saves, esc cancels)", inBar: true),
        KeyBinding(
            keys: [.char("t")], action: .train, label: "train",
            help: "start training the selected recipe / stop it", inBar: true),
        KeyBinding(
            keys: [.char("p")], action: .pause, label: "pause",
            help: "pause / resume training (sampling keeps working)", inBar: false),
        KeyBinding(
            keys: [.char("c")], action: .checkpoint, label: "checkpoint",
            help: "save a training checkpoint now (training continues)", inBar: false),
        KeyBinding(
            keys: [.char("i")], action: .interpolate, label: "interpolate",
            help: "strip of images from prompt A to B", inBar: true),
        KeyBinding(
            keys: [.char("s")], action: .save, label: "save",
            help: "save the shown image as PNG with its settings", inBar: true),
        KeyBinding(keys: [.char("r")], action: .reseed, label: "reseed", help: "new seed", inBar: true),
        KeyBinding(
            keys: [.char("l")], action: .reload, label: "load", help: "load settings from the last saved PNG",
            inBar: false),
        KeyBinding(keys: [.char("T")], action: .cycleTheme, label: "theme", help: "next theme", inBar: false),
        KeyBinding(
            keys: [.char("m")], action: .toggleSmoothScaling, label: "scale",
            help: "enlarge images nearest (whole factors) / smooth", inBar: false),
        KeyBinding(keys: [.ctrl("c")], action: .quit, label: "", help: "quit", inBar: false),
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
        return bindings.first { $0.keys.contains(key) }?.action
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
