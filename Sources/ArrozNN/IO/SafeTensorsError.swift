// SafeTensorsError: every way a safetensors file can be unreadable or not fit a model, with the fix.

/// A safetensors read/write/load failure. Each description names the file, the tensor where there is one,
/// what was expected and what was found, and a hint for the fix.
public enum SafeTensorsError: Error, CustomStringConvertible, Equatable {
    case cannotOpen(file: String, reason: String)
    /// The file ends before the 8-byte header length or before the data the header describes.
    case truncated(file: String, size: Int, needed: Int)
    /// The header length field is larger than the rest of the file (or absurdly large).
    case headerTooLarge(file: String, headerLength: UInt64, fileSize: Int)
    /// The header is not a JSON object of the safetensors shape.
    case badHeader(file: String, reason: String)
    /// One tensor entry lacks `dtype`/`shape`/`data_offsets` or has malformed values.
    case badEntry(file: String, tensor: String, reason: String)
    case unsupportedDType(file: String, tensor: String, dtype: String)
    case offsetsOutOfRange(file: String, tensor: String, begin: Int, end: Int, dataSize: Int)
    case offsetsOverlap(file: String, tensor: String, other: String)
    /// Bytes between tensors or after the last one (Python's safetensors refuses these files too).
    case offsetsGap(file: String, tensor: String, expectedBegin: Int, found: Int)
    case sizeMismatch(
        file: String, tensor: String, shape: [Int], dtype: String, expectedBytes: Int, foundBytes: Int)
    case missingTensor(file: String, tensor: String, available: [String])
    case shapeMismatch(file: String, tensor: String, expected: [Int], found: [Int])
    case keysMismatch(file: String, prefix: String, missing: [String], unexpected: [String])
    case writeFailed(file: String, reason: String)

    private static func list(_ names: [String]) -> String {
        let head = names.prefix(8).joined(separator: ", ")
        return names.count > 8 ? "\(head), … (\(names.count) in all)" : head
    }

    public var description: String {
        switch self {
        case .cannotOpen(let f, let r):
            return "\(f): cannot open (\(r)) (hint: check the path and permissions)"
        case .truncated(let f, let size, let needed):
            return "\(f): truncated, the file has \(size) bytes but needs \(needed) "
                + "(hint: the copy or download was cut short; copy the file again)"
        case .headerTooLarge(let f, let n, let size):
            return "\(f): header length \(n) is larger than the file (\(size) bytes) allows "
                + "(hint: this is not a safetensors file, or its first 8 bytes are corrupt)"
        case .badHeader(let f, let r):
            return
                "\(f): the JSON header is invalid: \(r) "
                + "(hint: this is not a safetensors file or it is corrupt)"
        case .badEntry(let f, let t, let r):
            return "\(f): tensor '\(t)': bad header entry: \(r) (hint: the writer produced an invalid file)"
        case .unsupportedDType(let f, let t, let d):
            return "\(f): tensor '\(t)': dtype \(d) is not supported; expected one of "
                + "\(SafeTensorsDType.allCases.map(\.rawValue).joined(separator: ", ")) "
                + "(hint: convert it in Python, e.g. `t.float()`, before saving)"
        case .offsetsOutOfRange(let f, let t, let b, let e, let size):
            return
                "\(f): tensor '\(t)': data_offsets [\(b), \(e)] fall outside the \(size)-byte data section "
                + "(hint: the file is truncated or its header is corrupt)"
        case .offsetsOverlap(let f, let t, let o):
            return "\(f): tensor '\(t)': its bytes overlap those of '\(o)' (hint: the header is corrupt)"
        case .offsetsGap(let f, let t, let expected, let found):
            return
                "\(f): tensor '\(t)': data starts at \(found), expected \(expected) right after the previous "
                + "tensor (hint: the header is corrupt; safetensors requires packed data)"
        case .sizeMismatch(let f, let t, let shape, let d, let expected, let found):
            return
                "\(f): tensor '\(t)': shape \(shape) of \(d) needs \(expected) bytes but its "
                + "data_offsets span "
                + "\(found) (hint: the header is corrupt)"
        case .missingTensor(let f, let t, let available):
            return "\(f): no tensor named '\(t)'; the file has \(Self.list(available)) "
                + "(hint: check the name prefix, or that the file belongs to this model)"
        case .shapeMismatch(let f, let t, let expected, let found):
            return "\(f): tensor '\(t)': the model expects shape \(expected) but the file has \(found) "
                + "(hint: the model config differs from the one that wrote the file)"
        case .keysMismatch(let f, let p, let missing, let unexpected):
            var parts: [String] = []
            if !missing.isEmpty { parts.append("missing \(Self.list(missing))") }
            if !unexpected.isEmpty { parts.append("unexpected \(Self.list(unexpected))") }
            let under = p.isEmpty ? "" : " under prefix '\(p)'"
            return "\(f): keys do not match the model\(under): \(parts.joined(separator: "; ")) "
                + "(hint: wrong model family or config, or load with strict: false)"
        case .writeFailed(let f, let r):
            return "\(f): write failed (\(r)) (hint: check free disk space and directory permissions)"
        }
    }
}
