// BenchPointwise: `arroz-studio bench pointwise` — throughput of the elementwise, softmax, loss and movement ops.
import ArgumentParser
import ArrozTensor
import Foundation

struct BenchPointwise: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pointwise",
        abstract: "Melem/s of activations, softmax, cross-entropy and movement ops (forward and backward).")

    @Option(help: "Threads for our loops and split sgemms.") var threads = 2
    @Option(help: "Seconds per timing round (a workload runs 5 clean rounds, at most 30).") var round = 0.3
    @Flag(
        help: "Time by this process's CPU seconds ÷ threads instead of the wall clock (for a busy machine).")
    var cpuTime = false

    func run() {
        Threads.set(threads)
        var rng = ArrozRandom(seed: 0)
        print(
            "arroz-studio bench pointwise · \(threads) threads · Melem/s of the input"
                + (cpuTime ? " · CPU-time clock" : ""))
        print("workload                              median    best             ms/call   rounds")
        print(String(repeating: "─", count: 88))
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
        for (name, f) in ops { bench(name, x, f) }
        for k in [8, 64, 1024] {
            let rowsK = Tensor.randn([(1 << 20) / k, k], rng: &rng)
            bench("softmax rows of \(k)", rowsK) { $0.softmax(axis: -1) }
        }
        let t = Tensor.randint([16, 32, 32], low: 0, high: 64, rng: &rng)
        bench("CE [16,64,32,32] smooth .1", x) { crossEntropy($0, t, labelSmoothing: 0.1) }
        let rows = Tensor.randn([16 * 32 * 32, 64], rng: &rng)
        let t2 = Tensor.randint([16 * 32 * 32], low: 0, high: 64, rng: &rng)
        bench("CE [16384,64] smooth .1", rows) { crossEntropy($0, t2, labelSmoothing: 0.1) }
    }

    /// Times `f` forward only (no graph), then forward plus backward of a ones gradient.
    private func bench(_ name: String, _ x: Tensor, _ f: (Tensor) -> Tensor) {
        let n = Double(x.count) / 1e6
        let forward = measure(round: round, cpuTime: cpuTime, threads: threads) {
            _ = withNoGrad { f(x) }
        }
        print(
            rowText(
                name + " fwd", value: n / forward.median, best: n / forward.best, unit: "Melem/s",
                timing: forward))
        let leaf = x.detached()
        leaf.requiresGrad = true
        let both = measure(round: round, cpuTime: cpuTime, threads: threads) {
            let y = f(leaf)
            y.backward(gradient: Tensor(shape: y.shape, repeating: 1))
            leaf.zeroGrad()
        }
        print(
            rowText(
                name + " fwd+bwd", value: n / both.median, best: n / both.best, unit: "Melem/s",
                timing: both))
    }
}
