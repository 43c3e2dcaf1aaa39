// ModelHash: a content hash of a checkpoint file, recorded in PNG parameters so `--from` can tell whether an
// image was made with the same weights; the same hash names the studio's saved edit inputs by their pixels.
import Foundation

public enum ModelHash {
    /// The hash of the file's bytes (see ``of(bytes:)``); nil when unreadable.
    public static func ofFile(_ path: String) -> String? {
        guard let data = try? Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped) else {
            return nil
        }
        return data.withUnsafeBytes { of(bytes: $0) }
    }

    /// FNV-1a (64-bit) over the bytes, eight at a time, then the length, as 12 hex digits.
    public static func of(bytes raw: UnsafeRawBufferPointer) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        let words = raw.count / 8
        for i in 0..<words {
            h = (h ^ raw.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self)) &* 0x100_0000_01b3
        }
        for i in (words * 8)..<raw.count { h = (h ^ UInt64(raw[i])) &* 0x100_0000_01b3 }
        h ^= UInt64(raw.count)
        let s = String(h, radix: 16)
        return String((String(repeating: "0", count: max(0, 16 - s.count)) + s).prefix(12))
    }
}
