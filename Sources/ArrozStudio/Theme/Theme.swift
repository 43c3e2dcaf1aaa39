// Theme: the typed palette every pane draws with, plus the built-in arroz-dark default and mono fallback.
import ArrozImage

/// The colour slots of a theme, named as in the `.theme` files (`theme[main_fg]="#…"`).
public enum ThemeKey: String, CaseIterable, Sendable {
    case mainBg = "main_bg", mainFg = "main_fg", title = "title", hiFg = "hi_fg"
    case selectedBg = "selected_bg", selectedFg = "selected_fg", inactiveFg = "inactive_fg"
    case divLine = "div_line", activeBox = "active_box"
    case promptsBox = "prompts_box", samplerBox = "sampler_box", previewBox = "preview_box"
    case trainingBox = "training_box"
    case graphText = "graph_text", lossRaw = "loss_raw", lossSmooth = "loss_smooth"
    case sparkStart = "spark_start", sparkMid = "spark_mid", sparkEnd = "spark_end"
    case meterFill = "meter_fill", meterEmpty = "meter_empty", meterKnob = "meter_knob"
    case editBg = "edit_bg", editFg = "edit_fg"
    case statusFg = "status_fg", errorFg = "error_fg"
    case jobQueued = "job_queued", jobRunning = "job_running", jobDone = "job_done", jobFailed = "job_failed"
    case keybarBg = "keybar_bg", keybarKey = "keybar_key", keybarText = "keybar_text"
}

/// A named palette. A nil colour means the terminal's default (e.g. an empty `main_bg` = transparent).
public struct Theme: Sendable, Equatable {
    public var name: String
    public var colors: [ThemeKey: RGB?]

    public init(name: String, colors: [ThemeKey: RGB?]) {
        self.name = name
        self.colors = colors
    }

    public subscript(key: ThemeKey) -> RGB? { colors[key] ?? nil }

    /// Foreground `key` on the main background.
    public func style(_ key: ThemeKey, _ attrs: Attrs = []) -> Style {
        Style(fg: self[key], bg: self[.mainBg], attrs: attrs)
    }

    /// The main text style.
    public var text: Style { style(.mainFg) }
    /// Dimmed text (labels, inactive things).
    public var inactive: Style { style(.inactiveFg) }
    /// A selected field: reverse video when the theme has no selection colours (mono).
    public var selected: Style {
        self[.selectedBg] == nil
            ? Style(attrs: [.reverse, .bold])
            : Style(fg: self[.selectedFg], bg: self[.selectedBg], attrs: [.bold])
    }

    /// Three-stop gradient colour at t ∈ [0, 1] (sparklines, meters).
    public func gradient(_ start: ThemeKey, _ mid: ThemeKey, _ end: ThemeKey, _ t: Double) -> RGB? {
        guard let a = self[start], let m = self[mid], let e = self[end] else { return self[mid] }
        return t < 0.5 ? a.mixed(with: m, t * 2) : m.mixed(with: e, (t - 0.5) * 2)
    }

    /// The built-in default; the same colours as `Themes/arroz-dark.theme`.
    public static let arrozDark = Theme(
        name: "arroz-dark",
        colors: [
            .mainBg: nil, .mainFg: RGB(0xd8, 0xd4, 0xc8), .title: RGB(0xf2, 0xe8, 0xcf),
            .hiFg: RGB(0xf0, 0xa0, 0x40),
            .selectedBg: RGB(0x3a, 0x4a, 0x5e), .selectedFg: RGB(0xff, 0xff, 0xff),
            .inactiveFg: RGB(0x7a, 0x78, 0x70),
            .divLine: RGB(0x4e, 0x4c, 0x46), .activeBox: RGB(0xf0, 0xa0, 0x40),
            .promptsBox: RGB(0x8f, 0xb8, 0x6a), .samplerBox: RGB(0x6a, 0x9f, 0xc8),
            .previewBox: RGB(0xc8, 0x8f, 0xc0),
            .trainingBox: RGB(0xd8, 0x7a, 0x5a),
            .graphText: RGB(0xa8, 0xa4, 0x98), .lossRaw: RGB(0x6a, 0x5a, 0x52),
            .lossSmooth: RGB(0xf0, 0xa0, 0x40),
            .sparkStart: RGB(0x4a, 0x7a, 0xb0), .sparkMid: RGB(0x8f, 0xb8, 0x6a),
            .sparkEnd: RGB(0xf0, 0xc0, 0x50),
            .meterFill: RGB(0x8f, 0xb8, 0x6a), .meterEmpty: RGB(0x4e, 0x4c, 0x46),
            .meterKnob: RGB(0xff, 0xff, 0xff),
            .editBg: RGB(0x2a, 0x2a, 0x26), .editFg: RGB(0xff, 0xff, 0xff),
            .statusFg: RGB(0xa8, 0xa4, 0x98), .errorFg: RGB(0xe0, 0x50, 0x40),
            .jobQueued: RGB(0x7a, 0x78, 0x70), .jobRunning: RGB(0xf0, 0xc0, 0x50),
            .jobDone: RGB(0x8f, 0xb8, 0x6a),
            .jobFailed: RGB(0xe0, 0x50, 0x40),
            .keybarBg: nil, .keybarKey: RGB(0xf0, 0xa0, 0x40), .keybarText: RGB(0xa8, 0xa4, 0x98),
        ])

    /// No colours at all: the terminal's defaults with bold / reverse / dim for emphasis.
    public static let mono = Theme(
        name: "mono", colors: Dictionary(uniqueKeysWithValues: ThemeKey.allCases.map { ($0, RGB?.none) }))
}
