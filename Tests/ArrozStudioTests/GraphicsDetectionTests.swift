// GraphicsDetectionTests: the protocol choice on answers recorded from real terminals here (kitty 0.26.5,
// xterm -ti vt340 = XTerm(379), Konsole 22.12.3, tmux 3.3a, all under Xvfb via scripts/record-terminal-answers.sh)
// and transcribed for WezTerm and foot (not installable here), plus silence; and the kitty / iTerm2 paths of the
// Screen (ids replaced in place, deletes when images leave, on resize and on exit).
import ArrozImage
import Testing

@testable import ArrozStudio

@Suite struct GraphicsDetectionTests {
    struct Recorded {
        var env: [String: String]
        var reply: String
    }

    static let kitty = Recorded(
        env: ["TERM": "xterm-kitty", "KITTY_WINDOW_ID": "1"],
        reply: "\u{1b}P>|kitty(0.26.5)\u{1b}\\\u{1b}_Gi=31;OK\u{1b}\\\u{1b}[6;20;9t\u{1b}[?62;c\u{1b}[0n")
    static let xterm = Recorded(
        env: ["TERM": "xterm"],
        reply: "\u{1b}P>|XTerm(379)\u{1b}\\\u{1b}[?63;1;2;4;6;9;15;16;22;28c\u{1b}[0n")
    static let konsole = Recorded(
        env: ["TERM": "xterm-256color", "KONSOLE_VERSION": "221203"],
        reply: "\u{1b}P>|Konsole 22.12.3\u{1b}\\\u{1b}_Gi=31;OK\u{1b}\\\u{1b}[6;18;8t\u{1b}[?62;1;4c\u{1b}[0n")
    static let tmux = Recorded(
        env: ["TERM": "tmux-256color", "TERM_PROGRAM": "tmux", "TMUX": "/tmp/tmux-0/default,18851,0"],
        reply: "\u{1b}P>|tmux 3.3a\u{1b}\\\u{1b}[?1;2c\u{1b}[0n")
    /// Transcribed: WezTerm answers XTVERSION, not the kitty query (its kitty graphics are off by default).
    static let wezterm = Recorded(
        env: ["TERM": "xterm-256color", "TERM_PROGRAM": "WezTerm", "WEZTERM_PANE": "0"],
        reply: "\u{1b}P>|WezTerm 20230712-072601-f4abf8fd\u{1b}\\\u{1b}[6;16;8t\u{1b}[?65;4;6;18;22c\u{1b}[0n")
    /// Transcribed: foot speaks sixel and answers the cell size.
    static let foot = Recorded(
        env: ["TERM": "foot"], reply: "\u{1b}P>|foot(1.13.1)\u{1b}\\\u{1b}[6;17;8t\u{1b}[?62;4;22c\u{1b}[0n")

    func choose(
        _ r: Recorded, requested: GraphicsMode? = nil, passthrough: Bool? = nil, windowCell: (Int, Int)? = nil
    ) -> GraphicsChoice {
        var answers = TerminalAnswers.parse(Array(r.reply.utf8))
        if let (w, h) = windowCell, answers.cellWidth == 0 { (answers.cellWidth, answers.cellHeight) = (w, h) }
        return GraphicsDetection.choose(
            requested: requested, hints: TerminalHints(environment: r.env), answers: answers,
            tmuxPassthrough: passthrough)
    }

    @Test func answersParse() {
        let k = TerminalAnswers.parse(Array(Self.kitty.reply.utf8))
        #expect(k.xtversion == "kitty(0.26.5)" && k.terminalName == "kitty" && k.kittyGraphics)
        #expect(k.cellWidth == 9 && k.cellHeight == 20 && k.da1 == [62] && k.sawDSR)
        let x = TerminalAnswers.parse(Array(Self.xterm.reply.utf8))
        #expect(x.terminalName == "xterm" && !x.kittyGraphics && x.da1.contains(4) && x.cellWidth == 0)
        let silent = TerminalAnswers.parse([])
        #expect(silent.silent && !silent.sawDSR)
        // The probe ends with the DSR sentinel, after the kitty query.
        let q = String(decoding: GraphicsProbe.queries, as: UTF8.self)
        #expect(q.hasPrefix("\u{1b}[>q\u{1b}_G") && q.hasSuffix("\u{1b}[c\u{1b}[5n"))
    }

