// ITermPNG: an RGB or RGBA image as PNG bytes in memory (signature, IHDR, one zlib IDAT of filter-0 rows, IEND)
// — the file iTerm2 inline images carry; savePNG writes files through libpng, this needs no file.

extension RGBImage {
    /// The image as an 8-bit RGB PNG file's bytes (PNG spec §5: chunks of length, type, data, CRC-32).
    /// `level` is the zlib level (1 is fast and plenty for small previews).
    public func pngBytes(level: Int32 = 1) -> [UInt8] {
        PNGBytes.encode(width: width, height: height, channels: 3, pixels: pixels, level: level)
    }
}

extension RGBAImage {
    /// The image as an 8-bit RGBA PNG (colour type 6, straight alpha).
    public func pngBytes(level: Int32 = 1) -> [UInt8] {
        PNGBytes.encode(width: width, height: height, channels: 4, pixels: pixels, level: level)
    }
}

enum PNGBytes {
    static func encode(width: Int, height: Int, channels: Int, pixels: [UInt8], level: Int32) -> [UInt8] {
        precondition(width > 0 && height > 0, "pngBytes: empty \(width)x\(height) image")
        var out: [UInt8] = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]
        func be32(_ v: Int) -> [UInt8] { [UInt8(v >> 24 & 0xff), UInt8(v >> 16 & 0xff), UInt8(v >> 8 & 0xff), UInt8(v & 0xff)] }
        func chunk(_ type: String, _ data: [UInt8]) {
            let typed = Array(type.utf8) + data
            out += be32(data.count) + typed + be32(Int(Zlib.crc(typed)))
        }
        // IHDR: width, height, bit depth 8, colour type 2 (RGB) or 6 (RGBA), deflate, adaptive filtering, no
        // interlace.
        chunk("IHDR", be32(width) + be32(height) + [8, channels == 4 ? 6 : 2, 0, 0, 0])
        let stride = width * channels
        var raw = [UInt8](repeating: 0, count: height * (stride + 1))
        for y in 0..<height {
            raw.replaceSubrange(
                (y * (stride + 1) + 1)..<((y + 1) * (stride + 1)), with: pixels[(y * stride)..<((y + 1) * stride)])
        }
        chunk("IDAT", Zlib.compress(raw, level: level))
        chunk("IEND", [])
        return out
    }
}
