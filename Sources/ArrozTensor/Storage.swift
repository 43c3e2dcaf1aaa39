// Storage: an owned, 64-byte-aligned Float32 buffer, the memory behind every Tensor.

/// A heap buffer of `count` floats, aligned to 64 bytes (one AVX-512 register, one cache line).
///
/// Reference semantics: tensors own their storage and never share it, except that an op may write its
/// output straight into a fresh `Storage`. Movement ops copy (ARCHITECTURE §4).
public final class Storage: @unchecked Sendable {
    public let count: Int
    public let pointer: UnsafeMutablePointer<Float>

    /// Uninitialised storage; every caller writes all `count` elements.
    public init(uninitializedCount count: Int) {
        precondition(count >= 0, "Storage: negative count \(count)")
        self.count = count
        let raw = UnsafeMutableRawPointer.allocate(
            byteCount: max(count, 1) * MemoryLayout<Float>.stride, alignment: 64)
        pointer = raw.bindMemory(to: Float.self, capacity: max(count, 1))
    }

    /// Storage filled with `value`.
    public convenience init(count: Int, repeating value: Float = 0) {
        self.init(uninitializedCount: count)
        pointer.initialize(repeating: value, count: count)
    }

    /// Storage holding a copy of `values`.
    public convenience init(_ values: [Float]) {
        self.init(uninitializedCount: values.count)
        values.withUnsafeBufferPointer { src in
            if let base = src.baseAddress { pointer.initialize(from: base, count: values.count) }
        }
    }

    deinit { UnsafeMutableRawPointer(pointer).deallocate() }

    public var buffer: UnsafeMutableBufferPointer<Float> {
        UnsafeMutableBufferPointer(start: pointer, count: count)
    }

    public func copy() -> Storage {
        let s = Storage(uninitializedCount: count)
        s.pointer.initialize(from: pointer, count: count)
        return s
    }
}
