// ImageError: what reading and writing pictures can throw — always naming the file and the fix.

/// Errors from PNG and sixel I/O. Each case names the file (or data source) and says what to do.
public enum ImageError: Error, CustomStringConvertible, Equatable {
    /// The file could not be opened (missing, unreadable directory, permissions).
    case cannotOpen(path: String, reason: String)
    /// The file does not start with the PNG signature.
    case notPNG(path: String)
    /// libpng failed while decoding (truncated file, bad CRC, corrupt IDAT, ...).
    case corruptPNG(path: String, reason: String)
    /// libpng failed while encoding or the file could not be written completely.
    case writeFailed(path: String, reason: String)
    /// libsixel reported an error.
    case sixel(operation: String, status: Int32)

    public var description: String {
        switch self {
        case .cannotOpen(let p, let r):
            "cannot open \(p): \(r) (hint: check that the path exists and is readable)"
        case .notPNG(let p):
            "\(p) is not a PNG file (hint: convert it, e.g. `convert \(p) out.png`, or remove it)"
        case .corruptPNG(let p, let r):
            "\(p) is a broken PNG: \(r) (hint: re-export or re-download the file, or remove it)"
        case .writeFailed(let p, let r):
            "cannot write \(p): \(r) (hint: check free space and that the directory exists and is writable)"
        case .sixel(let op, let s):
            "libsixel \(op) failed with status 0x\(String(UInt32(bitPattern: s), radix: 16)) "
                + "(hint: is libsixel1 installed? `apt-get install libsixel-dev`)"
        }
    }
}
