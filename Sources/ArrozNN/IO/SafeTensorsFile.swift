// SafeTensorsFile: a memory-mapped, fully validated safetensors file; tensors convert to Float32 on demand.
import ArrozTensor
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A safetensors file opened for reading (format: huggingface/safetensors — 8-byte little-endian header
/// length N, N bytes of JSON header, then the raw little-endian data section).
///
/// The whole header is validated on open, with the same rules as Python's `safetensors` (each entry's bytes
/// match shape × dtype, offsets lie inside the data section and tile it with no overlap or gap), so a bad
/// file throws a `SafeTensorsError` naming the file and tensor instead of crashing later. The data is
/// memory-mapped and read only when a tensor is requested.
public final class SafeTensorsFile {
    /// One tensor's header entry. `begin`/`end` are byte offsets into the data section.
    public struct Entry: Sendable, Equatable {
        public let dtype: SafeTensorsDType
        public let shape: [Int]
        public let begin: Int
        public let end: Int
    }

    public let path: String
    /// The `__metadata__` string map (empty when absent).
    public let metadata: [String: String]
    public let entries: [String: Entry]

    private let mapping: UnsafeMutableRawPointer?
    private let fileSize: Int
    private let dataStart: Int

    /// Tensor names, sorted.
    public var names: [String] { entries.keys.sorted() }

    public func contains(_ name: String) -> Bool { entries[name] != nil }

    public init(path: String) throws {
        self.path = path
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else {
            throw SafeTensorsError.cannotOpen(file: path, reason: String(cString: strerror(errno)))
        }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            throw SafeTensorsError.cannotOpen(file: path, reason: String(cString: strerror(errno)))
        }
        let size = Int(st.st_size)
        guard size >= 8 else { throw SafeTensorsError.truncated(file: path, size: size, needed: 8) }
        guard let map = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0),
            map != UnsafeMutableRawPointer(bitPattern: -1)
        else {
            throw SafeTensorsError.cannotOpen(file: path, reason: "mmap: " + String(cString: strerror(errno)))
        }
        mapping = map
        fileSize = size
        let headerLength = UInt64(littleEndian: map.loadUnaligned(as: UInt64.self))
        // Python's safetensors caps the header at 100 MB.
        guard headerLength <= UInt64(size - 8), headerLength <= 100_000_000 else {
            munmap(map, size)
            throw SafeTensorsError.headerTooLarge(file: path, headerLength: headerLength, fileSize: size)
        }
        dataStart = 8 + Int(headerLength)
        let header = Data(bytes: map + 8, count: Int(headerLength))
        do {
            (metadata, entries) = try Self.parseHeader(
                header, path: path, dataStart: dataStart, dataSize: size - dataStart)
        } catch {
            munmap(map, size)
            throw error
        }
    }

    deinit {
        if let mapping { munmap(mapping, fileSize) }
    }

    // MARK: - Header validation

    private static func parseHeader(_ header: Data, path: String, dataStart: Int, dataSize: Int) throws
        -> ([String: String], [String: Entry])
    {
        let json: Any
        do {
            json = try JSONSerialization.jsonObject(with: header, options: [])
        } catch {
            throw SafeTensorsError.badHeader(
                file: path, reason: "not valid JSON (\(error.localizedDescription))")
        }
        guard let root = json as? [String: Any] else {
            throw SafeTensorsError.badHeader(file: path, reason: "the top level is not a JSON object")
        }
        var metadata: [String: String] = [:]
        var entries: [String: Entry] = [:]
        for (name, value) in root {
            if name == "__metadata__" {
                guard let map = value as? [String: Any] else {
                    throw SafeTensorsError.badHeader(file: path, reason: "__metadata__ is not an object")
                }
                for (k, v) in map {
                    guard let s = v as? String else {
                        throw SafeTensorsError.badHeader(
                            file: path, reason: "__metadata__['\(k)'] is not a string")
                    }
                    metadata[k] = s
                }
                continue
            }
            entries[name] = try parseEntry(value, name: name, path: path, dataSize: dataSize)
        }
        // The entries must tile the data section in offset order. A consistent header whose data runs past
        // the end of the file means the file was cut short; otherwise offsets past the end are corrupt.
        let sorted = entries.sorted {
            ($0.value.begin, $0.value.end, $0.key) < ($1.value.begin, $1.value.end, $1.key)
        }
        var expected = 0
        var tiles = true
        for (_, e) in sorted {
            if e.begin != expected { tiles = false }
            expected = max(expected, e.end)
        }
        if expected > dataSize {
            if tiles {
                throw SafeTensorsError.truncated(
                    file: path, size: dataSize + dataStart, needed: expected + dataStart)
            }
            if let (name, e) = sorted.first(where: { $0.value.end > dataSize }) {
                throw SafeTensorsError.offsetsOutOfRange(
                    file: path, tensor: name, begin: e.begin, end: e.end, dataSize: dataSize)
            }
        }
        expected = 0
        var previous = ""
        for (name, e) in sorted {
            if e.begin < expected {
                throw SafeTensorsError.offsetsOverlap(file: path, tensor: name, other: previous)
            }
            if e.begin > expected {
                throw SafeTensorsError.offsetsGap(
                    file: path, tensor: name, expectedBegin: expected, found: e.begin)
            }
            expected = e.end
            previous = name
        }
        if expected != dataSize {
            throw SafeTensorsError.offsetsGap(
                file: path, tensor: "(end of data)", expectedBegin: expected, found: dataSize)
        }
        return (metadata, entries)
    }

    private static func parseEntry(_ value: Any, name: String, path: String, dataSize: Int) throws -> Entry {
        func bad(_ reason: String) -> SafeTensorsError { .badEntry(file: path, tensor: name, reason: reason) }
        guard let obj = value as? [String: Any] else { throw bad("not a JSON object") }
        guard let dtypeName = obj["dtype"] as? String else { throw bad("no string 'dtype'") }
        guard let dtype = SafeTensorsDType(rawValue: dtypeName) else {
            throw SafeTensorsError.unsupportedDType(file: path, tensor: name, dtype: dtypeName)
        }
        guard let shapeAny = obj["shape"] as? [Any] else { throw bad("no array 'shape'") }
        let shape = try shapeAny.map { d -> Int in
            guard let n = exactInt(d), n >= 0 else {
                throw bad("shape \(shapeAny) has a non-integer or negative")
            }
            return n
        }
        guard let offsets = obj["data_offsets"] as? [Any], offsets.count == 2,
            let begin = exactInt(offsets[0]), let end = exactInt(offsets[1])
        else { throw bad("'data_offsets' is not a pair of integers") }
        guard begin >= 0, begin <= end else {
            throw SafeTensorsError.offsetsOutOfRange(
                file: path, tensor: name, begin: begin, end: end, dataSize: dataSize)
        }
        var count = 1
        for d in shape {
            let (p, overflow) = count.multipliedReportingOverflow(by: d)
            guard !overflow else { throw bad("shape \(shape) is too large") }
            count = p
        }
        let (bytes, overflow) = count.multipliedReportingOverflow(by: dtype.byteSize)
        guard !overflow, bytes == end - begin else {
            throw SafeTensorsError.sizeMismatch(
                file: path, tensor: name, shape: shape, dtype: dtypeName,
                expectedBytes: overflow ? Int.max : bytes,
                foundBytes: end - begin)
        }
        return Entry(dtype: dtype, shape: shape, begin: begin, end: end)
    }

    /// An integer JSON number (an NSNumber from JSONSerialization), rejecting fractions and huge values.
    private static func exactInt(_ v: Any) -> Int? {
        guard let n = v as? NSNumber else { return nil }
        let d = n.doubleValue
        guard d == d.rounded(), abs(d) < 9e15 else { return nil }
        return Int(n.int64Value)
    }

    // MARK: - Reading tensors

    /// The header entry for `name`, or `missingTensor`.
    public func entry(_ name: String) throws -> Entry {
        guard let e = entries[name] else {
            throw SafeTensorsError.missingTensor(file: path, tensor: name, available: names)
        }
        return e
    }

    /// The tensor `name` converted to Float32 (a new leaf tensor without grad).
    public func tensor(_ name: String) throws -> Tensor {
        let e = try entry(name)
        let t = Tensor.zeros(e.shape)
        copy(e, into: t.storage.pointer)
        return t
    }

    /// Converts entry `e`'s data into `dst` (`Shape.count(e.shape)` floats).
    func copy(_ e: Entry, into dst: UnsafeMutablePointer<Float>) {
        guard let mapping, e.end > e.begin else { return }
        e.dtype.convert(
            UnsafeRawPointer(mapping + dataStart + e.begin), count: Shape.count(e.shape), into: dst)
    }

    /// The exact integer values of an I64 (or other integer) tensor, without the Float32 rounding.
    public func int64s(_ name: String) throws -> [Int64] {
        let e = try entry(name)
        guard let mapping else { return [] }
        let src = UnsafeRawPointer(mapping + dataStart + e.begin)
        let n = Shape.count(e.shape)
        switch e.dtype {
        case .I64: return (0..<n).map { src.loadUnaligned(fromByteOffset: 8 * $0, as: Int64.self) }
        case .I32: return (0..<n).map { Int64(src.loadUnaligned(fromByteOffset: 4 * $0, as: Int32.self)) }
        case .I16: return (0..<n).map { Int64(src.loadUnaligned(fromByteOffset: 2 * $0, as: Int16.self)) }
        case .I8: return (0..<n).map { Int64(src.load(fromByteOffset: $0, as: Int8.self)) }
        case .U8, .BOOL: return (0..<n).map { Int64(src.load(fromByteOffset: $0, as: UInt8.self)) }
        case .F64, .F32, .F16, .BF16:
            throw SafeTensorsError.unsupportedDType(
                file: path, tensor: name, dtype: e.dtype.rawValue + " as integers")
        }
    }
}
