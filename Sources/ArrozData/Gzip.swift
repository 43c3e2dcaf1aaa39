// Gzip: reads a whole .gz file through zlib's gzread (also reads uncompressed files unchanged).
import CZlib

enum Gzip {
    /// The decompressed bytes of `path`. Throws `DatasetError.badFile` naming the file on zlib errors.
    static func read(_ path: String) throws -> [UInt8] {
        guard let file = gzopen(path, "rb") else {
            throw DatasetError.badFile(path: path, reason: "cannot open")
        }
        defer { gzclose(file) }
        var out: [UInt8] = []
        let chunk = 1 << 20
        var buffer = [UInt8](repeating: 0, count: chunk)
        while true {
            let n = buffer.withUnsafeMutableBytes { gzread(file, $0.baseAddress, UInt32(chunk)) }
            if n < 0 {
                var code: Int32 = 0
                let message = gzerror(file, &code).map { String(cString: $0) } ?? "zlib error \(n)"
                throw DatasetError.badFile(path: path, reason: "gzip: \(message)")
            }
            if n == 0 { break }
            buffer.withUnsafeBufferPointer { out.append(contentsOf: $0.prefix(Int(n))) }
        }
        return out
    }
}
