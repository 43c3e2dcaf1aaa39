// BenchNorm: the norm and attention rows of `arroz-studio bench ops` (forward, and forward + backward).
import ArrozTensor
import Foundation

/// Times groupNorm, layerNorm2d, layerNorm, batchNorm2d, GRN (bandwidth: bytes of x read + y written per
/// forward) and scaled dot-product attention (GFLOP/s of its two matrix products) at diffusion-model sizes.
func benchNormAndAttention(seconds: Double, rng: inout ArrozRandom) {
    let x = Tensor.randn([8, 128, 32, 32], rng: &rng)
    let w = Tensor.randn([128], rng: &rng), b = Tensor.randn([128], rng: &rng)
    let rm = Tensor.zeros([128]), rv = Tensor.ones([128])
    let xl = Tensor.randn([8 * 256, 640], rng: &rng), wl = Tensor.randn([640], rng: &rng)
    let norms: [(String, Tensor, [Tensor], ([Tensor]) -> Tensor)] = [
        ("groupNorm 32g [8,128,32,32]", x, [w, b], { groupNorm($0[0], groups: 32, weight: $0[1], bias: $0[2]) }),
        ("layerNorm2d [8,128,32,32]", x, [w, b], { layerNorm2d($0[0], weight: $0[1], bias: $0[2]) }),
        ("layerNorm [2048,640]", xl, [wl], { layerNorm($0[0], weight: $0[1]) }),
        ("batchNorm2d [8,128,32,32]", x, [w, b], {
            batchNorm2d($0[0], runningMean: rm, runningVar: rv, weight: $0[1], bias: $0[2], training: true)
        }),
        ("grn [8,128,32,32]", x, [w, b], { grn($0[0], gamma: $0[1], beta: $0[2]) }),
    ]
    for (name, input, params, f) in norms {
        let gigabytes = Double(input.count * 8) / 1e9
        let tf = timeIt(seconds) { _ = withNoGrad { f([input] + params) } }
        bandwidthRow(name + " fwd", gbps: gigabytes / tf, ms: tf * 1e3)
        let leaf = input.detached()
        leaf.requiresGrad = true
        for p in params { p.requiresGrad = true }
        let tb = timeIt(seconds) {
            f([leaf] + params).sum().backward()
            leaf.zeroGrad()
            for p in params { p.zeroGrad() }
        }
        bandwidthRow(name + " fwd+bwd", gbps: 3 * gigabytes / tb, ms: tb * 1e3)
    }
    // Attention: B=8, H=8, L=S=256, d=64 (a 16² feature map with 8 heads of 64).
    let (B, H, L, d) = (8, 8, 256, 64)
    let q = Tensor.randn([B, H, L, d], rng: &rng), k = Tensor.randn([B, H, L, d], rng: &rng)
    let v = Tensor.randn([B, H, L, d], rng: &rng)
    let flops = 4 * Double(B * H * L * L * d)
    let tf = timeIt(seconds) { _ = withNoGrad { scaledDotProductAttention(q, k, v) } }
    row("attention [8,8,256,64] fwd", gflops: flops / tf / 1e9, ms: tf * 1e3)
    for t in [q, k, v] { t.requiresGrad = true }
    let tb = timeIt(seconds) {
        scaledDotProductAttention(q, k, v).sum().backward()
        for t in [q, k, v] { t.zeroGrad() }
    }
    row("attention [8,8,256,64] fwd+bwd", gflops: 3 * flops / tb / 1e9, ms: tb * 1e3)
}

func bandwidthRow(_ name: String, gbps: Double, ms: Double) {
    let pad = name.padding(toLength: 34, withPad: " ", startingAt: 0)
    print("\(pad) \(String(format: "%8.1f", gbps)) GB/s     \(String(format: "%8.2f", ms)) ms")
}
