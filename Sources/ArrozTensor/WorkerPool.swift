// WorkerPool: the threads behind `parallelFor` — they spin for a moment between parallel regions (OpenMP's
// "active wait", which PyTorch's CPU ops rely on) and sleep on a condition variable after that.
import Foundation
import Synchronization

/// A fixed team: the calling thread runs part 0 of a region and worker `k` runs part `k`.
///
/// Why not Dispatch: a denoising step is hundreds of short regions (a norm, an add, one split sgemm), and a
/// Dispatch worker parks between them. On this 2-vCPU VM, waking a parked thread on the other vCPU cost
/// enough that a batch-2 DDPM step ran at 26 ms or at 36 ms depending on the minute, while one thread was
/// steady at 44 ms. Workers here poll a generation counter for `spin` before they sleep, so back-to-back
/// regions start with one atomic store.
///
/// One region at a time: a second thread asking while a region runs gets `false` and uses Dispatch instead.
final class WorkerPool: @unchecked Sendable {
    static let shared = WorkerPool()

    /// Largest team (the caller and 63 workers); parts are packed beside the generation in `state`.
    static let maxParts = 64
    /// How long an idle worker polls before it sleeps.
    let spin: Duration = .microseconds(300)

    /// generation · maxParts + parts of the current region, published with release ordering.
    private let state = Atomic<Int>(0)
    /// Workers that finished their part of the current region.
    private let finished = Atomic<Int>(0)
    /// Whether a region is running (one caller at a time).
    private let busy = Atomic<Bool>(false)
    /// The current region's body: written before `state` is published, read after it is observed.
    nonisolated(unsafe) private var body: ((Int) -> Void)?
    private let lock = NSCondition()
    /// Workers asleep in `lock` (guarded by it).
    nonisolated(unsafe) private var sleepers = 0
    /// Workers started so far (only the thread holding `busy` starts more).
    nonisolated(unsafe) private var started = 0

    /// Runs `part(k)` for `k` in `0..<parts`, part 0 on the calling thread, and returns when all are done;
    /// `false` (having run nothing) when another thread's region is running.
    func run(parts: Int, _ part: (Int) -> Void) -> Bool {
        precondition(parts >= 1 && parts <= Self.maxParts, "WorkerPool.run: \(parts) parts, 1...\(Self.maxParts)")
        guard busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else {
            return false
        }
        defer { busy.store(false, ordering: .releasing) }
        while started < parts - 1 {
            startWorker(index: started + 1, seen: state.load(ordering: .relaxed) / Self.maxParts)
        }
        withoutActuallyEscaping(part) { part in
            body = part
            finished.store(0, ordering: .relaxed)
            let generation = state.load(ordering: .relaxed) / Self.maxParts + 1
            state.store(generation * Self.maxParts + parts, ordering: .releasing)
            lock.lock()
            if sleepers > 0 { lock.broadcast() }
            lock.unlock()
            ParallelRegion.run { part(0) }
            var polls = 0
            while finished.load(ordering: .acquiring) < parts - 1 {
                polls += 1
                if polls > 4096 { sched_yield() }
            }
            body = nil
        }
        return true
    }

    /// Starts worker `index`, which waits for the generation after `seen`.
    private func startWorker(index: Int, seen: Int) {
        started += 1
        let thread = Thread { [self] in work(index: index, seen: seen) }
        thread.name = "arroz-worker-\(index)"
        thread.start()
    }

    /// Worker `index`'s loop: wait for a new generation (polling, then sleeping), run its part if the region
    /// has one for it, report.
    private func work(index: Int, seen first: Int) {
        var seen = first
        let clock = ContinuousClock()
        while true {
            var now = state.load(ordering: .acquiring)
            if now / Self.maxParts == seen {
                let deadline = clock.now.advanced(by: spin)
                var polls = 0
                while now / Self.maxParts == seen {
                    polls += 1
                    if polls & 63 == 0 && clock.now > deadline { break }
                    now = state.load(ordering: .acquiring)
                }
                if now / Self.maxParts == seen {
                    lock.lock()
                    sleepers += 1
                    while state.load(ordering: .acquiring) / Self.maxParts == seen { lock.wait() }
                    sleepers -= 1
                    lock.unlock()
                    now = state.load(ordering: .acquiring)
                }
            }
            seen = now / Self.maxParts
            // A region this worker has no part in does not wait for it, and cannot be replaced while one it
            // has a part in is running, so `body` belongs to the generation just read.
            if index < now % Self.maxParts {
                ParallelRegion.run { body!(index) }
                finished.add(1, ordering: .releasing)
            }
        }
    }
}
