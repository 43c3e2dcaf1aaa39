// GraphicsDetection: which image protocol to use, as timg and chafa pick one — environment hints (TERM,
// TERM_PROGRAM, KITTY_WINDOW_ID, WEZTERM_*, KONSOLE_VERSION, TMUX) and one round of answers (XTVERSION, the
// kitty graphics query, the cell size, DA1, a DSR sentinel) in, a mode and the reason for it out. Pure: the
// terminal I/O is in GraphicsProbe.

/// What the environment says about the terminal.
public struct TerminalHints: Equatable, Sendable {
    public var term = ""
    public var termProgram = ""
    public var kittyWindow = false
    public var wezterm = false
    public var konsoleVersion = ""
    /// Inside tmux (`TMUX` set, or a `tmux-*`/`screen-*` TERM).
    public var tmux = false
    /// iTerm2 itself (`TERM_PROGRAM=iTerm.app`, or `LC_TERMINAL=iTerm2` which survives ssh).
    public var iterm2 = false

    public init(environment env: [String: String]) {
        term = env["TERM"] ?? ""
        termProgram = env["TERM_PROGRAM"] ?? ""
        kittyWindow = !(env["KITTY_WINDOW_ID"] ?? "").isEmpty
        wezterm = !(env["WEZTERM_PANE"] ?? env["WEZTERM_EXECUTABLE"] ?? "").isEmpty
        konsoleVersion = env["KONSOLE_VERSION"] ?? ""
        tmux = !(env["TMUX"] ?? "").isEmpty || term.hasPrefix("tmux") || term.hasPrefix("screen")
        iterm2 = termProgram == "iTerm.app" || env["LC_TERMINAL"] == "iTerm2"
    }

    /// The protocol the environment alone points to, and the variable that says so.
    public var protocolHint: (mode: GraphicsMode, because: String)? {
        if kittyWindow { return (.kitty, "KITTY_WINDOW_ID") }
        if term == "xterm-kitty" || term == "xterm-ghostty" { return (.kitty, "TERM=\(term)") }
        if termProgram.lowercased() == "ghostty" { return (.kitty, "TERM_PROGRAM=ghostty") }
        if wezterm || termProgram == "WezTerm" { return (.iterm, wezterm ? "WEZTERM_PANE" : "TERM_PROGRAM=WezTerm") }
        if iterm2 { return (.iterm, "TERM_PROGRAM=iTerm.app") }
        if termProgram == "vscode" { return (.iterm, "TERM_PROGRAM=vscode") }
        if !konsoleVersion.isEmpty { return (.kitty, "KONSOLE_VERSION=\(konsoleVersion)") }
        return nil
    }
}

/// The terminal's answers to one round of queries.
public struct TerminalAnswers: Equatable, Sendable {
    /// XTVERSION (`DCS > | text ST`), e.g. "kitty(0.26.5)", "XTerm(379)", "tmux 3.3a".
    public var xtversion: String?
    /// The kitty graphics query (id 31) answered OK.
    public var kittyGraphics = false
    public var da1: [Int] = []
    public var sawDA1 = false
    /// The DSR sentinel (`CSI 0 n`) came back: everything asked before it has been answered.
    public var sawDSR = false
    public var cellWidth = 0
    public var cellHeight = 0

    public init() {}

    /// Nothing came back at all.
    public var silent: Bool { xtversion == nil && !kittyGraphics && !sawDA1 && !sawDSR }

    /// The terminal's name from XTVERSION, lowercased, without the version ("kitty", "xterm", "wezterm").
    public var terminalName: String? {
        guard let v = xtversion else { return nil }
        let name = v.prefix { $0 != "(" && $0 != " " }
        return name.isEmpty ? nil : name.lowercased()
    }

