// EmojiTests: Noto Color Emoji parsed from cmap + CBLC/CBDT, named from UnicodeData.txt, decoded lazily.
import ArrozData
import ArrozImage
import Testing

@Suite struct EmojiTests {
    @Test func countNamesAndRedApple() throws {
        let emoji = try EmojiDataset(size: 32)
        #expect(emoji.count > 1300, "only \(emoji.count) emoji")
        let names = Set(emoji.entries.map(\.name))
        #expect(
            names.contains("red apple") && names.contains("fire engine") && names.contains("grinning face"))
        let apple = try #require(emoji.index(named: "red apple"))
        #expect(emoji.entries[apple].codePoint == 0x1F34E)
        #expect(emoji.index(of: "🍎") == apple)
        let e = emoji.example(apple)
        #expect(e.caption == "red apple")
        #expect(e.image.width == 32 && e.image.height == 32)
        // Mostly red: of the pixels that are not white background, most are red-dominant.
        var red = 0, ink = 0
        for y in 0..<32 {
            for x in 0..<32 {
                let p = e.image.rgb(x, y)
                if Int(p.r) + Int(p.g) + Int(p.b) > 720 { continue }
                ink += 1
                if Int(p.r) > Int(p.g) + 60 && Int(p.r) > Int(p.b) + 60 { red += 1 }
            }
        }
        #expect(ink > 300 && Double(red) / Double(ink) > 0.6, "red \(red) of \(ink)")
        // Corners are white (composited on white).
        #expect(e.image.rgb(0, 0) == RGB(255, 255, 255))
        // 64 px version from the same font.
        let big = try emoji.bitmap(apple, size: 64)
        #expect(big.width == 64 && big.rgb(32, 40).r > 150)
    }

    @Test func excludesNonPictures() throws {
        let emoji = try EmojiDataset(size: 32)
        #expect(emoji.index(of: "#") == nil)
        #expect(emoji.entries.allSatisfy { !(0x1F1E6...0x1F1FF).contains($0.codePoint) })
        #expect(emoji.entries.allSatisfy { !$0.name.isEmpty && $0.name == $0.name.lowercased() })
    }

    @Test func missingFontSaysHowToInstall() {
        #expect {
            _ = try EmojiDataset(fontPath: "/nonexistent/NotoColorEmoji.ttf")
        } throws: { error in
            "\(error)".contains("apt-get install fonts-noto-color-emoji")
        }
    }
}
