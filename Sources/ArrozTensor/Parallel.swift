// Parallel: one `parallelFor` for our own loops, and the thread count shared with OpenBLAS.
import CBLAS
import Foundation

public enum Threads {
    nonisolated(unsafe) private static var _count = ProcessInfo.processInfo.activeProcessorCount

    /// Threads used by `parallelFor` and OpenBLAS.
    public static var count: Int { _count }

    /// Sets the thread count for our loops and for OpenBLAS.
    public static func set(_ n: Int) {
        _count = max(1, n)
        openblas_set_num_threads(Int32(_count))
    }
}

/// Runs `body(range)` over `0..<n` split into at most `Threads.count` contiguous chunks, in parallel.
///
/// `grain` is the smallest chunk worth a thread; small loops run inline on the caller's thread.
@inlinable
public func parallelFor(_ n: Int, grain: Int = 1, _ body: (Range<Int>) -> Void) {
    guard n > 0 else { return }
    let chunks = min(Threads.count, max(1, n / max(grain, 1)))
    if chunks <= 1 {
        body(0..<n)
        return
    }
    withoutActuallyEscaping(body) { body in
        DispatchQueue.concurrentPerform(iterations: chunks) { c in
            let lo = n * c / chunks
            let hi = n * (c + 1) / chunks
            if lo < hi { body(lo..<hi) }
        }
    }
}
