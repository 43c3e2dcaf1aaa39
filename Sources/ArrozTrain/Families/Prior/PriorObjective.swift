// PriorObjective: the prior's training step — MiniLM caption embeddings (CFG dropout) as the condition, the frozen
// image encoder's embedding of the training image (× scale) as x₀, Diffuzz noise, MSE on ε (seeds.md §1.1).
import ArrozDiffusion
import ArrozImage
import ArrozModels
import ArrozNN
import ArrozTensor

final class PriorObjective: TrainingObjective {
    let run: RunConfig
    let spec: PriorSpec
    let prior: ArrozPrior
    let encoder: ImageEncoder
    let optimizer: any AdamFamilyOptimizer
    let ema: EMA?
    let conditioner: Conditioner
    let process = Diffuzz()

    init(run: RunConfig, spec: PriorSpec, context: ObjectiveContext) throws {
        self.run = run
        self.spec = spec
        var rng = context.initRNG
        prior = ArrozPrior(spec.prior, rng: &rng)
        encoder = try FrozenNetworks.imageEncoder(spec.imageEncoder)
        guard encoder.config.embeddingDimension == spec.prior.embeddingDimension else {
            throw TrainError.badSetting(
                "model.prior.embeddingDimension is \(spec.prior.embeddingDimension) but the image encoder makes "
                    + "\(encoder.config.embeddingDimension)-d embeddings (set them equal)")
        }
        optimizer = run.optimizer.make(prior.trainableNamedParameters())
        ema = run.optimizer.makeEMA(prior)
        conditioner = try Conditioner.make(run, classNames: context.classNames, encoder: context.encoder)
        prior.train()
    }

    var weights: any Layer { prior }
    var optimizers: [String: any AdamFamilyOptimizer] { ["": optimizer] }

    /// The scaled image embeddings x₀ `[B, D]` of a batch (frozen encoder, no gradient).
    func targets(_ images: Tensor) -> Tensor {
        withNoGrad { encoder(FrozenNetworks.encoderInput(images)) * spec.scale }
    }

    func step(_ batch: TrainingBatch, lr: Float, step: Int, rng: inout ArrozRandom) throws -> ObjectiveStep {
        var text = try conditioner.condition(labels: batch.labels, captions: batch.captions)   // [B, D]
        text = conditioner.dropout(text, p: run.conditioning.dropout, perBatch: run.conditioning.perBatch, rng: &rng)
        let x0 = targets(batch.images)                                                         // [B, D]
        let (noised, t, eps) = process.trainingBatch(x0, prediction: .epsilon, rng: &rng)
        optimizer.lr = lr
        optimizer.zeroGrad()
        let out = prior(noised, r: t, c: text)
        let loss = mseLoss(out, eps)
        let (value, norm) = try optimizerStep(loss, optimizer, clip: run.optimizer.gradClip, step: step)
        ema?.update(prior, step: step + 1)
        return ObjectiveStep(loss: value, gradNorm: norm, fields: ["cos_x0": cosineOfEstimate(noised, out, t, x0)])
    }

    /// Mean cosine between the one-step estimate x̂₀ = (x − b·ε̂)/a and the true embedding (a cheap log field).
    func cosineOfEstimate(_ x: Tensor, _ eps: Tensor, _ t: Tensor, _ x0: Tensor) -> Float {
        let (B, D) = (x.shape[0], x.shape[1])
        let xs = x.data, e = eps.data, y = x0.data, ts = t.data
        var total: Double = 0
        for i in 0..<B {
            let (a, b) = process.coefficients(at: ts[i])
            var dot: Double = 0, n1: Double = 0, n2: Double = 0
            for j in 0..<D {
                let est = Double((xs[i * D + j] - b * e[i * D + j]) / max(a, 1e-4)), tv = Double(y[i * D + j])
                dot += est * tv
                n1 += est * est
                n2 += tv * tv
            }
            total += dot / max((n1 * n2).squareRoot(), 1e-12)
        }
        return Float(total / Double(B))
    }

    /// The EMA weights as a sampling chain (the live prior without EMA).
    func chain() -> PriorChain {
        guard let ema else { return PriorChain(prior: prior, spec: spec) }
        var r = ArrozRandom(seed: 0)
        let copy = ArrozPrior(spec.prior, rng: &r)
        ema.copy(into: copy)
        copy.eval()
        return PriorChain(prior: copy, spec: spec)
    }

    func pipeline() throws -> any GenerationPipeline { throw PriorFamily.notAnImageModel }

    /// Top row: the 8 fixed training images; bottom row: for each one's caption, the training image (of the 8)
    /// whose encoder embedding is nearest to the prior's sample — a right prior repeats the top row.
    func previewGrid(_ context: PreviewContext) throws -> RGBImage {
        let batch = try context.batch()
        let text = try conditioner.condition(labels: batch.labels, captions: batch.captions)
        let truth = withNoGrad { encoder(FrozenNetworks.encoderInput(batch.images)) }
        let sampled = try chain().sample(text: text, seed: PriorChain.seed(for: run.seed))
        let ranks = retrievalNearest(sampled, truth)
        let pics = RGBImage.images(fromBatch: batch.images)
        return ImageGrid.contactSheet(pics + ranks.map { pics[$0] }, columns: pics.count, padding: 2)
    }

    /// For each row of `a`, the index of the row of `b` with the largest dot product.
    func retrievalNearest(_ a: Tensor, _ b: Tensor) -> [Int] {
        let (N, D, M) = (a.shape[0], a.shape[1], b.shape[0])
        let x = a.data, y = b.data
        return (0..<N).map { i in
            var best = 0, bestV = -Float.infinity
            for j in 0..<M {
                var s: Float = 0
                for k in 0..<D { s += x[i * D + k] * y[j * D + k] }
                if s > bestV { (best, bestV) = (j, s) }
            }
            return best
        }
    }
}
