// EmojiDataset: Noto Color Emoji bitmaps with their names ("red apple", "flag: Japan"), composited on white.
import ArrozImage
import Foundation

/// The RGI emoji of Noto Color Emoji (Debian `fonts-noto-color-emoji`), named from Debian `unicode-data`.
///
/// Which emoji and their names come from emoji-test.txt (fully-qualified entries, CLDR short names such as
/// "red apple" or "woman dancing: light skin tone"). Each one's glyph comes from the font: a single code
/// point through `cmap`, a sequence (ZWJ, flags, keycaps, skin tones) through the `GSUB` ligatures, both with
/// U+FE0F dropped as the font's shaping does. The glyph's PNG comes from `CBLC`/`CBDT` (136×128 at ppem 109).
/// Bitmaps are decoded lazily and cached: centred on a white square, composited over white, area-downscaled
/// to `size`. Labels index the emoji-test group ("Smileys & Emotion", "Food & Drink", …).
///
/// With `captions: .unicodeName`, single code points are named by UnicodeData.txt instead, lowercased
/// ("smiling face with open mouth and tightly-closed eyes" rather than CLDR's "grinning squinting face").
public struct EmojiDataset: Dataset {
    public static let defaultFontPath = "/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf"
    public static let defaultUnicodeDirectory = "/usr/share/unicode"
    public static let fontPackage = "fonts-noto-color-emoji"

    /// Which emoji to include.
    public enum Selection: String, Sendable, Codable, CaseIterable {
        /// Emoji that are one code point (plus an optional U+FE0F): about 1,380.
        case singleCodePoints
        /// Every fully-qualified emoji the font draws, sequences included: about 3,650.
        case all
    }

    /// Where captions come from.
    public enum Captions: String, Sendable, Codable, CaseIterable {
        /// CLDR short names from emoji-test.txt.
        case cldr
        /// UnicodeData.txt character names (lowercased) for single code points, CLDR for sequences.
        case unicodeName
    }

    /// One emoji: its code points, its caption, its group and where its PNG sits in the font.
    public struct Entry: Sendable, Hashable {
        /// Fully-qualified code points (with U+FE0F where emoji-test.txt lists it).
        public let scalars: [UInt32]
        public let name: String
        public let group: Int
        let pngOffset: Int
        let pngLength: Int

        /// False where a mirror image would contradict the name (see
        /// ``EmojiDataset/isFlippable(name:group:)``).
        public let flippable: Bool

        /// The emoji as text.
        public var text: String {
            String(String.UnicodeScalarView(scalars.compactMap(Unicode.Scalar.init)))
        }

        /// The code point of a single-code-point emoji (U+FE0F ignored), nil for sequences.
        public var codePoint: UInt32? {
            let core = scalars.filter { $0 != 0xFE0F }
            return core.count == 1 ? core[0] : nil
        }
    }

    public let name: String
    public let size: Int
    public let entries: [Entry]
    public let groups: [String]
    public let fontPath: String
    public var count: Int { entries.count }
    public var classNames: [String]? { groups }
    private let font: FontStore
    private let cache: ImageCache

    /// Reads the font and the names; images are decoded on first use. Throws the `apt-get install` fix when
    /// the font or the Unicode files are missing.
    public init(
        size: Int = 32, selection: Selection = .all, captions: Captions = .cldr,
        fontPath: String = EmojiDataset.defaultFontPath,
        unicodeDirectory: String = EmojiDataset.defaultUnicodeDirectory
    ) throws {
        precondition(size > 0, "EmojiDataset: size \(size) must be positive")
        guard let data = FileManager.default.contents(atPath: fontPath) else {
            throw DatasetError.missing(dataset: "Noto Color Emoji", path: fontPath, package: Self.fontPackage)
        }
        let bytes = [UInt8](data)
        let font = try OpenTypeFont(bytes: bytes, path: fontPath)
        let cmap = try font.characterMap()
        let ligatures = try font.ligatures()
        let bitmaps = try ColorBitmapTable(font: font)
        var listed = try EmojiTestFile.read("\(unicodeDirectory)/emoji/emoji-test.txt")
        if selection == .singleCodePoints {
            listed = listed.filter { $0.scalars.filter { $0 != 0xFE0F }.count == 1 }
        }
        var unicodeNames: [UInt32: String] = [:]
        if captions == .unicodeName {
            let singles = Set(
                listed.compactMap { e -> UInt32? in
                    let core = e.scalars.filter { $0 != 0xFE0F }
                    return core.count == 1 ? core[0] : nil
                })
            unicodeNames = try UnicodeNames.names(for: singles, path: "\(unicodeDirectory)/UnicodeData.txt")
        }
        var groups: [String] = []
        var entries: [Entry] = []
        var seenGlyphs = Set<Int>()
        for e in listed {
            let core = e.scalars.filter { $0 != 0xFE0F }
            let glyphs = core.compactMap { cmap[$0] }
            guard glyphs.count == core.count else { continue }
            guard let glyph = glyphs.count == 1 ? glyphs[0] : ligatures[glyphs],
                let range = bitmaps.pngRanges[glyph], seenGlyphs.insert(glyph).inserted
            else { continue }
            if groups.last != e.group && !groups.contains(e.group) { groups.append(e.group) }
            let caption = core.count == 1 ? unicodeNames[core[0]]?.lowercased() ?? e.name : e.name
            entries.append(
                Entry(
                    scalars: e.scalars, name: caption, group: groups.firstIndex(of: e.group) ?? 0,
                    pngOffset: range.offset, pngLength: range.length,
                    flippable: Self.isFlippable(name: e.name, group: e.group)))
        }
        self.entries = entries
        self.groups = groups
        self.size = size
        self.fontPath = fontPath
        self.name = "emoji-\(size)"
        self.font = FontStore(bytes: bytes)
        self.cache = ImageCache()
    }

