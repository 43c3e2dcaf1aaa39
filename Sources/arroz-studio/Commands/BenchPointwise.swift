// BenchPointwise: `arroz-studio bench pointwise` — throughput of the elementwise, softmax, loss and movement ops.
import ArgumentParser
import ArrozTensor
import Foundation

struct BenchPointwise: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pointwise",
        abstract: "Melem/s of activations, softmax, cross-entropy and movement ops (forward and backward).")

    @Option(help: "Threads for OpenBLAS and our loops.") var threads = 2
    @Option(help: "Seconds to spend per workload.") var seconds = 0.5

    func run() {
        Threads.set(threads)
        var rng = ArrozRandom(seed: 0)
        print("arroz-studio bench pointwise · \(threads) threads · Melem/s of the input (fwd, fwd+bwd)")
        print(String(repeating: "─", count: 66))
        let x = Tensor.randn([16, 64, 32, 32], rng: &rng)  // 1M elements, a UNet activation
        let ops: [(String, (Tensor) -> Tensor)] = [
            ("exp", { $0.exp() }), ("silu", { $0.silu() }), ("gelu (erf)", { $0.gelu() }),
            ("sigmoid", { $0.sigmoid() }), ("softmax last axis", { $0.softmax(axis: -1) }),
            ("softmax axis 1 (tiled)", { $0.softmax(axis: 1) }),
            ("logSoftmax axis 1 (tiled)", { $0.logSoftmax(axis: 1) }),
            ("concat axis 1", { concat([$0, $0], axis: 1) }),
            ("slice axis 1", { $0.slice(axis: 1, start: 1, step: 2) }),
            ("pad2d reflect 1", { $0.pad2d(left: 1, right: 1, top: 1, bottom: 1, mode: .reflect) }),
            ("pixelShuffle 2", { $0.pixelShuffle(2) }),
            ("max over H, W", { $0.max(axes: [2, 3]) }),
            ("variance over H, W", { $0.variance(axes: [2, 3]) }),
        ]
        for (name, f) in ops { measure(name, x, f) }
        for k in [8, 64, 1024] {
            let rowsK = Tensor.randn([(1 << 20) / k, k], rng: &rng)
            measure("softmax rows of \(k)", rowsK) { $0.softmax(axis: -1) }
        }
        let t = Tensor.randint([16, 32, 32], low: 0, high: 64, rng: &rng)
        measure("crossEntropy [16,64,32,32] ε=0.1", x) { crossEntropy($0, t, labelSmoothing: 0.1) }
        let rows = Tensor.randn([16 * 32 * 32, 64], rng: &rng)
        let t2 = Tensor.randint([16 * 32 * 32], low: 0, high: 64, rng: &rng)
        measure("crossEntropy [16384, 64] ε=0.1", rows) { crossEntropy($0, t2, labelSmoothing: 0.1) }
    }

    private func measure(_ name: String, _ x: Tensor, _ f: (Tensor) -> Tensor) {
        let forward = timeIt(seconds) { _ = withNoGrad { f(x) } }
        let leaf = x.detached()
        leaf.requiresGrad = true
        let both = timeIt(seconds) {
            let y = f(leaf)
            y.backward(gradient: Tensor(shape: y.shape, repeating: 1))
            leaf.zeroGrad()
        }
        let n = Double(x.count) / 1e6
        let pad = name.padding(toLength: 36, withPad: " ", startingAt: 0)
        print("\(pad) \(String(format: "%8.0f", n / forward)) \(String(format: "%8.0f", n / both)) Melem/s")
    }
}
