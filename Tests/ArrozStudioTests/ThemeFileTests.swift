// ThemeFileTests: every file in Themes/ parses, defines every key, and the built-in default matches its file.
import ArrozImage
import Foundation
import Testing

@testable import ArrozStudio

/// The repository's Themes/ folder, found from this source file's path.
let themesDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("../../Themes").standardized.path

@Suite struct ThemeFileTests {
    @Test func everyThemeFileParsesAndDefinesEveryKey() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: themesDirectory).filter {
            $0.hasSuffix(".theme")
        }
        #expect(Set(files).isSuperset(of: ["arroz-dark.theme", "arroz-light.theme", "mono.theme"]))
        for file in files {
            let path = themesDirectory + "/" + file
            let text = try String(contentsOfFile: path, encoding: .utf8)
            let (theme, unknown) = try ThemeFile.parse(text, name: file, path: path)
            #expect(unknown.isEmpty, "\(file): unknown keys \(unknown)")
            // Every key written, each preceded by a comment line.
            let lines = text.split(separator: "\n").map(String.init)
            for key in ThemeKey.allCases {
                let i = lines.firstIndex { $0.hasPrefix("theme[\(key.rawValue)]=") }
                #expect(i != nil, "\(file) lacks \(key.rawValue)")
                if let i {
                    #expect(i > 0 && lines[i - 1].hasPrefix("#"), "\(file): \(key.rawValue) uncommented")
                }
            }
            #expect(theme.colors.count == ThemeKey.allCases.count)
        }
    }

    @Test func builtInDefaultMatchesItsFile() throws {
        let dark = try ThemeFile.load(path: themesDirectory + "/arroz-dark.theme", fallback: .mono)
        #expect(dark == Theme.arrozDark)
        let mono = try ThemeFile.load(path: themesDirectory + "/mono.theme")
        #expect(mono == Theme.mono)
    }

    @Test func missingKeysFallBackToDefaultAndFormatsParse() throws {
        let text = """
            # a partial theme
            theme[main_fg]="#102030"
            theme[title]="#80"
            theme[hi_fg]="1 2 3"
            theme[main_bg]=""
            theme[not_a_key]="#ffffff"
            """
        let (t, unknown) = try ThemeFile.parse(text, name: "p", path: "p.theme")
        #expect(t[.mainFg] == RGB(0x10, 0x20, 0x30))
        #expect(t[.title] == RGB(0x80, 0x80, 0x80))
        #expect(t[.hiFg] == RGB(1, 2, 3))
        #expect(t[.mainBg] == nil)
        #expect(t[.lossSmooth] == Theme.arrozDark[.lossSmooth])
        #expect(unknown == ["not_a_key"])
    }

    @Test func badLinesThrowNamingFileAndLine() {
        #expect(throws: ThemeFileError.badColor(path: "x.theme", line: 2, key: "title", value: "#12345")) {
            _ = try ThemeFile.parse("\ntheme[title]=\"#12345\"", name: "x", path: "x.theme")
        }
        #expect(throws: ThemeFileError.badLine(path: "x.theme", line: 1, text: "title = red")) {
            _ = try ThemeFile.parse("title = red", name: "x", path: "x.theme")
        }
    }

    @Test func catalogListsDefaultsFirstAndCycles() throws {
        let catalog = ThemeCatalog(directories: [themesDirectory])
        #expect(Array(catalog.names.prefix(3)) == ["arroz-dark", "arroz-light", "mono"])
        #expect(catalog.next(after: "arroz-dark") == "arroz-light")
        #expect(catalog.next(after: catalog.names.last ?? "") == "arroz-dark")
        #expect(try catalog.load("arroz-light")[.mainBg] == RGB(0xf7, 0xf4, 0xec))
    }

    @Test func colorMappingPicksNearestPaletteEntries() {
        #expect(ColorMapping.xterm256(RGB(255, 0, 0)) == 196)
        #expect(ColorMapping.xterm256(RGB(0, 0, 0)) == 16)
        #expect(ColorMapping.xterm256(RGB(128, 128, 128)) == 244)
        #expect(ColorMapping.index(RGB(1, 2, 3), .trueColor) == 0x010203)
        #expect(ColorMapping.ansi8(RGB(250, 10, 10)) == 1)
        #expect(ColorMapping.index(RGB(1, 2, 3), .mono) == -1)
    }
}