    @Test func recordedTerminals() {
        let k = choose(Self.kitty)
        #expect(k.mode == .kitty && !k.passthrough && k.reason.contains("kitty graphics query"))
        #expect(choose(Self.konsole).mode == .kitty)
        let w = choose(Self.wezterm)
        #expect(w.mode == .iterm && w.reason.contains("WezTerm"))
        #expect(choose(Self.foot).mode == .sixel)
        // xterm -ti vt340: sixel in DA1; the cell size comes from the window size, without it half-blocks.
        #expect(choose(Self.xterm).mode == .halfblock && choose(Self.xterm).reason.contains("no cell size"))
        #expect(choose(Self.xterm, windowCell: (9, 17)).mode == .sixel)
        let s = choose(Recorded(env: ["TERM": "xterm-256color"], reply: ""))
        #expect(s.mode == .halfblock && s.reason.contains("answered no query"))
        // Silence but the environment names kitty (a slow terminal past the budget): kitty, and it says why.
        let slow = choose(Recorded(env: Self.kitty.env, reply: ""))
        #expect(slow.mode == .kitty && slow.reason.contains("KITTY_WINDOW_ID"))
    }

    @Test func tmuxNeedsPassthrough() {
        let off = choose(Self.tmux, passthrough: false)
        #expect(off.mode == .halfblock && !off.passthrough && off.reason.contains("allow-passthrough"))
        #expect(choose(Self.tmux, passthrough: true).mode == .halfblock)  // nothing names the outer terminal
        var inKitty = Self.tmux
        inKitty.env["KITTY_WINDOW_ID"] = "3"
        let on = choose(inKitty, passthrough: true)
        #expect(on.mode == .kitty && on.passthrough && on.reason.contains("passthrough"))
        #expect(choose(inKitty, passthrough: false).mode == .halfblock)
        let forced = choose(Self.tmux, requested: .kitty, passthrough: false)
        #expect(forced.mode == .kitty && !forced.passthrough && forced.reason.contains("off"))
        #expect(choose(Self.kitty, requested: GraphicsMode.none).mode == GraphicsMode.none)
    }

    // MARK: - Screen

    func previewCanvas(_ image: RGBImage, at rect: Rect, cols: Int = 40, rows: Int = 12) -> Canvas {
        var c = Canvas(width: cols, height: rows)
        c.images = [ImagePlacement(rect: rect, image: image, slot: 1)]
        return c
    }

    @Test func kittyReplacesInPlaceAndDeletes() throws {
        let term = MemoryTerminal(cols: 40, rows: 12, cellWidth: 8, cellHeight: 16)
        let screen = Screen(terminal: term)
        let a = RGBImage(width: 32, height: 32, fill: (200, 0, 0))
        let b = RGBImage(width: 32, height: 32, fill: (0, 0, 200))
        let rect = Rect(x: 5, y: 2, width: 4, height: 2)
        screen.present(previewCanvas(a, at: rect), graphics: .kitty)
        screen.present(previewCanvas(b, at: rect), graphics: .kitty)  // the next sampling step
        #expect(term.rawWrites.count == 2)
        let second = try #require(KittyGraphics.parse(term.rawWrites[1].bytes))
        // Same id and placement, no delete in between: replaced in place.
        #expect(second.count == 1 && second[0].int("i") == 1 && second[0].int("p") == 1)
        #expect(second[0].int("c") == 4 && second[0].int("r") == 2 && second[0]["a"] == "T")
        let text = String(decoding: term.rawWrites[1].bytes, as: UTF8.self)
        #expect(text.contains("\u{1b}[3;6H") && text.hasPrefix("\u{1b}[?2026h"))
        // 32×32 padded to the 4×2 cells' 32×32 pixels: exactly the image.
        #expect(second[0].int("s") == 32 && second[0].pixels?.prefix(4) == [0, 0, 200, 255])
        // The same frame again writes nothing.
        screen.present(previewCanvas(b, at: rect), graphics: .kitty)
        #expect(term.rawWrites.count == 2 && screen.lastImageBytes == 0)
        // The image leaves (help over it, another pane): its id is deleted.
        screen.present(Canvas(width: 40, height: 12), graphics: .kitty)
        let gone = try #require(KittyGraphics.parse(term.rawWrites[2].bytes))
        #expect(gone.map(\.keys) == [["a": "d", "d": "I", "i": "1", "q": "2"]])
        // Resize: delete, then transmit again at the new place.
        screen.present(previewCanvas(b, at: rect), graphics: .kitty)
        screen.invalidate()
        screen.present(previewCanvas(b, at: Rect(x: 1, y: 1, width: 4, height: 2)), graphics: .kitty)
        let resized = try #require(KittyGraphics.parse(term.rawWrites[4].bytes))
        #expect(resized.map { $0["a"] } == ["d", "T"])
        // The same pixels at another place (a sliding thumbnail): a=p, no payload.
        screen.present(previewCanvas(b, at: Rect(x: 9, y: 1, width: 4, height: 2)), graphics: .kitty)
        let moved = try #require(KittyGraphics.parse(term.rawWrites[5].bytes))
        #expect(moved.count == 1 && moved[0]["a"] == "p" && moved[0].int("i") == 1 && moved[0].payload.isEmpty)
        // Exit: delete everything.
        screen.clearImages()
        #expect(try #require(KittyGraphics.parse(term.rawWrites[6].bytes)).first?.keys["d"] == "A")
        screen.clearImages()
        #expect(term.rawWrites.count == 7)
    }

