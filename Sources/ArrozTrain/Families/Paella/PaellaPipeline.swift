// PaellaPipeline: Paella generation — PaellaSampler (temperature schedule, CFG on logits, renoise from the fixed
// initial tokens) over the token network, the VQ's `code2rgb` table as every step's preview, decode at the end;
// inpainting / outpainting with token masks and structural variation of an init image.
import ArrozDiffusion
import ArrozModels
import ArrozTensor
import Foundation

public final class PaellaPipeline: GenerationPipeline {
    let net: PaellaNet
    public let spec: PaellaSpec
    public let vq: FrozenVQ
    let process: TokenProcess
    /// Token grid side.
    public let side: Int

    init(net: PaellaNet, spec: PaellaSpec, vq: FrozenVQ) throws {
        try PaellaFamily.check(spec, vq)
        (self.net, self.spec, self.vq) = (net, spec, vq)
        process = spec.process
        side = spec.imageSize / vq.factor
    }

    public var conditioning: Conditioning { .embedding(spec.conditionWidth) }
    public var outputShape: (channels: Int, size: Int) { (3, spec.imageSize) }
    /// Gaussian rows, turned into uniform tokens by Φ (so the planner's per-row seeds fix the initial tokens).
    public var noiseShape: [Int] { [side, side] }
    public var tokenGrid: Int? { side }
    public var samplers: [SamplerKind] { [.paella] }
    public var capabilities: PipelineCapabilities { [.imageToImage, .inpainting, .variation] }

    /// Uniform random tokens from N(0, 1) noise: ⌊Φ(z)·K⌋.
    func tokens(fromNoise z: Tensor) -> Tensor {
        let K = process.numLabels
        let out = Tensor.zeros(z.shape)
        let src = z.data, o = out.mutableData
        for i in 0..<src.count {
            let u = 0.5 * erfc(-Double(src[i]) / 2.0.squareRoot())
            o[i] = Float(min(max(Int(u * Double(K)), 0), K - 1))
        }
        return out
    }

    /// `[N, 1, S, S]` pixel mask → `[N, h, w]` token mask: a token is repainted when any pixel of its cell is.
    func tokenMask(_ mask: Tensor) -> Tensor {
        let (N, _, S, _) = mask.shape4
        let f = S / side
        let out = Tensor.zeros([N, side, side])
        let m = mask.data, o = out.mutableData
        for n in 0..<N {
            for y in 0..<S {
                for x in 0..<S where m[(n * S + y) * S + x] > 0.5 { o[(n * side + y / f) * side + x / f] = 1 }
            }
        }
        return out
    }

    /// The token network under CFG; where `keep` holds (token mask 0) the logits are forced onto the original
    /// token (0 for it, −10⁹ for the rest), so every draw there returns it at any temperature and scale.
    func guided(cond: Tensor, controls: SamplerControls, keep: (tokens: Tensor, mask: Tensor)?) -> GuidedDenoiser {
        let net = self.net
        let K = process.numLabels
        let denoiser: Denoiser = { x, t, c in
            let logits = withNoGrad { net.logits(x, t: t, cond: c ?? Tensor.zeros([x.shape[0], cond.shape[1]])) }
            guard let keep else { return logits }
            let rows = x.shape[0], n = keep.tokens.shape[0], P = x.count / rows
            let l = logits.mutableData, orig = keep.tokens.data, m = keep.mask.data
            for r in 0..<rows {
                let src = r % n  // CFG stacks the cond rows then the uncond rows
                for p in 0..<P where m[src * P + p] == 0 {
                    let target = Int(orig[src * P + p])
                    for k in 0..<K { l[(r * K + k) * P + p] = k == target ? 0 : -1e9 }
                }
            }
            return logits
        }
        return GuidedDenoiser(denoiser, prediction: .x0, cond: cond, controls: controls)
    }

    static func samplerRNG(_ plan: GenerationPlan) -> ArrozRandom {
        ArrozRandom(seed: plan.samplerSeed ^ 0x7A11_E11A_70C3_9D2B)
    }

    /// The sampled token grid `[N, h, w]` (nil when cancelled).
    public func runTokens(_ plan: GenerationPlan, controls: SamplerControls, onStep: ((PipelineStep) -> Bool)?)
        throws -> Tensor?
    {
        net.layer.eval()
        let N = plan.count
        let start = tokens(fromNoise: plan.noise)  // [N, h, w]
        var x = start
        var keep: (tokens: Tensor, mask: Tensor)?
        var rng = Self.samplerRNG(plan)
        // v3 runs t 1 → 0 (t = noise level); v1 runs r 0 → 1 with m = cos(rπ/2)
        var tStart: Float = spec.version == .v3 ? 1 : 0
        let tEnd: Float = spec.version == .v3 ? 0 : 1
        if let images = plan.initImages {
            let original = vq.indices(images)  // [N, h, w]
            if let mask = plan.mask {
                let m = tokenMask(mask)
                keep = (original, m)
                // kept tokens start (and are renoised back) as the original ones
                let xs = x.mutableData, o = original.data, md = m.data
                for i in 0..<xs.count where md[i] == 0 { xs[i] = o[i] }
            } else {
                // structural variation: the image's tokens replaced at rate v by the initial noise, resampled from v
                let v = plan.variation ?? plan.strength
                tStart = spec.version == .v3 ? v : Float(acos(Double(v)) * 2 / Double.pi)
                x = process.addNoise(original, t: Tensor(shape: [N], repeating: tStart), randomTokens: start, rng: &rng).noised
            }
        }
        var settings = plan.sampler
        if settings.temperature == nil { settings.temperature = spec.temperature }
        let sampler: any Sampler
        if tStart == 1 && tEnd == 0 {
            sampler = try makeSampler(settings, tokens: process)
        } else {
            let temp = settings.temperature ?? [1.0, 0.2]
            sampler = PaellaSampler(
                process: process, steps: settings.steps, renoiseSteps: settings.renoiseSteps ?? settings.steps - 1,
                temperature: (temp[0], temp[temp.count - 1]), tStart: tStart, tEnd: tEnd)
        }
        let model = guided(cond: plan.cond, controls: controls, keep: keep)
        let vq = self.vq
        let callback: StepCallback? = onStep.map { f in
            { s in f(PipelineStep(index: s.index, count: s.count, preview: vq.preview(indices: s.x0))) }
        }
        return withNoGrad { sampler.sample(model, from: x, rng: &rng, onStep: callback)?.sample }
    }

    public func run(_ plan: GenerationPlan, controls: SamplerControls, onStep: ((PipelineStep) -> Bool)?) throws
        -> Tensor?
    {
        guard let tokens = try runTokens(plan, controls: controls, onStep: onStep) else { return nil }
        return vq.decode(indices: tokens)
    }

    public func invert(_ images: Tensor, plan: GenerationPlan, controls: SamplerControls) throws -> Tensor? {
        throw TrainError.badSetting("a paella model cannot invert images (use --variation or --mask instead)")
    }
}
