// GaussianPipeline: generation for the Gaussian families — a sampler over the guided denoiser, from the plan's
// noise (or an SDEdit start from its init images), with x̂₀ as every step's preview.
import ArrozDiffusion
import ArrozModels
import ArrozTensor

public final class GaussianPipeline: GenerationPipeline {
    public let model: any DiffusionNetwork
    public let processKind: NoiseProcessKind
    public let process: any GaussianProcess
    public let prediction: Prediction

    public init(model: any DiffusionNetwork, process: NoiseProcessKind) {
        self.model = model
        processKind = process
        (self.process, prediction) = process.process
    }

    public var conditioning: Conditioning { model.conditioning }
    public var outputShape: (channels: Int, size: Int) { model.modelConfig.imageShape }
    public var noiseShape: [Int] {
        let (c, s) = outputShape
        return [c, s, s]
    }

    /// The process's own sampler first, then the rest that run on it.
    public var samplers: [SamplerKind] {
        let all = SamplerKind.available(for: process)
        return [processKind.defaultSampler] + all.filter { $0 != processKind.defaultSampler }
    }

    public var capabilities: PipelineCapabilities {
        process is any VariancePreservingProcess ? [.imageToImage, .inversion] : [.imageToImage]
    }

    /// The network as samplers call it: conditioned on `cond` (zeros as the unconditional row), guided by the
    /// live `controls`, with x̂₀ clipped where the process calls for it.
    public func guidedDenoiser(cond: Tensor, controls: SamplerControls) -> GuidedDenoiser {
        let model = self.model
        let uncondShape = Array(cond.shape.dropFirst())
        let denoiser: Denoiser = { x, t, c in
            withNoGrad { model.predict(x, t: t, cond: c ?? Tensor.zeros([x.shape[0]] + uncondShape)) }
        }
        var guided = GuidedDenoiser(denoiser, prediction: prediction, cond: cond, controls: controls)
        if processKind.clipsDenoised { guided.clipDenoised = (-1...1, process) }
        return guided
    }

    /// The sampler's own generator: derived from the plan's seed, apart from the noise rows' seeds.
    static func samplerRNG(_ plan: GenerationPlan) -> ArrozRandom {
        ArrozRandom(seed: plan.samplerSeed ^ 0x5A3D_9C1E_7B24_F086)
    }

    public func run(_ plan: GenerationPlan, controls: SamplerControls, onStep: ((PipelineStep) -> Bool)?) throws
        -> Tensor?
    {
        model.eval()
        var settings = plan.sampler
        if settings.kind != .ddim && settings.kind != .eulerAncestral { settings.eta = nil }
        var grid = process.timeGrid(steps: settings.steps)
        var x = plan.noise
        if let x0 = plan.initImages {
            // SDEdit: the last ⌈strength·S⌉ updates, from x = a(t)·x₀ + b(t)·ε with the plan's noise as ε.
            grid = ImageToImage.tail(of: grid, strength: plan.strength)
            let t = Tensor(shape: [x0.shape[0]], repeating: grid[0])
            x = process.diffuse(x0, t: t, noise: plan.noise)
        }
        let sampler = try makeSampler(settings, process: process, grid: grid)
        let guided = guidedDenoiser(cond: plan.cond, controls: controls)
        var rng = Self.samplerRNG(plan)
        let callback: StepCallback? = onStep.map { f in
            { s in f(PipelineStep(index: s.index, count: s.count, preview: s.x0)) }
        }
        return withNoGrad {
            sampler.sample(guided, from: x, rng: &rng, onStep: callback)?.sample.clamp(min: -1, max: 1)
        }
    }

    public func invert(_ images: Tensor, plan: GenerationPlan, controls: SamplerControls) throws -> Tensor? {
        guard let vp = process as? any VariancePreservingProcess else {
            throw TrainError.badSetting("the \(processKind.rawValue) process cannot be inverted (use a ddpm or arroz model)")
        }
        let inversion = DDIMInversion(process: vp, grid: process.timeGrid(steps: plan.sampler.steps))
        let guided = guidedDenoiser(cond: plan.cond, controls: controls)
        return withNoGrad { inversion.invert(guided, images) }
    }
}
