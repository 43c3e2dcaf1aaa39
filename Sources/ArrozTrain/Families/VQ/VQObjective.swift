// VQObjective: the VQ autoencoder's training step — L1 + MSE reconstruction, the quantiser's VQ and commitment
// losses (β 0.25; the EMA flavour's codebook follows by EMA), dead-code restarts drawn from the trainer's RNG — with
// PSNR, per-epoch codebook usage and perplexity in the log, and the preview maps refitted at every checkpoint.
import ArrozData
import ArrozImage
import ArrozModels
import ArrozNN
import ArrozTensor
import Foundation

final class VQObjective: TrainingObjective {
    let run: RunConfig
    let spec: VQSpec
    let tree: VQCheckpointTree
    let optimizer: any AdamFamilyOptimizer
    /// Examples per epoch (the trainer's batches never straddle epochs), for usage resets.
    let perEpoch: Int
    var epoch = -1
    let dataset: Dataset
    let heldOut: HeldOutSplit?
    private var heldOutImages: Tensor?
    /// The last `previewFitImages` training images in [−1, 1], for the preview-map fit.
    private var recent: [[Float]] = []
    private var recentNext = 0

    var network: any VQNetwork { tree.network }

    init(run: RunConfig, spec: VQSpec, context: ObjectiveContext) throws {
        self.run = run
        self.spec = spec
        var rng = context.initRNG
        tree = VQCheckpointTree(spec.makeNetwork(rng: &rng), latentChannels: spec.latentChannels,
                                codebookSize: spec.codebookSize)
        optimizer = run.optimizer.make(tree.trainableNamedParameters())
        let data = try Datasets.make(run.data)
        dataset = data
        perEpoch = max(data.count / run.batchSize, 1)
        heldOut = spec.holdoutEvery.map { HeldOutSplit(data, every: $0) }
        tree.train()
    }

    var weights: any Layer { tree }
    var optimizers: [String: any AdamFamilyOptimizer] { ["": optimizer] }
    var ema: EMA? { nil }

    /// The objective's loss on `images` `[B, 3, S, S]` in [−1, 1], and the reconstruction and encoding.
    func loss(_ images: Tensor, rng: inout ArrozRandom) -> (Tensor, Tensor, VQEncoding) {
        let x = (images + 1) * 0.5                                              // [B, 3, S, S] in [0, 1]
        let e = network.encode(x, rng: &rng)
        let y = network.decode(e.quantized)                                     // [B, 3, S, S]
        var loss = spec.l1 * l1Loss(y, x) + spec.mse * mseLoss(y, x)
        let q = network.quantizer.options
        if !q.ema { loss = loss + e.vq.vqLoss }
        loss = loss + q.beta * e.vq.commitLoss
        return (loss, y, e)
    }

    func step(_ batch: TrainingBatch, lr: Float, step: Int, rng: inout ArrozRandom) throws -> ObjectiveStep {
        let e = step / perEpoch
        if e != epoch {
            network.quantizer.resetUsage()
            epoch = e
        }
        var batch = batch
        if let heldOut {
            guard let b = heldOut.filter(batch) else { return ObjectiveStep(loss: 0, gradNorm: 0) }
            batch = b
        }
        remember(batch.images)
        optimizer.lr = lr
        optimizer.zeroGrad()
        let (loss, y, enc) = self.loss(batch.images, rng: &rng)
        let (value, norm) = try optimizerStep(loss, optimizer, clip: run.optimizer.gradClip, step: step)
        var fields: [String: Float] = [
            "psnr": psnr(y, (batch.images + 1) * 0.5),
            "codebook_usage": network.quantizer.usedFraction,
            "perplexity": VectorQuantizer.perplexity(enc.vq.indices, codebookSize: spec.codebookSize),
        ]
        if (step + 1) % run.checkpointEvery == 0 || step + 1 == run.steps {
            fields.merge(try refit()) { $1 }
            tree.train()
        }
        return ObjectiveStep(loss: value, gradNorm: norm, fields: fields)
    }

