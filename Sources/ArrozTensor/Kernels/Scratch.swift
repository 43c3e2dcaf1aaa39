// Scratch: reusable, 64-byte-aligned work buffers for kernels (im2col columns, packed gradients).
import Foundation

/// A small pool of float buffers that kernels borrow for the length of one call and give back.
///
/// Reusing buffers avoids page-faulting fresh memory on every convolution (tens of MB per training step).
/// Thread-safe: tests and the studio may run ops on several threads. Contents are uninitialised.
public enum Scratch {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var free: [(pointer: UnsafeMutablePointer<Float>, capacity: Int)] = []
    /// Buffers kept for reuse at most; beyond that, returned buffers are freed.
    private static let keep = 8

    /// Lends a buffer of at least `count` floats to `body`, then takes it back.
    public static func with<R>(_ count: Int, _ body: (UnsafeMutablePointer<Float>) throws -> R) rethrows -> R
    {
        let buf = take(max(count, 1))
        defer { give(buf) }
        return try body(buf.pointer)
    }

    /// Lends two buffers at once.
    public static func with<R>(
        _ a: Int, _ b: Int, _ body: (UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>) throws -> R
    ) rethrows -> R {
        try with(a) { pa in try with(b) { pb in try body(pa, pb) } }
    }

    private static func take(_ count: Int) -> (pointer: UnsafeMutablePointer<Float>, capacity: Int) {
        lock.lock()
        defer { lock.unlock() }
        // Smallest free buffer that fits.
        var best = -1
        for (i, b) in free.enumerated() where b.capacity >= count {
            if best < 0 || b.capacity < free[best].capacity { best = i }
        }
        if best >= 0 { return free.remove(at: best) }
        let raw = UnsafeMutableRawPointer.allocate(
            byteCount: count * MemoryLayout<Float>.stride, alignment: 64)
        return (raw.bindMemory(to: Float.self, capacity: count), count)
    }

    private static func give(_ buf: (pointer: UnsafeMutablePointer<Float>, capacity: Int)) {
        lock.lock()
        defer { lock.unlock() }
        free.append(buf)
        if free.count > keep {
            // Drop the smallest: large buffers are the expensive ones to re-fault.
            let i = free.indices.min { free[$0].capacity < free[$1].capacity }!
            UnsafeMutableRawPointer(free.remove(at: i).pointer).deallocate()
        }
    }
}
