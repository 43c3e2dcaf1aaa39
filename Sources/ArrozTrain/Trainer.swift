// Trainer: one diffusion training run — batches, noise, loss, backward, clip, optimizer, EMA, logs, previews.
import ArrozData
import ArrozDiffusion
import ArrozImage
import ArrozModels
import ArrozNN
import ArrozTensor
import ArrozText
import Foundation

/// What one optimizer step reports.
public struct StepStats: Sendable {
    public var step: Int
    public var loss: Float
    /// Exponential moving average of the loss (0.99, as Arroz's script shows it).
    public var smoothedLoss: Float
    public var lr: Float
    public var gradNorm: Float
    /// Seconds this step took.
    public var seconds: Double
}

/// A training run over a `RunConfig`, resumable exactly from its checkpoint.
///
/// Exact resume: the data order is a pure function of (seed, step) — epoch e is shuffled by a generator seeded
/// with (seed, e) — and the training generator's state, the optimizer moments, the EMA shadow, BatchNorm running
/// statistics and the step are all in the checkpoint. So the step after a resume draws the same batch, the
/// same t and ε, and gives the same loss as an uninterrupted run.
public final class Trainer {
    public let config: RunConfig
    public let run: RunDirectory
    public let model: any DiffusionNetwork
    let optimizer: any AdamFamilyOptimizer
    let schedule: WarmupSchedule
    let ema: EMA?
    public let dataset: Dataset
    public let conditioner: Conditioner
    public let process: any GaussianProcess
    public let prediction: Prediction
    /// Draws t, ε, CFG dropout and flips.
    var rng: ArrozRandom
    /// A generator tests may draw from (independent of training).
    public var rngForTests = ArrozRandom(seed: 99)
    public internal(set) var step = 0 {
        didSet { if step != oldValue + 1 { loader = nil } }  // a jump (resume) restarts the loader there
    }
    /// The prefetching data loader, positioned at `step`'s batch.
    var loader: DataLoader?
    public internal(set) var smoothedLoss: Float = 0
    /// The last checkpoint written (or loaded).
    public internal(set) var lastCheckpoint: String?

    /// Builds the run: data, model (fresh or from `run`'s latest checkpoint), optimizer, EMA.
    /// `encoder` makes the text encoder for text-conditioned runs.
    public init(
        config: RunConfig, run: RunDirectory, encoder: (String) throws -> PromptEncoder
    ) throws {
        try config.validate()
        self.config = config
        self.run = run
        dataset = try Datasets.make(config.data)
        var initRNG = ArrozRandom(seed: config.seed)
        model = try config.model.makeModel(rng: &initRNG)
        rng = ArrozRandom(seed: config.seed &+ 0x5eed)
        let o = config.optimizer
        let net = model
        let named = net.namedParameters().filter { $0.1.requiresGrad }.map { (name: $0.0, tensor: $0.1) }
        switch o.kind {
        case "adam", "adam-keras":
            optimizer = Adam(
                named, lr: o.lr, betas: (o.beta1, o.beta2), eps: o.eps, weightDecay: o.weightDecay,
                epsilon: o.kind == "adam-keras" ? .keras : .pytorch)
        default:
            optimizer = AdamW(named, lr: o.lr, betas: (o.beta1, o.beta2), eps: o.eps, weightDecay: o.weightDecay)
        }
        schedule = WarmupSchedule(baseLR: o.lr, warmupSteps: o.warmupSteps)
        ema = o.emaDecay.map { EMA(net, decay: $0, startStep: o.emaStart) }
        (process, prediction) = Generator.process(named: config.process)
        switch config.conditioning.kind {
        case "class":
            conditioner = Conditioner(classes: (dataset.classNames?.count ?? 0) + 1)
        default:
            conditioner = Conditioner(
                encoder: try encoder(config.conditioning.encoder), template: config.conditioning.captionTemplate)
        }
        model.train()
    }

    // MARK: - Data

    /// Where the batch of `step` starts: batches never straddle epochs, so this is a pure function of the step
    /// (which makes resuming exact: the loader restarts at the same epoch order and offset).
    func loaderPosition(at step: Int) -> LoaderPosition {
        let perEpoch = max(dataset.count / config.batchSize, 1)
        return LoaderPosition(epoch: step / perEpoch, position: (step % perEpoch) * config.batchSize)
    }

    /// A prefetching loader starting at `step`'s batch (seeded shuffling per epoch, flips where allowed).
    func makeLoader(at step: Int) -> DataLoader {
        DataLoader(
            dataset: dataset, batchSize: config.batchSize, seed: config.seed, horizontalFlip: config.data.flip,
            channels: config.data.channels, prefetch: 2, start: loaderPosition(at: step))
    }

    /// The next batch: images `[B, C, S, S]` in [−1, 1], captions, labels.
    func nextBatch() throws -> (images: Tensor, captions: [String], labels: [Int?]) {
        if loader == nil { loader = makeLoader(at: step) }
        guard let loader else { preconditionFailure("Trainer: no loader") }
        let b = try loader.next()
        return (b.images, b.captions, b.labels)
    }

    // MARK: - Step

    /// One optimizer step. Throws `TrainError.nonFiniteLoss` (weights untouched) when the loss is NaN or inf.
    @discardableResult
    public func trainStep() throws -> StepStats {
        let t0 = Date()
        let (x0, captions, labels) = try nextBatch()
        var cond = try conditioner.condition(labels: labels, captions: captions)
        cond = conditioner.dropout(
            cond, p: config.conditioning.dropout, perBatch: config.conditioning.perBatch, rng: &rng)
        let (noised, t, target) = process.trainingBatch(x0, prediction: prediction, rng: &rng)
        let lr = schedule.lr(at: step)
        optimizer.lr = lr
        optimizer.zeroGrad()
        let out = model.predict(noised, t: t, cond: cond)
        let loss = prediction == .x0 ? l1Loss(out, target) : mseLoss(out, target)
        let value = loss.item
        guard value.isFinite else {
            optimizer.zeroGrad()
            throw TrainError.nonFiniteLoss(step: step, loss: value, checkpoint: lastCheckpoint)
        }
        loss.backward()
        let params = optimizer.parameters.map(\.tensor)
        let norm = config.optimizer.gradClip.map { clipGradNorm(params, maxNorm: $0) } ?? globalGradNorm(params)
        optimizer.step()
        optimizer.zeroGrad()
        step += 1
        ema?.update(model, step: step)
        smoothedLoss = step == 1 ? value : 0.99 * smoothedLoss + 0.01 * value
        return StepStats(
            step: step, loss: value, smoothedLoss: smoothedLoss, lr: lr, gradNorm: norm,
            seconds: Date().timeIntervalSince(t0))
    }

    /// √Σ‖g‖² without clipping, for logging.
    func globalGradNorm(_ params: [Tensor]) -> Float {
        var acc: Double = 0
        for p in params { if let g = p.grad { for v in g.data { acc += Double(v) * Double(v) } } }
        return Float(acc.squareRoot())
    }
}
