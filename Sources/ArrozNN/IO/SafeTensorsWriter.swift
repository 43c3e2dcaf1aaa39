// SafeTensorsWriter: collects F32/I64 tensors and a metadata map and writes a safetensors file atomically.
import ArrozTensor

/// Builds a safetensors file the way Python's `safetensors` writes one, so that `safetensors.torch.load_file`
/// reads it back:
/// - data ordered by dtype size, largest first (I64 before F32), then by name, packed with no gaps, so every
///   tensor stays aligned to its element size;
/// - the JSON header lists `__metadata__` (sorted keys) and then the tensors in data order, and is padded
/// with
///   spaces to a multiple of 8 bytes so the data section starts 8-byte aligned.
public struct SafeTensorsWriter {
    private enum Item {
        case f32(Tensor)
        case i64([Int64], shape: [Int])

        var dtype: String {
            switch self {
            case .f32: "F32"
            case .i64: "I64"
            }
        }
        var byteSize: Int {
            switch self {
            case .f32: 4
            case .i64: 8
            }
        }
        var shape: [Int] {
            switch self {
            case .f32(let t): t.shape
            case .i64(_, let shape): shape
            }
        }
        var byteCount: Int { Shape.count(shape) * byteSize }
    }

    /// The `__metadata__` map (string to string, as the format requires).
    public var metadata: [String: String]
    private var items: [String: Item] = [:]

    public init(metadata: [String: String] = [:]) { self.metadata = metadata }

    public var names: [String] { items.keys.sorted() }

    /// Adds `tensor` as F32 under `name` (the tensor is read at write time, not copied now).
    public mutating func add(_ name: String, _ tensor: Tensor) {
        precondition(
            name != "__metadata__" && items[name] == nil, "SafeTensorsWriter.add: duplicate name '\(name)'")
        items[name] = .f32(tensor)
    }

    /// Adds exact 64-bit integers as I64 under `name` (for counters and integer buffers).
    public mutating func add(_ name: String, int64 values: [Int64], shape: [Int]) {
        precondition(
            name != "__metadata__" && items[name] == nil, "SafeTensorsWriter.add: duplicate name '\(name)'")
        precondition(
            Shape.count(shape) == values.count, "SafeTensorsWriter.add: \(values.count) values for \(shape)")
        items[name] = .i64(values, shape: shape)
    }

    /// Data order: larger element size first, then name (as the Rust writer sorts).
    private var ordered: [(String, Item)] {
        items.sorted { ($1.value.byteSize, $0.key) < ($0.value.byteSize, $1.key) }
    }

    /// The 8-byte length followed by the space-padded JSON header.
    public func headerBytes() -> [UInt8] {
        var parts: [String] = []
        if !metadata.isEmpty {
            let kv = metadata.keys.sorted().map {
                JSONText.quote($0) + ":" + JSONText.quote(metadata[$0] ?? "")
            }
            parts.append("\"__metadata__\":{" + kv.joined(separator: ",") + "}")
        }
        var offset = 0
        for (name, item) in ordered {
            let shape = item.shape.map(String.init).joined(separator: ",")
            let end = offset + item.byteCount
            parts.append(
                JSONText.quote(name) + ":{\"dtype\":\"\(item.dtype)\",\"shape\":[\(shape)],"
                    + "\"data_offsets\":[\(offset),\(end)]}")
            offset = end
        }
        var json = Array(("{" + parts.joined(separator: ",") + "}").utf8)
        json += [UInt8](repeating: 0x20, count: (8 - json.count % 8) % 8)
        var out = [UInt8](repeating: 0, count: 8)
        var n = UInt64(json.count).littleEndian
        withUnsafeBytes(of: &n) { for i in 0..<8 { out[i] = $0[i] } }
        return out + json
    }

    /// Writes the file atomically (temporary sibling, fsync, rename). Throws `SafeTensorsError.writeFailed`.
    public func write(to path: String) throws {
        try AtomicFile.write(to: path) { try write(into: $0) }
    }

    /// Streams header and data into an open writer.
    public func write(into w: AtomicFileWriter) throws {
        try w.write(headerBytes())
        for (_, item) in ordered {
            switch item {
            case .f32(let t):
                try w.write(UnsafeRawPointer(t.storage.pointer), count: t.count * 4)
            case .i64(let values, _):
                try values.withUnsafeBytes { raw in
                    if let base = raw.baseAddress { try w.write(base, count: raw.count) }
                }
            }
        }
    }
}
