// RGBImage: an 8-bit RGB picture as a Sendable value — what goes to PNG, sixel and half-blocks.

/// Width × height pixels, row-major, 3 bytes (R, G, B) each.
///
/// Hashing reads the size and at most ``hashedWords`` evenly spaced 8-byte words of the pixels (equality still
/// compares every byte): a 448² preview used as a dictionary key (the Screen's encoding cache, the resize
/// cache) cost 600 KB of `Hasher.combine` per look-up, most of the studio's UI-thread time in `perf`.
public struct RGBImage: Sendable, Hashable {
    public let width: Int
    public let height: Int
    public var pixels: [UInt8]

    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(
            pixels.count == width * height * 3, "RGBImage: \(pixels.count) bytes for \(width)x\(height)")
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// A solid image.
    public init(width: Int, height: Int, fill: (UInt8, UInt8, UInt8) = (0, 0, 0)) {
        self.width = width
        self.height = height
        var p = [UInt8](repeating: 0, count: width * height * 3)
        for i in 0..<(width * height) {
            p[3 * i] = fill.0
            p[3 * i + 1] = fill.1
            p[3 * i + 2] = fill.2
        }
        pixels = p
    }

    /// The pixel at column `x`, row `y`.
    public subscript(x: Int, y: Int) -> (r: UInt8, g: UInt8, b: UInt8) {
        get {
            let i = 3 * (y * width + x)
            return (pixels[i], pixels[i + 1], pixels[i + 2])
        }
        set {
            let i = 3 * (y * width + x)
            pixels[i] = newValue.r
            pixels[i + 1] = newValue.g
            pixels[i + 2] = newValue.b
        }
    }
}

extension RGBImage {
    /// 8-byte words of the pixels a hash reads (all of them for images up to 2 KB).
    public static let hashedWords = 256

    public func hash(into hasher: inout Hasher) {
        hasher.combine(width)
        hasher.combine(height)
        pixels.withUnsafeBytes { raw in
            let n = raw.count
            if n <= 8 * Self.hashedWords {
                hasher.combine(bytes: raw)
                return
            }
            // Word i starts at byte floor(i · (n − 8) / (k − 1)): the first and the last 8 bytes included.
            let k = Self.hashedWords
            var words = [UInt64](repeating: 0, count: k)
            for i in 0..<k {
                words[i] = raw.loadUnaligned(fromByteOffset: i * (n - 8) / (k - 1), as: UInt64.self)
            }
            words.withUnsafeBytes { hasher.combine(bytes: $0) }
        }
    }
}
