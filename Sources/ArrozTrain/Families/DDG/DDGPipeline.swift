// DDGPipeline: few-step GAN generation — DDGSampler over the generator with one z per image, the VQ checkpoint's
// `latent2rgb` map as every step's preview, and the VQ decoder once at the end.
import ArrozDiffusion
import ArrozModels
import ArrozTensor

public final class DDGPipeline: GenerationPipeline {
    let generator: DDGUNet
    public let spec: DDGSpec
    public let vq: FrozenVQ
    let side: Int

    init(generator: DDGUNet, spec: DDGSpec, vq: FrozenVQ) throws {
        try DDGFamily.check(spec, vq)
        (self.generator, self.spec, self.vq) = (generator, spec, vq)
        side = spec.imageSize / vq.factor
    }

    public var conditioning: Conditioning { .embedding(spec.generator.cloobDim) }
    public var outputShape: (channels: Int, size: Int) { (3, spec.imageSize) }
    public var noiseShape: [Int] { [spec.generator.imageChannels, side, side] }
    public var samplers: [SamplerKind] { [.ddg] }
    public var capabilities: PipelineCapabilities { [] }
    public var maxSteps: Int? { spec.nSteps }

    static func samplerRNG(_ plan: GenerationPlan) -> ArrozRandom {
        ArrozRandom(seed: plan.samplerSeed ^ 0x0DD6_A11E_5EED_0042)
    }

    /// The final x̂₀ latents `[N, C, h, w]` (nil when cancelled). Steps s ≤ N start at t = s on the same ᾱ table.
    public func runLatents(_ plan: GenerationPlan, controls: SamplerControls, onStep: ((PipelineStep) -> Bool)?)
        throws -> Tensor?
    {
        let steps = plan.sampler.steps
        guard (1...spec.nSteps).contains(steps) else {
            throw TrainError.badSetting("--steps: \(steps) is not valid (this GAN samples in 1 to \(spec.nSteps) steps)")
        }
        generator.eval()
        var rng = Self.samplerRNG(plan)
        let z = Tensor.randn([plan.count, spec.generator.zDim], rng: &rng)  // one z per image, every step
        let g = generator
        let zDim = spec.generator.zDim
        let denoiser: Denoiser = { x, t, c in
            // CFG stacks the cond rows then the uncond rows: the same z for both halves
            let zz = x.shape[0] == z.shape[0] ? z : concat([z, z], axis: 0)
            precondition(zz.shape == [x.shape[0], zDim], "DDGPipeline: z rows")
            return withNoGrad { g(x, t: t, c: c ?? Tensor.zeros([x.shape[0], g.config.cloobDim]), z: zz) }
        }
        let model = GuidedDenoiser(denoiser, prediction: .x0, cond: plan.cond, controls: controls)
        let sampler = DDGSampler(schedule: spec.schedule(steps: steps))
        let vq = self.vq
        let callback: StepCallback? = onStep.map { f in
            { s in f(PipelineStep(index: s.index, count: s.count, preview: vq.preview(latents: s.x0))) }
        }
        return withNoGrad { sampler.sample(model, from: plan.noise, rng: &rng, onStep: callback)?.sample }
    }

    public func run(_ plan: GenerationPlan, controls: SamplerControls, onStep: ((PipelineStep) -> Bool)?) throws
        -> Tensor?
    {
        guard let x0 = try runLatents(plan, controls: controls, onStep: onStep) else { return nil }
        return vq.decode(latents: x0)
    }

    public func invert(_ images: Tensor, plan: GenerationPlan, controls: SamplerControls) throws -> Tensor? {
        throw TrainError.badSetting("a ddg model cannot invert images")
    }
}
