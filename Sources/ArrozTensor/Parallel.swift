// Parallel: one `parallelFor` for our own loops and the thread count; OpenBLAS itself stays single-threaded.
import CBLAS
import Foundation

/// Every thread of ours comes from `parallelFor` (Dispatch's workers plus the caller). OpenBLAS is kept at one
/// thread: a multi-threaded sgemm leaves OpenBLAS's own worker spin-waiting (`sched_yield`) for ~0.1 s after
/// it returns, and on 2 cores that worker fought our loops for a core — `perf` on a batch-2 DDPM step showed
/// it at 30 % of the samples, 77 % of them spinning. Large sgemms are split across our threads instead
/// (`sgemm` in Gemm.swift).
public enum Threads {
    nonisolated(unsafe) private static var _count = ProcessInfo.processInfo.activeProcessorCount

    /// Threads used by `parallelFor` and by split sgemms.
    public static var count: Int { _count }

    /// Sets the thread count for our loops (and split sgemms).
    public static func set(_ n: Int) {
        _count = max(1, n)
        _ = serialBLAS
    }

    /// Sets OpenBLAS to one thread, once per process (before the first sgemm).
    @usableFromInline static let serialBLAS: Void = openblas_set_num_threads(1)
}

/// Whether the current thread is inside a `parallelFor` body: work there stays on that thread (a nested
/// split would only queue behind the outer one).
@usableFromInline enum ParallelRegion {
    @usableFromInline static let key: pthread_key_t = {
        var k = pthread_key_t()
        pthread_key_create(&k, nil)
        return k
    }()

    @usableFromInline static var inside: Bool { pthread_getspecific(key) != nil }

    /// Runs `body` with the current thread marked as inside a parallel region.
    @usableFromInline @inline(__always)
    static func run(_ body: () -> Void) {
        let was = pthread_getspecific(key)
        pthread_setspecific(key, UnsafeRawPointer(bitPattern: 1))
        body()
        pthread_setspecific(key, was)
    }
}

/// Runs `body(range)` over `0..<n` split into at most `Threads.count` contiguous chunks, in parallel.
///
/// `grain` is the smallest chunk worth a thread; small loops run inline on the caller's thread.
@inlinable
public func parallelFor(_ n: Int, grain: Int = 1, _ body: (Range<Int>) -> Void) {
    guard n > 0 else { return }
    let chunks = ParallelRegion.inside ? 1 : min(Threads.count, max(1, n / max(grain, 1)))
    if chunks <= 1 {
        body(0..<n)
        return
    }
    withoutActuallyEscaping(body) { body in
        DispatchQueue.concurrentPerform(iterations: chunks) { c in
            let lo = n * c / chunks
            let hi = n * (c + 1) / chunks
            if lo < hi { ParallelRegion.run { body(lo..<hi) } }
        }
    }
}
