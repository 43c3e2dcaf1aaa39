// GenerationPipeline: a family's "plan → images" — the sampler loop over its network(s), any decode stage, and a
// cheap preview at every step. Every way of generating (studio, sample, --from, interpolate, eval, previews)
// resolves a request into a GenerationPlan once (GenerationPlanner) and hands it to the family's pipeline.
import ArrozDiffusion
import ArrozModels
import ArrozTensor

/// Resolved inputs of one generation: everything random is already drawn, so a plan gives the same pixels
/// wherever it is run.
public struct GenerationPlan {
    /// Conditioning rows `[N]` (class ids, 0 = unconditional) or `[N, D]` (embeddings; zeros = unconditional).
    public var cond: Tensor
    /// Starting noise `[N] + pipeline.noiseShape` (each row from its own seed; see GenerationPlanner).
    public var noise: Tensor
    /// Sampler kind, steps and η.
    public var sampler: SamplerSettings
    /// The guidance scale to start with (the live value comes from `SamplerControls`).
    public var cfg: Float
    /// Seed of the sampler's own draws (ancestral noise, token sampling).
    public var samplerSeed: UInt64
    /// Image-to-image: clean inputs `[N] + outputShape` in [−1, 1], and the SDEdit strength in (0, 1].
    public var initImages: Tensor?
    public var strength: Float = 1
    /// Inpainting / outpainting: `[N, 1, S, S]`, 1 where the model repaints and 0 where `initImages` stay
    /// (outpainting: the border around the shrunk init image). Only with `.inpainting`.
    public var mask: Tensor?
    /// Structural variation: the init images noised this far (0, 1] and resampled. Only with `.variation`.
    public var variation: Float?
    /// The rows are image embeddings from ``GenerationPipeline/conditioning(forImage:)`` (`sample --variations`),
    /// not text: a pipeline that maps text through a prior leaves them as they are.
    public var imageConditioned = false

    public init(cond: Tensor, noise: Tensor, sampler: SamplerSettings, cfg: Float, samplerSeed: UInt64) {
        (self.cond, self.noise, self.sampler, self.cfg, self.samplerSeed) = (cond, noise, sampler, cfg, samplerSeed)
    }

    public var count: Int { cond.shape[0] }
}

/// One step of a running pipeline, for live previews.
public struct PipelineStep {
    /// 0-based step just taken, of `count`.
    public var index: Int
    public var count: Int
    /// A cheap preview of the current estimate, `[N, 3 or 1, S, S]` in about [−1, 1] (pixel-space x̂₀; a
    /// latent family's linear latent → RGB map).
    public var preview: Tensor
}

/// What a pipeline can do besides text → image.
public struct PipelineCapabilities: OptionSet, Sendable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }
    /// SDEdit from an init image (`sample --image x.png --strength s`).
    public static let imageToImage = PipelineCapabilities(rawValue: 1)
    /// DDIM inversion of an image into its starting noise (`sample --image x.png --invert`).
    public static let inversion = PipelineCapabilities(rawValue: 2)
    /// Repaint only a masked region of an init image (`sample --image x.png --mask m.png`, `--outpaint l,t,r,b`).
    public static let inpainting = PipelineCapabilities(rawValue: 4)
    /// Structural variation of an init image (`sample --image x.png --variation 0.5`).
    public static let variation = PipelineCapabilities(rawValue: 8)
    /// Variations of an image: conditioning rows from an image (`sample --variations x.png`).
    public static let variations = PipelineCapabilities(rawValue: 16)
}

/// A family's generation pipeline over loaded weights.
public protocol GenerationPipeline: AnyObject {
    /// How the network is conditioned (class ids or embeddings of a width).
    var conditioning: Conditioning { get }
    /// Channels and side of the images it makes.
    var outputShape: (channels: Int, size: Int) { get }
    /// Shape of one row of starting noise (`[C, S, S]` for pixels, the latent's shape for latent families).
    var noiseShape: [Int] { get }
    /// Samplers it can run, in menu order; the first is its default.
    var samplers: [SamplerKind] { get }
    var capabilities: PipelineCapabilities { get }
    /// The most steps its sampler can take (the GAN: its table's steps); nil when any count is fine.
    var maxSteps: Int? { get }
    /// Token families: tokens per side of the latent grid (a studio mark cell is one token); nil for others.
    var tokenGrid: Int? { get }
    /// Runs the plan: images `[N] + outputShape` in [−1, 1], or nil when `controls` cancelled it or `onStep`
    /// returned false.
    func run(_ plan: GenerationPlan, controls: SamplerControls, onStep: ((PipelineStep) -> Bool)?) throws -> Tensor?
    /// DDIM inversion: the starting noise (`[N] + noiseShape`) from which DDIM on `plan`'s settings draws
    /// `images` back (nil when cancelled). Only with `.inversion`.
    func invert(_ images: Tensor, plan: GenerationPlan, controls: SamplerControls) throws -> Tensor?
    /// One conditioning row `[1, ...]` from the image at `path` (only with `.variations`). Default: throws.
    func conditioning(forImage path: String) throws -> Tensor
}

extension GenerationPipeline {
    public func conditioning(forImage path: String) throws -> Tensor {
        throw TrainError.badSetting("this model cannot condition on an image (no --variations)")
    }

    public var defaultSampler: SamplerKind { samplers.first ?? .ddim }
    public var maxSteps: Int? { nil }
    public var tokenGrid: Int? { nil }
}