    /// Whether mirroring keeps an emoji true to its name: not for the Symbols group (letters, signs, arrows,
    /// zodiac glyphs) or Flags, nor for names with a direction or writing in them ("left-facing fist",
    /// "clockwise vertical arrows", "memo", "keycap: 1").
    public static func isFlippable(name: String, group: String) -> Bool {
        if group == "Symbols" || group == "Flags" { return false }
        let lower = name.lowercased()
        let directional = [
            "left", "right", "clockwise", "pointing", "arrow", "letter", "flag", "keycap", "memo",
            "newspaper",
            "scroll", "page", "book", "ledger", "notebook", "calendar", "ticket", "label", "receipt",
        ]
        return !directional.contains { lower.contains($0) }
    }

    /// The index of the emoji called `name` (e.g. "red apple", "flag: Japan"; case-insensitive), if present.
    public func index(named name: String) -> Int? {
        let wanted = name.lowercased()
        return entries.firstIndex { $0.name.lowercased() == wanted }
    }

    /// The index of an emoji given as text ("🍎", "🇯🇵"), U+FE0F ignored.
    public func index(of text: String) -> Int? {
        let core = text.unicodeScalars.map(\.value).filter { $0 != 0xFE0F }
        return entries.firstIndex { $0.scalars.filter { $0 != 0xFE0F } == core }
    }

    /// The example; a broken bitmap in the font stops the program with the error (use `loadExample` to catch
    /// it).
    public func example(_ index: Int) -> Example {
        do {
            return try loadExample(index)
        } catch {
            preconditionFailure("EmojiDataset: \(error)")
        }
    }

    public func loadExample(_ index: Int) throws -> Example {
        precondition(index >= 0 && index < count, "EmojiDataset: index \(index) out of 0..<\(count)")
        let image = try cache.image(index) { try bitmap(index, size: size) }
        let entry = entries[index]
        return Example(image: image, caption: entry.name, label: entry.group, flippable: entry.flippable)
    }

    /// The emoji at `index` decoded from the font, centred on a white square and resized to `size` × `size`.
    /// Throws ``ArrozImage/ImageError`` naming the font and the emoji when its PNG is broken.
    public func bitmap(_ index: Int, size: Int) throws -> RGBImage {
        let entry = entries[index]
        let codes = entry.scalars.map { String($0, radix: 16, uppercase: true) }.joined(separator: " ")
        let source = "\(fontPath) (\(codes) \(entry.name))"
        let rgba = try font.bytes.withUnsafeBytes { raw in
            try decodePNG(
                UnsafeRawBufferPointer(rebasing: raw[entry.pngOffset..<(entry.pngOffset + entry.pngLength)]),
                source: source)
        }
        let flat = rgba.composited(on: RGB(255, 255, 255))
        let side = max(flat.width, flat.height)
        var square = RGBImage(width: side, height: side, fill: (255, 255, 255))
        square.paste(flat, x: (side - flat.width) / 2, y: (side - flat.height) / 2)
        return square.resized(width: size, height: size, filter: side >= size ? .area : .bilinear)
    }
}

/// The font file's bytes, shared by copies of the dataset.
private final class FontStore: Sendable {
    let bytes: [UInt8]
    init(bytes: [UInt8]) { self.bytes = bytes }
}

/// Decoded images by index, filled lazily from any thread.
final class ImageCache: @unchecked Sendable {
    private var images: [Int: RGBImage] = [:]
    private let lock = NSLock()

    func image(_ index: Int, make: () throws -> RGBImage) rethrows -> RGBImage {
        lock.lock()
        if let hit = images[index] {
            lock.unlock()
            return hit
        }
        lock.unlock()
        let made = try make()
        lock.lock()
        images[index] = made
        lock.unlock()
        return made
    }
}