    /// Parses whatever arrived: XTVERSION, kitty's `APC G i=31;OK`, `CSI 6;h;w t`, DA1, DSR.
    public static func parse(_ bytes: [UInt8]) -> TerminalAnswers {
        var a = TerminalAnswers()
        let (caps, saw) = GraphicsProbe.parse(bytes)
        (a.da1, a.sawDA1, a.cellWidth, a.cellHeight) = (caps.da1, saw, caps.cellWidth, caps.cellHeight)
        let text = String(decoding: bytes, as: UTF8.self)
        if let r = text.range(of: "\u{1b}P>|") {
            let rest = text[r.upperBound...]
            a.xtversion = String(rest.prefix { $0 != "\u{1b}" && $0 != "\u{07}" })
        }
        if let r = text.range(of: "\u{1b}_G") {
            let body = text[r.upperBound...].prefix { $0 != "\u{1b}" }
            a.kittyGraphics = body.contains("i=31") && body.hasSuffix(";OK")
        }
        a.sawDSR = text.contains("\u{1b}[0n")
        return a
    }
}

/// The protocol chosen, whether it goes through tmux passthrough, and why (the help overlay's footer).
public struct GraphicsChoice: Equatable, Sendable {
    public var mode: GraphicsMode
    public var passthrough: Bool
    public var reason: String

    public init(mode: GraphicsMode, passthrough: Bool = false, reason: String) {
        self.mode = mode
        self.passthrough = passthrough
        self.reason = reason
    }
}

public enum GraphicsDetection {
    /// Picks the protocol. `requested` is `--graphics` (nil = auto); `tmuxPassthrough` is tmux's
    /// `allow-passthrough` (nil when not asked: not in tmux). Order, as timg's: the kitty query answered, then
    /// XTVERSION's name, then environment hints, then sixel from DA1 (with a cell size), else half-blocks.
    public static func choose(
        requested: GraphicsMode?, hints: TerminalHints, answers: TerminalAnswers, tmuxPassthrough: Bool?
    ) -> GraphicsChoice {
        let name = answers.terminalName
        let inTmux = hints.tmux || name == "tmux"
        let passthrough = inTmux && tmuxPassthrough == true
        let cells = answers.cellWidth > 0 && answers.cellHeight > 0
        if let requested {
            var reason = "--graphics \(requested.rawValue)"
            if inTmux && (requested == .kitty || requested == .iterm) {
                reason += passthrough ? " through tmux passthrough" : " (tmux allow-passthrough is off: it may not show)"
            }
            return GraphicsChoice(
                mode: requested, passthrough: passthrough && (requested == .kitty || requested == .iterm),
                reason: reason)
        }
        let sixel = answers.da1.contains(4)
        if inTmux {
            if sixel && cells {
                return GraphicsChoice(mode: .sixel, reason: "tmux draws sixel itself (DA1 has 4)")
            }
            guard tmuxPassthrough == true else {
                return GraphicsChoice(
                    mode: .halfblock,
                    reason: "tmux without allow-passthrough: half-blocks (tmux set -g allow-passthrough on for pixels)")
            }
            guard let hint = hints.protocolHint else {
                return GraphicsChoice(
                    mode: .halfblock, reason: "tmux passthrough is on but nothing names the outer terminal")
            }
            return GraphicsChoice(
                mode: hint.mode, passthrough: true,
                reason: "tmux passthrough to the outer terminal (\(hint.because))")
        }
        let version = answers.xtversion.map { " (XTVERSION \($0))" } ?? ""
        if answers.kittyGraphics {
            return GraphicsChoice(mode: .kitty, reason: "answered the kitty graphics query" + version)
        }
        switch name {
        case "kitty", "ghostty": return GraphicsChoice(mode: .kitty, reason: "XTVERSION \(answers.xtversion!)")
        case "wezterm", "iterm2": return GraphicsChoice(mode: .iterm, reason: "XTVERSION \(answers.xtversion!)")
        default: break
        }
        if let hint = hints.protocolHint {
            return GraphicsChoice(mode: hint.mode, reason: "\(hint.because) (no answer to the kitty query)")
        }
        if sixel {
            return cells
                ? GraphicsChoice(mode: .sixel, reason: "DA1 has 4 (sixel)" + version)
                : GraphicsChoice(mode: .halfblock, reason: "sixel in DA1 but no cell size in pixels: half-blocks")
        }
        if answers.silent {
            return GraphicsChoice(mode: .halfblock, reason: "the terminal answered no query: half-blocks")
        }
        return GraphicsChoice(mode: .halfblock, reason: "no image protocol in the answers" + version + ": half-blocks")
    }
}
