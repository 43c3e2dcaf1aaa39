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
        Self.keepFreedMemory
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

    /// Set once, before the first tensor: glibc malloc keeps freed blocks up to 32 MB in the heap instead of
    /// unmapping them (and a freed heap top instead of trimming it), so the next op's output of the same size
    /// reuses memory that is already mapped. Otherwise every large activation and gradient of a training step
    /// page-faults fresh, kernel-zeroed pages (a few % of a pix32-add step).
    private static let keepFreedMemory: Void = {
        #if os(Linux)
        _ = glibcMallopt(-3, 32 << 20)  // M_MMAP_THRESHOLD (<malloc.h>; the Glibc module does not export it)
        _ = glibcMallopt(-1, 256 << 20)  // M_TRIM_THRESHOLD
        #endif
    }()

    public var buffer: UnsafeMutableBufferPointer<Float> {
        UnsafeMutableBufferPointer(start: pointer, count: count)
    }

    public func copy() -> Storage {
        let s = Storage(uninitializedCount: count)
        s.pointer.initialize(from: pointer, count: count)
        return s
    }
}

#if os(Linux)
/// glibc's `int mallopt(int param, int value)`.
@_silgen_name("mallopt") private func glibcMallopt(_ param: Int32, _ value: Int32) -> Int32
#endif
