// BenchOps: `arroz-studio bench ops` — sgemm, convolution, norm and attention throughput.
import ArgumentParser
import ArrozTensor
import Foundation

struct BenchOps: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ops", abstract: "GFLOP/s of sgemm, conv2d, groupNorm and attention.")

    @Option(help: "Threads for OpenBLAS and our loops.") var threads = 2
    @Option(help: "Seconds to spend per workload.") var seconds = 1.0

    func run() {
        Threads.set(threads)
        var rng = ArrozRandom(seed: 0)
        print("arroz-studio bench ops · \(threads) threads")
        print(String(repeating: "─", count: 60))
        let n = 1024
        let a = Tensor.randn([n, n], rng: &rng), b = Tensor.randn([n, n], rng: &rng)
        let t = timeIt(seconds) { _ = withNoGrad { matmul(a, b) } }
        row("sgemm 1024³", gflops: 2 * Double(n * n * n) / t / 1e9, ms: t * 1e3)
        benchNormAndAttention(seconds: seconds, rng: &rng)
    }
}

/// Median seconds per call of `body` over about `budget` seconds (after one warm-up call).
func timeIt(_ budget: Double, _ body: () -> Void) -> Double {
    body()
    var times: [Double] = []
    let start = Date()
    while Date().timeIntervalSince(start) < budget || times.count < 3 {
        let t0 = Date()
        body()
        times.append(Date().timeIntervalSince(t0))
    }
    return times.sorted()[times.count / 2]
}

func row(_ name: String, gflops: Double, ms: Double) {
    let pad = name.padding(toLength: 34, withPad: " ", startingAt: 0)
    print("\(pad) \(String(format: "%8.1f", gflops)) GFLOP/s  \(String(format: "%8.2f", ms)) ms")
}
