// EmojiTests: Noto Color Emoji from cmap + GSUB + CBLC/CBDT, named by emoji-test.txt or UnicodeData.txt.
import ArrozData
import ArrozImage
import Testing

/// Fraction of non-white pixels that are clearly red.
func redFraction(_ image: RGBImage) -> (red: Double, ink: Int) {
    var red = 0, ink = 0
    for y in 0..<image.height {
        for x in 0..<image.width {
            let p = image.rgb(x, y)
            if Int(p.r) + Int(p.g) + Int(p.b) > 720 { continue }
            ink += 1
            if Int(p.r) > Int(p.g) + 60 && Int(p.r) > Int(p.b) + 60 { red += 1 }
        }
    }
    return (Double(red) / Double(max(ink, 1)), ink)
}

@Suite struct EmojiTests {
    @Test func singleCodePointsWithUnicodeNames() throws {
        let emoji = try EmojiDataset(size: 32, selection: .singleCodePoints, captions: .unicodeName)
        #expect(emoji.count > 1300, "only \(emoji.count) emoji")
        let names = Set(emoji.entries.map(\.name))
        #expect(
            names.contains("red apple") && names.contains("fire engine") && names.contains("grinning face"))
        // UnicodeData.txt: 1F606;SMILING FACE WITH OPEN MOUTH AND TIGHTLY-CLOSED EYES
        #expect(names.contains("smiling face with open mouth and tightly-closed eyes"))
        let apple = try #require(emoji.index(named: "red apple"))
        #expect(emoji.entries[apple].codePoint == 0x1F34E)
        #expect(emoji.index(of: "🍎") == apple)
        let e = emoji.example(apple)
        #expect(e.caption == "red apple")
        #expect(emoji.classNames?[e.label ?? -1] == "Food & Drink")
        #expect(e.image.width == 32 && e.image.height == 32)
        let (red, ink) = redFraction(e.image)
        #expect(ink > 300 && red > 0.6, "red \(red) of \(ink)")
        #expect(e.image.rgb(0, 0) == RGB(255, 255, 255))
        let big = try emoji.bitmap(apple, size: 64)
        #expect(big.width == 64 && redFraction(big).red > 0.6)
        #expect(emoji.index(of: "#") == nil)
        #expect(emoji.entries.allSatisfy { !(0x1F3FB...0x1F3FF).contains($0.codePoint ?? 0) })
    }

    @Test func sequencesThroughLigatures() throws {
        let emoji = try EmojiDataset(size: 32)
        #expect(emoji.count > 3500, "only \(emoji.count) emoji")
        let names = Set(emoji.entries.map(\.name))
        #expect(names.contains("grinning squinting face"))
        #expect(names.contains("flag: Japan") && names.contains("keycap: #"))
        #expect(names.contains("woman dancing: light skin tone"))
        // 🇯🇵: white field, red disc in the middle.
        let japan = try #require(emoji.index(of: "🇯🇵"))
        #expect(emoji.entries[japan].name == "flag: Japan" && emoji.index(named: "Flag: japan") == japan)
        let flag = emoji.example(japan).image
        let centre = flag.rgb(16, 16)
        #expect(centre.r > 150 && centre.g < 80 && centre.b < 80, "centre \(centre)")
        #expect(emoji.groups.contains("Flags") && !emoji.groups.contains("Component"))
        // Mirroring would contradict flags, arrows and written signs, not an apple.
        #expect(!emoji.example(japan).flippable)
        #expect(!emoji.entries[try #require(emoji.index(named: "left arrow"))].flippable)
        #expect(!emoji.entries[try #require(emoji.index(named: "SOS button"))].flippable)
        #expect(emoji.example(try #require(emoji.index(named: "red apple"))).flippable)
    }

    @Test func missingFilesSayHowToInstall() {
        #expect {
            _ = try EmojiDataset(fontPath: "/nonexistent/NotoColorEmoji.ttf")
        } throws: { error in
            "\(error)".contains("apt-get install fonts-noto-color-emoji")
        }
        #expect {
            _ = try EmojiDataset(unicodeDirectory: "/nonexistent/unicode")
        } throws: { error in
            "\(error)".contains("apt-get install unicode-data")
        }
    }
}
