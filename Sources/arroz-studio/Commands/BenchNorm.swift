// BenchNorm: more rows for `arroz-studio bench ops` — the other norms and attention, forward and backward.
import ArrozTensor
import Foundation

extension BenchOps {
    /// layerNorm2d, layerNorm, batchNorm2d and GRN (GB/s of x read + y written, forward; fwd+bwd counted as
    /// three such passes), then scaled dot-product attention forward + backward (GFLOP/s of its products).
    func benchNormsAndAttentionBackward(rng: inout ArrozRandom) {
        let x = Tensor.randn([8, 128, 32, 32], rng: &rng)
        let w = Tensor.randn([128], rng: &rng), b = Tensor.randn([128], rng: &rng)
        let rm = Tensor.zeros([128]), rv = Tensor.ones([128])
        let xl = Tensor.randn([8 * 256, 640], rng: &rng), wl = Tensor.randn([640], rng: &rng)
        let norms: [(String, Tensor, [Tensor], ([Tensor]) -> Tensor)] = [
            ("layerNorm2d b8 128×32×32", x, [w, b], { layerNorm2d($0[0], weight: $0[1], bias: $0[2]) }),
            ("layerNorm 2048×640", xl, [wl], { layerNorm($0[0], weight: $0[1]) }),
            (
                "batchNorm2d b8 128×32×32", x, [w, b],
                {
                    batchNorm2d(
                        $0[0], runningMean: rm, runningVar: rv, weight: $0[1], bias: $0[2], training: true)
                }
            ),
            ("grn b8 128×32×32", x, [w, b], { grn($0[0], gamma: $0[1], beta: $0[2]) }),
        ]
        for (name, input, params, f) in norms {
            let bytes = Double(input.count * 8)
            let tf = time { _ = withNoGrad { f([input] + params) } }
            print(
                rowText(
                    name + " fwd", value: bytes / tf.median / 1e9, best: bytes / tf.best / 1e9,
                    unit: "GB/s   ", timing: tf))
            let leaf = input.detached()
            leaf.requiresGrad = true
            for p in params { p.requiresGrad = true }
            let ones = Tensor.ones(input.shape)
            let tb = time {
                leaf.grad = nil
                for p in params { p.grad = nil }
                f([leaf] + params).backward(gradient: ones)
            }
            print(
                rowText(
                    name + " fwd+bwd", value: 3 * bytes / tb.median / 1e9, best: 3 * bytes / tb.best / 1e9,
                    unit: "GB/s   ", timing: tb))
        }
        // Attention alone: B=8, H=8, L=S=256, d=64 (a 16×16 map, 8 heads of 64).
        let (B, H, L, d) = (8, 8, 256, 64)
        let q = Tensor.randn([B, H, L, d], rng: &rng), k = Tensor.randn([B, H, L, d], rng: &rng)
        let v = Tensor.randn([B, H, L, d], rng: &rng)
        let flops = 4 * Double(B * H * L * L * d)
        row(
            "sdpa b8 h8 L256 d64 fwd", timing: time { _ = withNoGrad { scaledDotProductAttention(q, k, v) } },
            work: flops)
        for t in [q, k, v] { t.requiresGrad = true }
        let ones = Tensor.ones([B, H, L, d])
        let tb = time {
            for t in [q, k, v] { t.grad = nil }
            scaledDotProductAttention(q, k, v).backward(gradient: ones)
        }
        row("sdpa b8 h8 L256 d64 fwd+bwd", timing: tb, work: 3 * flops)
    }
}
