// Preemption: a per-thread hook that long graph work (a training step) calls at op boundaries, so the training
// thread can park there while a waiting interactive job runs on the compute thread.
import Foundation

/// Cooperative preemption points inside tensor work.
///
/// A thread installs a hook with ``withHook(every:_:_:)``; while `body` runs, every op the thread records
/// (`Tensor.result`) and every node of a backward sweep calls ``poll()``, which runs the hook when at least
/// `interval` seconds have passed since it last ran. The studio's training thread installs a hook that parks
/// it while an interactive job runs on the compute thread (JobQueue), so a CFG key press during training is
/// served within one op (a few ms) rather than after the rest of a 300 ms step, and the interactive job never
/// runs on the training thread's stack. The hook runs between ops, with grad recording off; it must not touch
/// the tensors of the interrupted step. Other threads never see the hook.
public enum Preemption {
    final class Hook {
        let body: () -> Void
        let interval: UInt64
        var last: UInt64
        var running = false
        init(body: @escaping () -> Void, interval: UInt64) {
            self.body = body
            self.interval = interval
            self.last = Preemption.now()
        }
    }

    private static let key: pthread_key_t = {
        var k = pthread_key_t()
        pthread_key_create(&k, nil)
        return k
    }()

    @inline(__always) static func now() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
    }

    /// Runs `body` with `hook` called at op boundaries on this thread, at most every `interval` seconds.
    /// Hooks nest: the inner one replaces the outer one until `body` returns.
    public static func withHook<T>(
        every interval: Double, _ hook: @escaping () -> Void, _ body: () throws -> T
    ) rethrows -> T {
        let previous = pthread_getspecific(key)
        let h = Hook(body: hook, interval: UInt64(max(interval, 0) * 1e9))
        let box = Unmanaged.passRetained(h)
        pthread_setspecific(key, box.toOpaque())
        defer {
            pthread_setspecific(key, previous)
            box.release()
        }
        return try body()
    }

    /// A preemption point: runs this thread's hook if one is installed, idle, and due.
    @inline(__always) public static func poll() {
        guard let p = pthread_getspecific(key) else { return }
        let h = Unmanaged<Hook>.fromOpaque(p).takeUnretainedValue()
        guard !h.running else { return }
        let t = now()
        guard t &- h.last >= h.interval else { return }
        h.running = true
        withNoGrad { h.body() }
        h.running = false
        h.last = now()
    }
}
