// KittyCompression: zlib deflate/inflate (RFC 1950) and base64 for the terminal image protocols — kitty's `o=z`
// payloads and the PNG stream iTerm2 inline images carry.
import CZlib

/// zlib streams through the system libz (`compress2` / `uncompress`, `crc32`).
public enum Zlib {
    /// The zlib stream (header, deflate data, Adler-32) of `bytes` at `level` (0...9).
    public static func compress(_ bytes: [UInt8], level: Int32 = 6) -> [UInt8] {
        var size = compressBound(uLong(bytes.count))
        var out = [UInt8](repeating: 0, count: Int(size))
        let status = out.withUnsafeMutableBufferPointer { o in
            bytes.withUnsafeBufferPointer { i in
                compress2(o.baseAddress, &size, i.baseAddress, uLong(bytes.count), level)
            }
        }
        precondition(status == Z_OK, "Zlib.compress: compress2 returned \(status)")
        return Array(out.prefix(Int(size)))
    }

    /// Inflates a zlib stream whose inflated size is `expected` bytes; nil when it is corrupt or another size.
    public static func uncompress(_ bytes: [UInt8], expected: Int) -> [UInt8]? {
        var size = uLong(expected)
        var out = [UInt8](repeating: 0, count: max(1, expected))
        let status = out.withUnsafeMutableBufferPointer { o in
            bytes.withUnsafeBufferPointer { i in
                CZlib.uncompress(o.baseAddress, &size, i.baseAddress, uLong(bytes.count))
            }
        }
        guard status == Z_OK, Int(size) == expected else { return nil }
        return Array(out.prefix(expected))
    }

    /// CRC-32 (the PNG chunk checksum) of `bytes`, continuing from `crc`.
    public static func crc(_ bytes: [UInt8], _ crc: UInt32 = 0) -> UInt32 {
        bytes.withUnsafeBufferPointer { UInt32(crc32(uLong(crc), $0.baseAddress, uInt($0.count))) }
    }
}

/// RFC 4648 base64 with padding, as both image protocols carry their payloads.
public enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// `bytes` as base64 ASCII bytes (4 output bytes per 3 input bytes, `=` padding).
    public static func encode(_ bytes: [UInt8]) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var i = 0
        while i + 2 < bytes.count {
            let v = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
            out += [alphabet[Int(v >> 18)], alphabet[Int(v >> 12 & 63)], alphabet[Int(v >> 6 & 63)],
                alphabet[Int(v & 63)]]
            i += 3
        }
        let rest = bytes.count - i
        if rest > 0 {
            let v = UInt32(bytes[i]) << 16 | (rest == 2 ? UInt32(bytes[i + 1]) << 8 : 0)
            out += [alphabet[Int(v >> 18)], alphabet[Int(v >> 12 & 63)]]
            out += rest == 2 ? [alphabet[Int(v >> 6 & 63)], UInt8(ascii: "=")] : [UInt8(ascii: "="), UInt8(ascii: "=")]
        }
        return out
    }

    /// Decodes base64 (padding optional); nil on a character outside the alphabet.
    public static func decode(_ text: [UInt8]) -> [UInt8]? {
        var out = [UInt8]()
        var acc: UInt32 = 0, bits = 0
        for c in text where c != UInt8(ascii: "=") {
            let v: UInt32
            switch c {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): v = UInt32(c - 65)
            case UInt8(ascii: "a")...UInt8(ascii: "z"): v = UInt32(c - 97 + 26)
            case UInt8(ascii: "0")...UInt8(ascii: "9"): v = UInt32(c - 48 + 52)
            case UInt8(ascii: "+"): v = 62
            case UInt8(ascii: "/"): v = 63
            default: return nil
            }
            acc = acc << 6 | v
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8(acc >> UInt32(bits) & 0xff))
            }
        }
        return out
    }
}
