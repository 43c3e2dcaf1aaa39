// KeyMapTests: keys map to the documented actions, editing captures typing, help is generated from the table.
import Testing

@testable import ArrozStudio

@Suite struct KeyMapTests {
    let map = KeyMap()

    func name(_ a: Action?) -> String { a.map { "\($0)" } ?? "nil" }

    @Test func documentedKeysMapToActions() {
        let s = AppState()
        let expected: [(Key, String)] = [
            (.left, "change(-1)"), (.right, "change(1)"), (.up, "moveField(-1)"), (.down, "moveField(1)"),
            (.tab, "focusNext"), (.enter, "beginEdit"), (.char("t"), "train"), (.char("c"), "checkpoint"),
            (.char("p"), "pause"),
            (.char("i"), "interpolate"),
            (.char("s"), "save"), (.char("r"), "reseed"), (.char("l"), "reload"), (.char("T"), "cycleTheme"),
            (.char("q"), "quit"), (.char("?"), "toggleHelp"), (.ctrl("c"), "quit"),
        ]
        for (key, action) in expected { #expect(name(map.action(for: key, in: s)) == action, "\(key)") }
        #expect(map.action(for: .char("z"), in: s) == nil)
    }

    @Test func editingCapturesPrintableKeys() {
        var s = AppState()
        s.editing = EditBuffer(field: .a, text: [], cursor: 0)
        #expect(name(map.action(for: .char("q"), in: s)) == "editInsert(\"q\")")
        #expect(name(map.action(for: .char("t"), in: s)) == "editInsert(\"t\")")
        #expect(name(map.action(for: .enter, in: s)) == "commitEdit")
        #expect(name(map.action(for: .escape, in: s)) == "cancelEdit")
        #expect(name(map.action(for: .left, in: s)) == "editCursor(-1)")
        #expect(name(map.action(for: .ctrl("c"), in: s)) == "quit")
    }

    @Test func anyKeyClosesHelp() {
        var s = AppState()
        s.showHelp = true
        #expect(name(map.action(for: .char("x"), in: s)) == "toggleHelp")
        #expect(name(map.action(for: .char("q"), in: s)) == "quit")
    }

    @Test func helpAndBarComeFromTheTable() {
        #expect(map.helpLines.count == map.bindings.count)
        #expect(map.helpLines.contains { $0.keys == "? F1" && $0.help.contains("help") })
        let bar = map.barEntries.map { "\($0.keys) \($0.label)" }
        #expect(bar.prefix(3) == ["q quit", "? help", "tab pane"])
        #expect(bar.contains("←→ change") && bar.contains("↑↓ field"))
    }

    @Test func keysDecodeFromScalars() {
        #expect(Key(scalar: 3) == .ctrl("c"))
        #expect(Key(scalar: 13) == .enter)
        #expect(Key(scalar: 127) == .backspace)
        #expect(Key(scalar: 9) == .tab)
        #expect(Key(scalar: 0x61) == .char("a"))
    }
}
