// WidgetTests: braille graph, sparkline, meters, text layout, and the PNG parameters text.
import ArrozDiffusion
import ArrozImage
import ArrozTrain
import Testing

@testable import ArrozStudio

@Suite struct WidgetTests {
    @Test func brailleLineGoesFromBottomLeftToTopRight() {
        var c = Canvas(width: 2, height: 1)
        BrailleGraph.draw(&c, c.bounds, [BrailleGraph.Series([0, 1, 2, 3], style: .plain, mode: .line)])
        // Dots: x0 bottom (row 3) … x3 top (row 0): cell 0 has left-bottom + right rows 2..3, and so on.
        #expect(c[0, 0].glyph != " " && c[1, 0].glyph != " ")
        let first = c[0, 0].glyph.value - 0x2800
        #expect(first & 0x40 != 0)  // left column, bottom dot
        let last = c[1, 0].glyph.value - 0x2800
        #expect(last & 0x08 != 0)  // right column, top dot
    }

    @Test func spanModeCoversMinToMax() {
        var c = Canvas(width: 1, height: 1)
        BrailleGraph.draw(
            &c, c.bounds, [BrailleGraph.Series([0, 1, 0, 1], style: .plain, mode: .span)],
            range: (0, 1))
        #expect(c[0, 0].glyph == "⣿")
    }

    @Test func sparklineLevels() {
        #expect(Sparkline.levels([0, 1, 2, 3, 4, 5, 6, 7], width: 8) == [0, 1, 2, 3, 4, 5, 6, 7])
        #expect(Sparkline.levels([5, 5], width: 2) == [3, 3])
        #expect(Sparkline.levels([0, 0, 7, 7], width: 2) == [0, 7])
    }

    @Test func sliderAndBar() {
        var c = Canvas(width: 10, height: 2)
        Meter.slider(&c, x: 0, y: 0, width: 5, fraction: 0.5, fill: .plain, empty: .plain, knob: .plain)
        Meter.bar(&c, x: 0, y: 1, width: 4, fraction: 0.5, fill: .plain, empty: .plain)
        let t = MemoryTerminal(cols: 10, rows: 2)
        Screen(terminal: t).present(c, sixel: false)
        #expect(t.line(0).hasPrefix("━━●──"))
        #expect(t.line(1).hasPrefix("██░░"))
    }

    @Test func textLayout() {
        #expect(TextLayout.truncate("abcdef", 4) == "abc…")
        #expect(TextLayout.pad("ab", 4) == "ab  ")
        #expect(TextLayout.wrap("one two three", 7) == ["one two", "three"])
        #expect(
            TextLayout.number(0.041) == "0.041" && TextLayout.number(3e-4) == "3e-4"
                && TextLayout.number(1200) == "1200")
        #expect(TextLayout.fixed(-0.05, 1) == "-0.1" && TextLayout.fixed(2, 2) == "2.00")
        #expect(TextLayout.scalars("a🍎b").map(String.init).joined() == "a🍎b")
        #expect(TextLayout.duration(1200) == "20 m")
        #expect(TextLayout.seconds(0.41) == "0.41 s" && TextLayout.seconds(0.042) == "42 ms")
        #expect(TextLayout.seconds(0.0042) == "4.2 ms")
    }

    /// Wide characters (emoji, CJK) take two columns, are never cut in half, and both halves are redrawn.
    @Test func wideCharactersTakeTwoColumns() {
        #expect(TextLayout.width("a🍎b") == 4 && TextLayout.width("赤いりんご") == 10)
        #expect(TextLayout.truncate("🍎🍎🍎", 4) == "🍎 …", "a glyph cut in half becomes a space")
        #expect(TextLayout.pad("🍎", 4) == "🍎  ")
        #expect(TextLayout.wrap("🍎🍏🍐", 4) == ["🍎🍏", "🍐"])
        var c = Canvas(width: 6, height: 1)
        #expect(c.text("a🍎b", x: 0, y: 0, .plain) == 4)
        #expect(c[1, 0].glyph == "🍎" && c[2, 0].glyph == TextLayout.continuation && c[3, 0].glyph == "b")
        #expect(c.text("xy🍎", x: 0, y: 0, .plain, maxWidth: 3) == 3)
        #expect(c[2, 0].glyph == " " && c[3, 0].glyph == "b", "a clipped wide glyph leaves a space, no half")
        let t = MemoryTerminal(cols: 6, rows: 1)
        let screen = Screen(terminal: t)
        var d = Canvas(width: 6, height: 1)
        d.text("🍎🍏", x: 0, y: 0, .plain)
        screen.present(d, sixel: false)
        #expect(t.line(0) == "🍎🍏  ")
        // Overwriting the right half of a wide glyph blanks its left half; the diff sends both columns.
        var e = d
        e.put("z", x: 1, y: 0, .plain)
        #expect(e[0, 0].glyph == " " && e[1, 0].glyph == "z")
        #expect(e.diff(from: d).map(\.x) == [0, 1])
        screen.present(e, sixel: false)
        #expect(t.line(0) == " z🍏  ")
    }

    @Test func parametersTextRoundTrips() throws {
        let r = GenerationRequest(
            promptA: "a red, shiny apple", promptB: "a pear", mix: 0.35, model: "emoji, ema",
            sampler: .ddim, steps: 20, cfg: 3.5, seed: 42, size: 32, eta: 0.1)
        #expect(try GenerationRequest(parametersText: r.parametersText, source: "x.png") == r)
        #expect(throws: ParametersError.missing(source: "y.png")) {
            _ = try GenerationRequest(parametersText: "just a prompt", source: "y.png")
        }
    }
}
