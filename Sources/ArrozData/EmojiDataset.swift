// EmojiDataset: Noto Color Emoji bitmaps named by their Unicode names ("red apple"), composited on white.
import ArrozImage
import Foundation

/// Every single-code-point emoji in Noto Color Emoji (Debian `fonts-noto-color-emoji`) with its Unicode name
/// (Debian `unicode-data`) lowercased as the caption.
///
/// The font's `cmap` gives code point → glyph and its `CBLC`/`CBDT` tables give glyph → PNG (136×128 at ppem
/// 109). Bitmaps are decoded lazily and cached: each is centred on a white square, composited over white and
/// area-downscaled to `size`. Code points that are not pictures on their own are left out: ASCII (digits,
/// `#`, `*` for keycaps), joiners and selectors, keycap combiners, regional indicator letters, skin-tone
/// swatches, hair-style components and tag characters. Multi-code-point sequences (flags, ZWJ families, via
/// GSUB ligatures) are not included.
public struct EmojiDataset: Dataset {
    public static let defaultFontPath = "/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf"
    public static let fontPackage = "fonts-noto-color-emoji"

    /// One emoji: its code point, its name and where its PNG sits in the font.
    public struct Entry: Sendable, Hashable {
        public let codePoint: UInt32
        public let name: String
        let pngOffset: Int
        let pngLength: Int
        public var character: Character { Character(Unicode.Scalar(codePoint) ?? "?") }
    }

    public let name: String
    public let size: Int
    public let entries: [Entry]
    public let fontPath: String
    public var count: Int { entries.count }
    public var classNames: [String]? { nil }
    private let font: FontStore
    private let cache: ImageCache

    /// Reads the font and the names; images are decoded on first use. Throws the `apt-get install` fix when
    /// the font or UnicodeData.txt is missing.
    public init(
        size: Int = 32, fontPath: String = EmojiDataset.defaultFontPath,
        unicodeDataPath: String = UnicodeNames.defaultPath
    ) throws {
        precondition(size > 0, "EmojiDataset: size \(size) must be positive")
        guard let data = FileManager.default.contents(atPath: fontPath) else {
            throw DatasetError.missing(dataset: "Noto Color Emoji", path: fontPath, package: Self.fontPackage)
        }
        let bytes = [UInt8](data)
        let font = try OpenTypeFont(bytes: bytes, path: fontPath)
        let cmap = try font.characterMap()
        let bitmaps = try ColorBitmapTable(font: font)
        let candidates = cmap.filter { Self.isStandalone($0.key) && bitmaps.pngRanges[$0.value] != nil }
        let names = try UnicodeNames.names(for: Set(candidates.keys), path: unicodeDataPath)
        var entries: [Entry] = []
        for (code, glyph) in candidates {
            guard let name = names[code], let range = bitmaps.pngRanges[glyph] else { continue }
            entries.append(
                Entry(
                    codePoint: code, name: name.lowercased(), pngOffset: range.offset, pngLength: range.length
                ))
        }
        entries.sort { $0.codePoint < $1.codePoint }
        self.entries = entries
        self.size = size
        self.fontPath = fontPath
        self.name = "emoji-\(size)"
        self.font = FontStore(bytes: bytes)
        self.cache = ImageCache()
    }

    /// Whether a code point is a picture by itself (see the type's documentation for what is left out).
    static func isStandalone(_ c: UInt32) -> Bool {
        switch c {
        case 0..<0xA0: false  // ASCII and C1: keycap bases, space
        case 0x200D, 0x20E3, 0xFE0E, 0xFE0F: false  // ZWJ, keycap, variation selectors
        case 0x1F1E6...0x1F1FF: false  // regional indicators (flag halves)
        case 0x1F3FB...0x1F3FF: false  // skin-tone modifiers
        case 0x1F9B0...0x1F9B3: false  // hair-style components (dashed placeholders)
        case 0xE0000...0xE007F: false  // tags (subdivision flags)
        case 0xE000...0xF8FF, 0xF0000...: false  // private use
        default: true
        }
    }

    /// The index of the emoji called `name` (e.g. "red apple"), if present.
    public func index(named name: String) -> Int? { entries.firstIndex { $0.name == name.lowercased() } }

    /// The index of `character` (a single code point), if present.
    public func index(of character: Character) -> Int? {
        guard let scalar = character.unicodeScalars.first else { return nil }
        return entries.firstIndex { $0.codePoint == scalar.value }
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
        return Example(image: image, caption: entries[index].name)
    }

    /// The emoji at `index` decoded from the font, centred on a white square and resized to `size` × `size`.
    /// Throws ``ArrozImage/ImageError`` naming the glyph when its PNG is broken.
    public func bitmap(_ index: Int, size: Int) throws -> RGBImage {
        let entry = entries[index]
        let source = "\(fontPath) (U+\(String(entry.codePoint, radix: 16, uppercase: true)) \(entry.name))"
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
