// TrainingObjective: what a family trains — its networks, losses, parameter groups and optimizers — behind the
// one call the training loop makes per step.
import ArrozData
import ArrozImage
import ArrozNN
import ArrozTensor

/// One batch as the loader gives it.
public struct TrainingBatch {
    /// `[B, C, S, S]` in [−1, 1].
    public var images: Tensor
    public var captions: [String]
    public var labels: [Int?]

    public init(images: Tensor, captions: [String], labels: [Int?]) {
        (self.images, self.captions, self.labels) = (images, captions, labels)
    }
}

/// What one step of an objective reports: the main loss, the global gradient norm, and the family's own log
/// fields (`psnr`, `codebook_usage`, `d_loss`, `token_accuracy`, …) as name → value.
public struct ObjectiveStep {
    public var loss: Float
    public var gradNorm: Float
    public var fields: [String: Float]

    public init(loss: Float, gradNorm: Float, fields: [String: Float] = [:]) {
        (self.loss, self.gradNorm, self.fields) = (loss, gradNorm, fields)
    }
}

/// A family's training objective. The trainer owns data, learning-rate schedule, step count, RNG and checkpoint
/// files; the objective owns everything that differs between families.
public protocol TrainingObjective: AnyObject {
    /// The tree whose tensors the checkpoint stores under their state_dict names (one network, or a container
    /// naming several, e.g. `generator.*` / `discriminator.*`).
    var weights: any Layer { get }
    /// Optimizers by checkpoint label (`""` for a single one; `g` / `d` for a GAN).
    var optimizers: [String: any AdamFamilyOptimizer] { get }
    /// The EMA shadow of the weights that sampling uses (nil: sample the live weights).
    var ema: EMA? { get }
    /// One optimizer step (or one step of each optimizer) at learning rate `lr`. Throws
    /// `TrainError.nonFiniteLoss` with the weights untouched when a loss is NaN or infinite.
    func step(_ batch: TrainingBatch, lr: Float, step: Int, rng: inout ArrozRandom) throws -> ObjectiveStep
    /// A pipeline over the weights sampling should use now (an EMA copy), for preview grids.
    func pipeline() throws -> any GenerationPipeline
    /// The grid the run writes every `sampleEvery` steps. Default: the pipeline's samples of the preview
    /// subjects (``Trainer/previewGrid(rows:)``); an autoencoder shows reconstructions of `context.batch`.
    func previewGrid(_ context: PreviewContext) throws -> RGBImage
}

/// What a preview grid may draw on: the run's subjects and sampler settings, a fixed batch of its data.
public struct PreviewContext {
    /// One entry per column: class names or prompts.
    public var subjects: [String]
    /// Rows of different fixed seeds.
    public var rows: Int
    /// Makes the generation model over ``TrainingObjective/pipeline()`` (classes, encoder) and its requests.
    public var model: () throws -> LoadedModel
    public var requests: (_ size: Int) -> [GenerationRequest]
    /// The same 8 training examples every time (for reconstructions).
    public var batch: () throws -> TrainingBatch
}

extension TrainingObjective {
    /// Puts every network in training mode.
    public func train() { weights.train() }

    public func previewGrid(_ context: PreviewContext) throws -> RGBImage {
        let model = try context.model()
        let requests = context.requests(model.pipeline.outputShape.size)
        guard let images = try model.generate(requests, batching: .batched) else { throw TrainError.cancelled }
        // plan rows are subject-major (subject, then seed): lay them out one column per subject
        let pics = RGBImage.images(fromBatch: images)
        let n = context.subjects.count, rows = context.rows
        let ordered = (0..<rows).flatMap { r in (0..<n).map { pics[$0 * rows + r] } }
        return ImageGrid.contactSheet(ordered, columns: n, padding: 2)
    }
}

/// √Σ‖g‖² over `params`, clipped to `maxNorm` first when given (torch.nn.utils.clip_grad_norm_).
public func gradientNorm(_ params: [Tensor], clip maxNorm: Float?) -> Float {
    if let maxNorm { return clipGradNorm(params, maxNorm: maxNorm) }
    var acc: Double = 0
    for p in params { if let g = p.grad { for v in g.data { acc += Double(v) * Double(v) } } }
    return Float(acc.squareRoot())
}