    @Test func kittyPadsToWholeCellsAndWrapsForTmux() throws {
        let term = MemoryTerminal(cols: 40, rows: 12, cellWidth: 9, cellHeight: 20)
        let screen = Screen(terminal: term)
        screen.passthrough = true
        let img = RGBImage(width: 32, height: 32, fill: (10, 20, 30))
        screen.present(previewCanvas(img, at: Rect(x: 0, y: 0, width: 4, height: 2)), graphics: .kitty)
        let bytes = term.rawWrites[0].bytes
        #expect(String(decoding: bytes, as: UTF8.self).contains("\u{1b}Ptmux;\u{1b}\u{1b}_G"))
        let c = try #require(KittyGraphics.parse(bytes)?.first)
        #expect(c.int("s") == 36 && c.int("v") == 40 && c["f"] == "32")
        let px = try #require(c.pixels)
        #expect(px[3] == 0)  // corner: transparent padding
        let centre = ((4 + 16) * 36 + 2 + 16) * 4
        #expect(Array(px[centre..<(centre + 4)]) == [10, 20, 30, 255])
    }

    @Test func itermIsPositionedLikeSixel() throws {
        let term = MemoryTerminal(cols: 40, rows: 12, cellWidth: 8, cellHeight: 16)
        let screen = Screen(terminal: term)
        let img = RGBImage(width: 16, height: 16, fill: (1, 2, 3))
        screen.present(previewCanvas(img, at: Rect(x: 2, y: 3, width: 2, height: 1)), graphics: .iterm)
        let c = try #require(ITermImages.parse(term.rawWrites[0].bytes)?.first)
        #expect(c.arguments["width"] == "2" && c.arguments["height"] == "1")
        #expect(String(decoding: term.rawWrites[0].bytes, as: UTF8.self).contains("\u{1b}7\u{1b}[4;3H"))
        // One more image next to it (a new thumbnail) writes only that one, without a repaint.
        var two = previewCanvas(img, at: Rect(x: 2, y: 3, width: 2, height: 1))
        two.images.append(ImagePlacement(rect: Rect(x: 6, y: 6, width: 2, height: 1), image: img, slot: 2))
        let redraws = term.forcedRedraws
        screen.present(two, graphics: .iterm)
        #expect(term.forcedRedraws == redraws && ITermImages.parse(term.rawWrites[1].bytes)?.count == 1)
        // Moving the image repaints every cell (the old pixels belong to the cells they covered).
        let before = term.forcedRedraws
        screen.present(previewCanvas(img, at: Rect(x: 6, y: 3, width: 2, height: 1)), graphics: .iterm)
        #expect(term.forcedRedraws == before + 1)
    }
}
