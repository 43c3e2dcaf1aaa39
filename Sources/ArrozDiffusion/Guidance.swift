// Guidance: classifier-free guidance u + s·(c − u), the cond and uncond rows stacked into one denoiser call.
import ArrozTensor

/// Classifier-free guidance of two predictions.
///
/// out = u + s·(c − u), elementwise (seeds.md §0.3; Ho & Salimans 2022). `cond` and `uncond` same shape.
public func classifierFreeGuidance(cond: Tensor, uncond: Tensor, scale s: Float) -> Tensor {
    precondition(
        cond.shape == uncond.shape, "classifierFreeGuidance: cond\(cond.shape) vs uncond\(uncond.shape)")
    let out = Tensor.zeros(cond.shape)
    let c = cond.data, u = uncond.data, o = out.mutableData
    for i in 0..<c.count { o[i] = u[i] + s * (c[i] - u[i]) }
    return out
}

/// A denoiser bound to its conditioning, its prediction kind and the live controls: what samplers call.
///
/// With conditioning, each evaluation is **one** call of 2N rows — x stacked twice, t twice, cond rows then
/// uncond rows — and the two halves combine as u + s·(c − u) with s read from `controls` at that moment
/// (the Keras seed's doubled batch, seeds.md §4.3). When s is exactly 1 the result is c, so only the N cond
/// rows are evaluated. Without conditioning (`cond == nil`) the denoiser runs once with nil.
public struct GuidedDenoiser {
    public var denoiser: Denoiser
    public var prediction: Prediction
    /// `[N, ...]` conditioning for the N samples, or nil for unconditional sampling.
    public var cond: Tensor?
    /// `[N, ...]` or `[1, ...]` unconditional input; nil means zeros shaped like `cond` (the seeds' default;
    /// Paella v3 passes the empty prompt's embedding instead).
    public var uncond: Tensor?
    public var controls: SamplerControls
    /// Clips the guided x̂₀ to `range` (x̂₀ read in `process`) and re-derives ε̂ from it (DDPM's `clip_denoised`,
    /// diffusers' `clip_sample`): the standard guard for pixel-space models, where an early ε̂ error is
    /// multiplied by b/a ≈ 100–160 at the noisiest steps. nil leaves the output as the network gave it.
    public var clipDenoised: (range: ClosedRange<Float>, process: any GaussianProcess)?

    public init(
        _ denoiser: @escaping Denoiser, prediction: Prediction, cond: Tensor? = nil, uncond: Tensor? = nil,
        controls: SamplerControls = SamplerControls()
    ) {
        self.denoiser = denoiser
        self.prediction = prediction
        self.cond = cond
        self.uncond = uncond
        self.controls = controls
    }

    /// The guided ε or x₀ prediction at (x, t).
    ///
    /// The guided network output at `x` `[N, ...]` and time `t`, plus the scale that was used. The output
    /// must have x's shape (ε or x₀); token models, whose logits differ in shape, use `logits(_:t:)`.
    public func callAsFunction(_ x: Tensor, t: Float) -> (output: Tensor, scale: Float) {
        let (out, scale) = guided(x, t: t)
        precondition(out.shape == x.shape, "GuidedDenoiser: denoiser returned \(out.shape) for x\(x.shape)")
        guard let clip = clipDenoised else { return (out, scale) }
        return (clipped(x, out, t: t, to: clip.range, process: clip.process), scale)
    }

    /// x̂₀ ← clip(x̂₀), then the output in the network's own kind: ε̂ = (x − a·x̂₀)/b, or x̂₀ itself.
    private func clipped(
        _ x: Tensor, _ out: Tensor, t: Float, to r: ClosedRange<Float>, process: any GaussianProcess
    ) -> Tensor {
        let (a, b) = process.coefficients(at: t)
        guard b > 0 else { return out }
        let (x0, _) = process.split(x, prediction: out, kind: prediction, at: t)
        let res = Tensor.zeros(x.shape)
        let xs = x.data, p = x0.data, o = res.mutableData
        for i in 0..<xs.count {
            let c = min(max(p[i], r.lowerBound), r.upperBound)
            o[i] = prediction == .x0 ? c : (xs[i] - a * c) / b
        }
        return res
    }

    /// The guided output for any per-row output shape `[N, ...]` (Paella's `[N, K, H, W]` logits on
    /// `[N, H, W]` tokens): u + s·(c − u) on the logits, as Paella's `logits·cfg + uncond·(1 − cfg)`.
    public func logits(_ x: Tensor, t: Float) -> (output: Tensor, scale: Float) { guided(x, t: t) }

    private func guided(_ x: Tensor, t: Float) -> (output: Tensor, scale: Float) {
        let n = x.shape[0]
        let scale = controls.guidanceScale
        guard let cond else {
            return (checked(denoiser(x, Tensor(shape: [n], repeating: t), nil), rows: n), scale)
        }
        precondition(
            cond.shape[0] == n, "GuidedDenoiser: cond\(cond.shape) has not N = \(n) rows (x\(x.shape))")
        if scale == 1 {
            return (checked(denoiser(x, Tensor(shape: [n], repeating: t), cond), rows: n), scale)
        }
        let u = uncond ?? Tensor.zeros(cond.shape)
        precondition(
            u.shape.dropFirst() == cond.shape.dropFirst() && (u.shape[0] == n || u.shape[0] == 1),
            "GuidedDenoiser: uncond\(u.shape) must be [N or 1, ...] like cond\(cond.shape)")
        let xx = stackRows([x, x])  // [2N, ...]
        let cc = stackRows([cond, u.shape[0] == n ? u : repeatRows(u, n)])  // [2N, ...]
        let out = checked(denoiser(xx, Tensor(shape: [2 * n], repeating: t), cc), rows: 2 * n)  // [2N, ...]
        let half = out.count / 2
        let guided = Tensor.zeros([n] + out.shape.dropFirst())
        let o = out.data, g = guided.mutableData
        for i in 0..<half { g[i] = o[half + i] + scale * (o[i] - o[half + i]) }  // u + s·(c − u)
        return (guided, scale)
    }

    private func checked(_ out: Tensor, rows: Int) -> Tensor {
        precondition(
            out.rank >= 1 && out.shape[0] == rows,
            "GuidedDenoiser: denoiser returned \(out.shape), want \(rows) rows")
        return out
    }
}

/// Concatenates tensors of equal trailing shape along axis 0 (a plain copy; no gradient).
func stackRows(_ parts: [Tensor]) -> Tensor {
    let tail = Array(parts[0].shape.dropFirst())
    precondition(
        parts.allSatisfy { Array($0.shape.dropFirst()) == tail },
        "stackRows: trailing shapes differ: \(parts.map(\.shape))")
    let out = Tensor.zeros([parts.reduce(0) { $0 + $1.shape[0] }] + tail)
    var offset = 0
    for p in parts {
        let src = p.data
        for i in 0..<src.count { out.mutableData[offset + i] = src[i] }
        offset += src.count
    }
    return out
}

/// Row 0 of `[1, ...]` repeated n times: `[n, ...]`.
func repeatRows(_ row: Tensor, _ n: Int) -> Tensor { stackRows(Array(repeating: row, count: n)) }
