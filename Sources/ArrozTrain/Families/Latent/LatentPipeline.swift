// LatentPipeline: generation for the latent family — (text rows → prior → image embedding) → a Gaussian sampler
// over the generator on the latent grid → quantise → VQ decode; every step's preview is latent2rgb(x̂₀).
import ArrozData
import ArrozDiffusion
import ArrozImage
import ArrozModels
import ArrozTensor
import Foundation

/// The Arroz Con Cosas chain over loaded weights.
///
/// Conditioning rows come from the planner as MiniLM embeddings of the prompts (`.embedding(384)`; an A↔B mix
/// is mixed there, before the prior). When the model names a prior (and its checkpoint exists), ``run(_:controls:onStep:)``
/// first maps those text rows through it — DDPM 60 at CFG 3 from `PriorChain.seed(for: plan.samplerSeed)` — into
/// image embeddings; without a prior the text rows condition the generator directly (the encoder shares
/// MiniLM's space). Rows from ``conditioning(forImage:)`` (`sample --variations`) are image embeddings already
/// (`plan.imageConditioned`) and skip the prior.
public final class LatentPipeline: GenerationPipeline {
    public let generator: ArrozGenerator
    public let spec: LatentSpec
    public let vq: ArrozVQModel
    public let latent2rgb: LatentToRGB
    public let encoder: ImageEncoder?
    public let prior: PriorChain?
    let process = Diffuzz()

    /// Opens the frozen networks the spec names (autoencoder required; encoder, prior when present).
    public convenience init(generator: ArrozGenerator, spec: LatentSpec) throws {
        let (vq, map) = try FrozenNetworks.autoencoder(spec.autoencoder)
        try self.init(generator: generator, spec: spec, vq: vq, latent2rgb: map,
                      encoder: spec.imageEncoder.flatMap { try? FrozenNetworks.imageEncoder($0) })
    }

    init(generator: ArrozGenerator, spec: LatentSpec, vq: ArrozVQModel, latent2rgb: LatentToRGB? = nil,
         encoder: ImageEncoder?) throws {
        self.generator = generator
        self.spec = spec
        self.vq = vq
        self.latent2rgb = latent2rgb ?? FrozenNetworks.storedLatentToRGB(spec.autoencoder)
            ?? LatentToRGB.fitted(to: vq, latentSide: spec.generator.imageSize)
        self.encoder = encoder
        prior = try spec.prior.flatMap { FileManager.default.fileExists(atPath: $0) ? try PriorChain.open($0) : nil }
        if let prior, prior.width != spec.generator.conditionDimension {
            throw TrainError.badSetting(
                "the prior makes \(prior.width)-d embeddings but the generator takes \(spec.generator.conditionDimension)")
        }
    }

    public var conditioning: Conditioning { .embedding(prior?.width ?? spec.generator.conditionDimension) }
    public var outputShape: (channels: Int, size: Int) { (3, spec.generator.imageSize * vq.config.downsamplingFactor) }
    public var noiseShape: [Int] { [spec.generator.inChannels, spec.generator.imageSize, spec.generator.imageSize] }

    public var samplers: [SamplerKind] { [.ddim] + SamplerKind.available(for: process).filter { $0 != .ddim } }

    public var capabilities: PipelineCapabilities {
        encoder == nil ? [.imageToImage, .inversion] : [.imageToImage, .inversion, .variations]
    }

    /// The generator's conditioning for a plan: its rows, through the prior unless they are image embeddings.
    public func imageEmbeddings(_ plan: GenerationPlan) throws -> Tensor {
        guard let prior, !plan.imageConditioned else { return plan.cond }
        return try prior.sample(text: plan.cond, seed: PriorChain.seed(for: plan.samplerSeed))
    }

    /// The generator as samplers call it: ε̂ on latents, zeros as the unconditional row, no x̂₀ clipping
    /// (latents are not in [−1, 1]).
    func guidedDenoiser(cond: Tensor, controls: SamplerControls) -> GuidedDenoiser {
        let g = generator, D = spec.generator.conditionDimension
        let denoiser: Denoiser = { x, t, c in withNoGrad { g(x, r: t, c: c ?? Tensor.zeros([x.shape[0], D])) } }
        return GuidedDenoiser(denoiser, prediction: .epsilon, cond: cond, controls: controls)
    }

    /// latent2rgb(x̂₀) `[N, 3, h, w]`, nearest-upsampled to the output side.
    public func preview(_ x0: Tensor) -> Tensor {
        withNoGrad { upsampleNearest(latent2rgb(x0), scale: vq.config.downsamplingFactor) }
    }

    public func run(_ plan: GenerationPlan, controls: SamplerControls, onStep: ((PipelineStep) -> Bool)?) throws
        -> Tensor?
    {
        generator.eval()
        let cond = try imageEmbeddings(plan)
        var settings = plan.sampler
        if settings.kind != .ddim && settings.kind != .eulerAncestral { settings.eta = nil }
        var grid = process.timeGrid(steps: settings.steps)
        var x = plan.noise
        if let images = plan.initImages {
            // SDEdit on latents: the init image's quantised latent, noised to the first time of the tail.
            grid = ImageToImage.tail(of: grid, strength: plan.strength)
            let z0 = vq.quantisedLatents(images)
            x = process.diffuse(z0, t: Tensor(shape: [z0.shape[0]], repeating: grid[0]), noise: plan.noise)
        }
        let sampler = try makeSampler(settings, process: process, grid: grid)
        var rng = GaussianPipeline.samplerRNG(plan)
        let callback: StepCallback? = onStep.map { f in
            { s in f(PipelineStep(index: s.index, count: s.count, preview: self.preview(s.x0))) }
        }
        let guided = guidedDenoiser(cond: cond, controls: controls)
        guard let z = withNoGrad({ sampler.sample(guided, from: x, rng: &rng, onStep: callback) }) else { return nil }
        return vq.decodeToImages(z.sample)
    }

    public func invert(_ images: Tensor, plan: GenerationPlan, controls: SamplerControls) throws -> Tensor? {
        let cond = try imageEmbeddings(plan)
        let inversion = DDIMInversion(process: process, grid: process.timeGrid(steps: plan.sampler.steps))
        let guided = guidedDenoiser(cond: cond, controls: controls)
        let z0 = vq.quantisedLatents(images)
        return withNoGrad { inversion.invert(guided, z0) }
    }

    /// `sample --variations x.png`: the image encoder's embedding `[1, D]` of the PNG (resized on its short side,
    /// centre-cropped to the encoder's size).
    public func conditioning(forImage path: String) throws -> Tensor {
        guard let encoder else {
            throw TrainError.badSetting("this latent model has no image encoder (model.imageEncoder), so no --variations")
        }
        let image = try loadPNG(path)
        let x = RGBImage.batch([ImageFolderDataset.fit(image, size: encoder.config.imageSize)], channels: 3)
        return withNoGrad { encoder(FrozenNetworks.encoderInput(x)) }
    }
}
