// BenchOps: `arroz-studio bench ops` — sgemm, convolution, norm and attention throughput.
import ArgumentParser
import ArrozTensor
import Foundation

struct BenchOps: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ops", abstract: "GFLOP/s of sgemm, conv2d, groupNorm and attention.")

    @Option(help: "Threads for our loops and split sgemms.") var threads = 2
    @Option(help: "Seconds per timing round (a workload runs 5 clean rounds, at most 30).") var round = 0.3
    @Option(help: "Run only workloads whose name contains this text (conv, 64→64, groupNorm, attention, norms…).")
    var only: String?
    @Flag(help: "Time by this process's CPU seconds ÷ threads instead of the wall clock (for a busy machine).")
    var cpuTime = false
    @Option(help: "Convolution backend: \(ConvBackends.all.map(\.name).joined(separator: ", ")).")
    var convBackend = ConvBackends.current.name
    @Option(help: "Compute precision of convolutions, matmuls and attention products: fp32 or bf16.")
    var precision = "fp32"
    @Option(help: "Batch of the 3×3 convolution rows (2 = one sampling CFG step).") var convBatch = 8

    func validate() throws {
        guard Precision(rawValue: precision) != nil else {
            throw ValidationError("unknown precision '\(precision)'; choose fp32 or bf16")
        }
        guard ConvBackends.all.contains(where: { $0.name == convBackend }) else {
            throw ValidationError(
                "unknown conv backend '\(convBackend)'; choose one of: "
                    + ConvBackends.all.map(\.name).joined(separator: ", "))
        }
    }

    /// Per-call timing of `body` with this command's settings.
    func time(_ body: () -> Void) -> Timing {
        measure(round: round, cpuTime: cpuTime, threads: threads, body)
    }

    /// Whether the workload `name` was asked for.
    func wants(_ name: String) -> Bool { only.map { name.contains($0) } ?? true }

    func run() {
        Threads.set(threads)
        ConvBackends.current = ConvBackends.all.first { $0.name == convBackend }!
        Precision.default = Precision(rawValue: precision)!
        var rng = ArrozRandom(seed: 0)
        let conv = Precision.effective == .bf16 ? ConvBackends.onednnBF16.name : convBackend
        print("arroz-studio bench ops · \(threads) threads · conv backend \(conv) · \(Precision.effective)"
              + (Precision.default != Precision.effective ? " (bf16 unavailable: \(OneDNN.status))" : "")
              + (cpuTime ? " · CPU-time clock" : ""))
        print("workload                              median    best            ms/call   rounds")
        print(String(repeating: "─", count: 88))
        if wants("fma peak") {
            // The ceiling every GFLOP/s row below is read against, measured in this sitting.
            let (peak, width) = measureFMAPeak(threads: threads, cpuTime: cpuTime)
            print("fma peak (\(width)-bit fp32 FMA, \(threads) thr)".padding(toLength: 36, withPad: " ", startingAt: 0)
                  + " \(String(format: "%7.1f", peak)) GFLOP/s")
        }
        if wants("sgemm 1024³") {
            let n = 1024
            let a = Tensor.randn([n, n], rng: &rng), b = Tensor.randn([n, n], rng: &rng)
            let t = time { _ = withNoGrad { matmul(a, b) } }
            row("sgemm 1024³", timing: t, work: 2 * Double(n * n * n))
        }
        for (batch, channels, size) in [(convBatch, 64, 32), (convBatch, 128, 16), (convBatch, 256, 8)]
        where wants("conv3x3 b\(batch) \(channels)→\(channels) \(size)x\(size)") {
            benchConv3x3(batch: batch, channels: channels, size: size, rng: &rng)
        }
        benchOtherConvs(rng: &rng)
        if wants("groupNorm") { benchGroupNorm(rng: &rng) }
        if wants("attention") { benchAttention(rng: &rng) }
        if wants("norms") { benchNormsAndAttentionBackward(rng: &rng) }
    }

    /// groupNorm over b8 × 256 × 32×32 in 32 groups, forward: bytes read + written per second.
    func benchGroupNorm(rng: inout ArrozRandom) {
        let x = Tensor.randn([8, 256, 32, 32], rng: &rng)
        let w = Tensor.ones([256]), b = Tensor.zeros([256])
        let t = time { _ = withNoGrad { groupNorm(x, groups: 32, weight: w, bias: b) } }
        let bytes = 2 * Double(x.count * 4)  // read x, write y (statistics pass reads stay in cache per group)
        print(rowText("groupNorm b8 256×32×32 g32 fwd", value: bytes / t.median / 1e9, best: bytes / t.best / 1e9,
                      unit: "GB/s   ", timing: t))
    }

    /// nn.MultiheadAttention forward, batch 8 × 256 tokens × 128 wide, 4 heads (in/out projections included).
    func benchAttention(rng: inout ArrozRandom) {
        let (B, L, E, heads) = (8, 256, 128, 4)
        let q = Tensor.randn([B, L, E], rng: &rng)
        let inW = Tensor.randn([3 * E, E], std: 0.05, rng: &rng), inB = Tensor.zeros([3 * E])
        let outW = Tensor.randn([E, E], std: 0.05, rng: &rng), outB = Tensor.zeros([E])
        // Projections 2·L·E·3E + 2·L·E·E, scores and weighted sum 2 · 2·L·L·E, per image.
        let flops = Double(B) * (2 * Double(L * E * 4 * E) + 4 * Double(L * L * E))
        let t = time {
            _ = withNoGrad {
                multiHeadAttention(query: q, key: q, value: q, inProjWeight: inW, inProjBias: inB,
                                   outProjWeight: outW, outProjBias: outB, heads: heads)
            }
        }
        row("attention b8 L256 E128 h4 fwd", timing: t, work: flops)
    }
}

func row(_ name: String, timing: Timing, work: Double) {
    print(rowText(name, value: work / timing.median / 1e9, best: work / timing.best / 1e9, unit: "GFLOP/s",
                  timing: timing))
}

/// One table row: name, median and best rate, ms per call at the median, clean/total rounds.
func rowText(_ name: String, value: Double, best: Double, unit: String, timing: Timing) -> String {
    // Whole names, never cut: scripts/bench-ops-vs-torch.sh pairs them with ops_ratio.py's rows.
    let pad = name.padding(toLength: max(36, name.count), withPad: " ", startingAt: 0)
    return "\(pad) \(String(format: "%7.1f", value)) \(String(format: "%7.1f", best)) \(unit)"
        + "  \(String(format: "%8.2f", timing.median * 1e3)) ms  \(timing.clean)/\(timing.rounds) clean"
}
