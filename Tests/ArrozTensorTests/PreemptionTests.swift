// PreemptionTests: the per-thread hook runs at op boundaries inside forward and backward, never re-enters,
// never fires on other threads, and leaves the interrupted graph's gradients unchanged.
import ArrozTensor
import Foundation
import Testing

@Suite struct PreemptionTests {
    func smallGraph(_ w: Tensor) -> Tensor {
        let x = Tensor((0..<12).map { Float($0) / 12 }, shape: [3, 4])
        return ((x * w).tanh() + w.square()).sum()
    }

    @Test func hookRunsInsideForwardAndBackwardWithoutChangingGradients() {
        let w = Tensor((0..<12).map { Float($0) * 0.1 - 0.5 }, shape: [3, 4], requiresGrad: true)
        smallGraph(w).backward()
        let plain = w.grad!.data.map { $0 }
        w.zeroGrad()
        var calls = 0, nested = 0
        var sawGradMode = true
        Preemption.withHook(every: 0, {
            calls += 1
            sawGradMode = GradMode.isEnabled
            // The hook's own ops (a sampling step, say) must not call the hook again.
            let before = calls
            _ = (Tensor.ones([4]) * 3).exp().sum()
            if calls != before { nested += 1 }
        }) {
            smallGraph(w).backward()
        }
        #expect(calls >= 6, "the hook should run at every op boundary with interval 0, ran \(calls)×")
        #expect(nested == 0)
        #expect(!sawGradMode, "the hook runs with grad recording off")
        #expect(w.grad!.data.map { $0 } == plain, "preemption changed the gradients")
    }

    @Test func hookRespectsItsIntervalAndStaysOnItsThread() {
        var calls = 0
        Preemption.withHook(every: 3600, { calls += 1 }) {
            for _ in 0..<50 { _ = Tensor.ones([8]) + Tensor.ones([8]) }
        }
        #expect(calls == 0, "an hourly hook fired \(calls)× within a few ops")
        var otherThreadCalls = 0
        Preemption.withHook(every: 0, { otherThreadCalls += 1 }) {
            let done = DispatchSemaphore(value: 0)
            Thread {
                for _ in 0..<20 { _ = Tensor.ones([8]) + Tensor.ones([8]) }
                done.signal()
            }.start()
            done.wait()
        }
        #expect(otherThreadCalls == 0, "a hook installed on one thread fired on another")
        // Outside withHook nothing is installed any more.
        _ = Tensor.ones([2]) + Tensor.ones([2])
    }
}
