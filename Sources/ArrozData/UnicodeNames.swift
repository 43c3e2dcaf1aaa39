// UnicodeNames: character names from UnicodeData.txt (Debian `unicode-data`).
import Foundation

/// Reads code point → name from UnicodeData.txt (`1F34E;RED APPLE;So;0;ON;;;;;N;;;;;`).
public enum UnicodeNames {
    public static let defaultPath = "/usr/share/unicode/UnicodeData.txt"
    public static let debianPackage = "unicode-data"

    /// Names of the requested code points (only those are kept; range entries like `<CJK Ideograph, First>`
    /// are skipped). Throws ``DatasetError/missing(dataset:path:package:)`` when the file is absent.
    public static func names(for wanted: Set<UInt32>, path: String = defaultPath) throws -> [UInt32: String] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DatasetError.missing(dataset: "Unicode character names", path: path, package: debianPackage)
        }
        var out: [UInt32: String] = [:]
        data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            let b = raw.bindMemory(to: UInt8.self)
            var i = 0
            while i < b.count {
                // Field 0: hex code point.
                var code: UInt32 = 0
                while i < b.count && b[i] != UInt8(ascii: ";") {
                    let c = b[i]
                    let v: UInt32 = c >= 0x30 && c <= 0x39 ? UInt32(c - 0x30) : UInt32((c | 0x20) - 0x61 + 10)
                    code = code << 4 | v
                    i += 1
                }
                i += 1
                // Field 1: the name.
                let start = i
                while i < b.count && b[i] != UInt8(ascii: ";") { i += 1 }
                if wanted.contains(code) && i > start && b[start] != UInt8(ascii: "<") {
                    out[code] = String(decoding: UnsafeBufferPointer(rebasing: b[start..<i]), as: UTF8.self)
                }
                while i < b.count && b[i] != 0x0A { i += 1 }
                i += 1
            }
        }
        return out
    }
}
