// ContrastiveObjective: one step of CLIP's symmetric InfoNCE (learned temperature) between our image encoder and
// the frozen, l2-normalised text embeddings of the captions; in-batch retrieval top-1/top-5 in the log and
// held-out text→image retrieval at every checkpoint.
import ArrozData
import ArrozImage
import ArrozModels
import ArrozNN
import ArrozTensor
import Foundation

final class ContrastiveObjective: TrainingObjective {
    let run: RunConfig
    let spec: ContrastiveSpec
    let encoder: ImageEncoder
    let optimizer: any AdamFamilyOptimizer
    let conditioner: Conditioner
    let dataset: Dataset
    let heldOut: HeldOutSplit?
    private var heldOutData: (images: Tensor, text: Tensor)?

    init(run: RunConfig, spec: ContrastiveSpec, context: ObjectiveContext) throws {
        self.run = run
        self.spec = spec
        var rng = context.initRNG
        encoder = ImageEncoder(spec.encoder, rng: &rng)
        optimizer = run.optimizer.make(encoder.trainableNamedParameters())
        conditioner = try Conditioner.make(run, classNames: context.classNames, encoder: context.encoder)
        let data = try Datasets.make(run.data)
        dataset = data
        heldOut = spec.holdoutEvery.map { HeldOutSplit(data, every: $0) }
        encoder.train()
    }

    var weights: any Layer { encoder }
    var optimizers: [String: any AdamFamilyOptimizer] { ["": optimizer] }
    var ema: EMA? { nil }

    /// Unit-length text embeddings `[N, D]` of `captions` (frozen: no gradient reaches the text encoder).
    func text(_ captions: [String]) throws -> Tensor {
        try conditioner.condition(labels: captions.map { _ in nil }, captions: captions).l2Normalized()
    }

    func step(_ batch: TrainingBatch, lr: Float, step: Int, rng: inout ArrozRandom) throws -> ObjectiveStep {
        var batch = batch
        if let heldOut {
            guard let b = heldOut.filter(batch), b.captions.count >= 2 else { return ObjectiveStep(loss: 0, gradNorm: 0) }
            batch = b
        }
        let t = try text(batch.captions)                                        // [B, D]
        optimizer.lr = lr
        optimizer.zeroGrad()
        let img = encoder(batch.images)                                         // [B, D]
        let loss = clipContrastiveLoss(image: img, text: t, logitScale: encoder.logitScale)
        let (value, norm) = try optimizerStep(loss, optimizer, clip: run.optimizer.gradClip, step: step)
        let ranks = retrievalRanks(image: img.detached(), text: t)
        var fields = topK(ranks)
        fields["temperature"] = Float(1 / Foundation.exp(Double(min(encoder.logitScale.item, 4.60517))))
        if (step + 1) % run.checkpointEvery == 0 || step + 1 == run.steps {
            fields.merge(try heldOutRetrieval()) { $1 }
        }
        return ObjectiveStep(loss: value, gradNorm: norm, fields: fields)
    }

    /// Text→image retrieval among all held-out examples (each caption against every held-out image).
    func heldOutRetrieval() throws -> [String: Float] {
        guard let heldOut else { return [:] }
        if heldOutData == nil {
            let (images, captions) = try heldOut.load(dataset, channels: run.data.channels)
            heldOutData = (images, try text(captions))
        }
        guard let d = heldOutData else { return [:] }
        let (images, t) = d
        let ranks = retrievalRanks(image: embed(images), text: t)
        let k = topK(ranks)
        return ["heldout_top1": k["top1"] ?? 0, "heldout_top5": k["top5"] ?? 0]
    }

    /// Embeddings `[N, D]` of `images` in eval mode, in chunks of 64; the encoder is back in training after.
    func embed(_ images: Tensor) -> Tensor {
        encoder.eval()
        defer { encoder.train() }
        var out: [Tensor] = []
        var i = 0
        while i < images.shape[0] {
            let chunk = rows(images, Array(i..<min(i + 64, images.shape[0])))
            out.append(withNoGrad { encoder(chunk).detached() })
            i += 64
        }
        return concat(out, axis: 0)
    }

    func pipeline() throws -> any GenerationPipeline { throw TrainError.badSetting(ContrastiveFamily.noSampling) }

    /// The fixed batch (top row) and, under each image, the fixed-batch image its caption retrieves.
    func previewGrid(_ context: PreviewContext) throws -> RGBImage {
        let b = try context.batch()
        let e = embed(b.images), t = try text(b.captions)
        let sim = withNoGrad { matmul(t, e.transposed(0, 1)) }                 // [N_text, N_image]
        let n = b.captions.count
        let best = (0..<n).map { i in (0..<n).max { sim[i, $0] < sim[i, $1] } ?? i }
        let pics = RGBImage.images(fromBatch: b.images)
        return ImageGrid.contactSheet(pics + best.map { pics[$0] }, columns: n, padding: 2)
    }
}

/// Fractions of ranks below 1 and below 5.
func topK(_ ranks: [Int]) -> [String: Float] {
    let n = Float(max(ranks.count, 1))
    return ["top1": Float(ranks.filter { $0 < 1 }.count) / n, "top5": Float(ranks.filter { $0 < 5 }.count) / n]
}