    // MARK: - preview maps and held-out PSNR

    private func remember(_ images: Tensor) {
        let per = images.count / images.shape[0]
        let d = images.data
        for n in 0..<images.shape[0] {
            let row = Array(d[(n * per)..<((n + 1) * per)])
            if recent.count < spec.previewFitImages { recent.append(row) } else { recent[recentNext] = row }
            recentNext = (recentNext + 1) % spec.previewFitImages
        }
    }

    /// Encodes `images` `[N, 3, S, S]` in [−1, 1] in eval mode without counting usage, in chunks of 64:
    /// quantised latents (what the latent families train on), indices, reconstructions in [0, 1].
    func encodeEval(_ images: Tensor) -> (latents: Tensor, indices: Tensor, recon: Tensor) {
        tree.eval()
        let q = network.quantizer
        q.countsUsage = false
        defer { q.countsUsage = true }
        var zs: [Tensor] = [], ids: [Tensor] = [], ys: [Tensor] = []
        let N = images.shape[0]
        var i = 0
        while i < N {
            let chunk = rows(images, Array(i..<min(i + 64, N)))
            withNoGrad {
                let e = network.encode((chunk + 1) * 0.5)
                zs.append(e.quantized.detached())
                ids.append(e.indices)
                ys.append(network.decode(e.quantized).clamp(min: 0, max: 1))
            }
            i += 64
        }
        return (concat(zs, axis: 0), concat(ids, axis: 0), concat(ys, axis: 0))
    }

    /// Fits ``LatentToRGB`` and ``CodeToRGB`` on the recent training images (targets in [−1, 1]) and stores them
    /// in the tree; measures `heldout_psnr` (and the held-out code usage) when the run holds examples out.
    @discardableResult
    func refit() throws -> [String: Float] {
        var out: [String: Float] = [:]
        if !recent.isEmpty {
            let shape = [recent.count, run.data.channels, run.data.imageSize, run.data.imageSize]
            let images = Tensor(recent.flatMap { $0 }, shape: shape)
            let (z, idx, _) = encodeEval(images)
            tree.store(LatentToRGB.fit(latents: z, images: images),
                       CodeToRGB.fit(indices: idx, images: images, codebookSize: spec.codebookSize))
        }
        if let heldOut {
            if heldOutImages == nil { heldOutImages = try heldOut.load(dataset, channels: run.data.channels).images }
            if let h = heldOutImages {
                let (_, idx, y) = encodeEval(h)
                out["heldout_psnr"] = psnr(y, (h + 1) * 0.5)
                out["heldout_codes"] = Float(Set(idx.data.map { Int($0) }).count) / Float(spec.codebookSize)
            }
        }
        return out
    }

    func pipeline() throws -> any GenerationPipeline {
        throw TrainError.badSetting(VQFamily.noSampling)
    }

    /// Originals (top row) over their reconstructions (bottom row) of the fixed batch; refits the preview maps.
    func previewGrid(_ context: PreviewContext) throws -> RGBImage {
        try refit()
        let b = try context.batch()
        let (_, _, y) = encodeEval(b.images)
        tree.train()
        let originals = RGBImage.images(fromBatch: b.images)
        let recon = RGBImage.images(fromBatch: y * 2 - 1)
        return ImageGrid.contactSheet(originals + recon, columns: originals.count, padding: 2)
    }
}

/// Peak signal-to-noise ratio in dB of `y` against `x`, both in [0, 1] (y clamped first), over the whole batch.
public func psnr(_ y: Tensor, _ x: Tensor) -> Float {
    precondition(y.shape == x.shape, "psnr: \(y.shape) vs \(x.shape)")
    var acc: Double = 0
    let a = y.data, b = x.data
    for i in 0..<a.count {
        let d = Double(min(max(a[i], 0), 1)) - Double(b[i])
        acc += d * d
    }
    let mse = max(acc / Double(max(a.count, 1)), 1e-12)
    return Float(10 * log10(1 / mse))
}
