// NpyFile: NumPy's .npy format (versions 1.0, 2.0, 3.0) for embedding vectors — float32 or float16, 1-D or
// 2-D, C order, either byte order. Matches numpy/lib/format.py; writes version 1.0 float32.
import ArrozTensor
import Foundation

public enum NpyFile {
    /// Reads a `.npy` as `[N, D]` (a 1-D file is one row). Throws `TextError.badEmbeddingFile` naming the
    /// path for a bad magic, a truncated file, Fortran order, a dtype other than float32/float16, or
    /// rank > 2.
    public static func read(_ path: String) throws -> Tensor {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TextError.unreadable(path: path, reason: "no such file or not readable")
        }
        return try parse([UInt8](data), path: path)
    }

    static func parse(_ bytes: [UInt8], path: String) throws -> Tensor {
        func bad(_ reason: String) -> TextError { .badEmbeddingFile(path: path, reason: reason) }
        let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]  // \x93NUMPY
        guard bytes.count >= 10, Array(bytes[0..<6]) == magic else {
            throw bad("not a .npy file (bad magic)")
        }
        let major = bytes[6]
        let headerStart: Int, headerLength: Int
        switch major {
        case 1:
            headerStart = 10
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
        case 2, 3:
            guard bytes.count >= 12 else { throw bad("truncated header") }
            headerStart = 12
            headerLength = (0..<4).reduce(0) { $0 | Int(bytes[8 + $1]) << (8 * $1) }
        default:
            throw bad("unsupported .npy version \(major)")
        }
        guard headerStart + headerLength <= bytes.count,
            let header = String(validating: bytes[headerStart..<(headerStart + headerLength)], as: UTF8.self)
        else { throw bad("truncated or non-text header") }

        guard let descr = field("descr", in: header), let order = field("fortran_order", in: header),
            let shapeText = field("shape", in: header)
        else { throw bad("header lacks descr, fortran_order or shape: \(header)") }
        let dtype = descr.trimmingCharacters(in: CharacterSet(charactersIn: "'\" "))
        guard order.trimmingCharacters(in: .whitespaces) == "False" else {
            throw bad("Fortran-ordered array; save it with np.save(path, np.ascontiguousarray(a))")
        }
        let dims = shapeText.trimmingCharacters(in: CharacterSet(charactersIn: "() "))
            .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let shape = try dims.map { d -> Int in
            guard let v = Int(d), v >= 0 else { throw bad("bad shape \(shapeText)") }
            return v
        }
        guard shape.count == 1 || shape.count == 2 else {
            throw bad("shape \(shape) — an embedding file holds a vector [D] or rows [N, D]")
        }
        let width: Int, bigEndian: Bool
        switch dtype {
        case "<f4", "=f4", "f4": (width, bigEndian) = (4, false)
        case ">f4": (width, bigEndian) = (4, true)
        case "<f2", "=f2", "f2": (width, bigEndian) = (2, false)
        case ">f2": (width, bigEndian) = (2, true)
        default: throw bad("dtype \(dtype); expected float32 or float16 (use a.astype(np.float32))")
        }
        // A header may claim any shape: multiply with overflow checks before trusting it.
        var count = 1
        for d in shape {
            let (p, overflow) = count.multipliedReportingOverflow(by: d)
            guard !overflow, p <= Int.max / 8 else { throw bad("shape \(shape) is too large") }
            count = p
        }
        let start = headerStart + headerLength
        guard bytes.count - start >= count * width else {
            throw bad(
                "truncated: shape \(shape) needs \(count * width) data bytes, file has \(bytes.count - start)"
            )
        }
        let rows = shape.count == 1 ? 1 : shape[0], cols = shape.last!
        let out = Tensor.zeros([rows, cols])
        let dst = out.mutableData
        for i in 0..<count {
            let o = start + i * width
            if width == 4 {
                var bits =
                    UInt32(bytes[o]) | UInt32(bytes[o + 1]) << 8 | UInt32(bytes[o + 2]) << 16
                    | UInt32(bytes[o + 3]) << 24
                if bigEndian { bits = bits.byteSwapped }
                dst[i] = Float(bitPattern: bits)
            } else {
                var bits = UInt16(bytes[o]) | UInt16(bytes[o + 1]) << 8
                if bigEndian { bits = bits.byteSwapped }
                dst[i] = Float(Float16(bitPattern: bits))
            }
        }
        return out
    }

    /// The text after `'key':` in the header dict, up to the next top-level comma.
    static func field(_ key: String, in header: String) -> String? {
        guard let r = header.range(of: "'\(key)'") ?? header.range(of: "\"\(key)\"") else { return nil }
        var rest = header[r.upperBound...].drop { $0 == " " }
        guard rest.first == ":" else { return nil }
        rest = rest.dropFirst()
        var depth = 0
        var value = ""
        for c in rest {
            if c == "(" { depth += 1 }
            if c == ")" { depth -= 1 }
            if (c == "," && depth == 0) || c == "}" { break }
            value.append(c)
        }
        return value.trimmingCharacters(in: .whitespaces)
    }

    /// Writes `tensor` (any shape) as a version 1.0 little-endian float32 `.npy`.
    public static func write(_ tensor: Tensor, to path: String) throws {
        let shape =
            tensor.shape.count == 1
            ? "(\(tensor.shape[0]),)"
            : "(" + tensor.shape.map(String.init).joined(separator: ", ") + ")"
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': \(shape), }"
        // Pad with spaces so that magic + 4 + header + "\n" is a multiple of 64.
        let total = 10 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - total % 64) % 64) + "\n"
        var bytes: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0]
        let n = header.utf8.count
        bytes += [UInt8(n & 0xFF), UInt8(n >> 8)]
        bytes += Array(header.utf8)
        bytes.reserveCapacity(bytes.count + tensor.count * 4)
        for v in tensor.data {
            let b = v.bitPattern.littleEndian
            bytes += [UInt8(b & 0xFF), UInt8((b >> 8) & 0xFF), UInt8((b >> 16) & 0xFF), UInt8(b >> 24)]
        }
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else {
            throw TextError.unreadable(path: path, reason: "cannot write here (does the directory exist?)")
        }
    }
}
