// Trainer: one training run — batches, the learning-rate schedule, the step count, the RNG and the logs; what
// is trained and how (losses, networks, optimizers) is the family's TrainingObjective.
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
    /// The family's own log fields (`psnr`, `codebook_usage`, `d_loss`, …).
    public var fields: [String: Float] = [:]
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
    public let family: any Family.Type
    public let objective: any TrainingObjective
    let schedule: WarmupSchedule
    public let dataset: Dataset
    let encoder: (String) throws -> PromptEncoder
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

    /// Builds the run: data, and the family's objective (fresh weights; `restore` loads a checkpoint).
    /// `encoder` makes the text encoder for text-conditioned runs.
    public init(config: RunConfig, run: RunDirectory, encoder: @escaping (String) throws -> PromptEncoder) throws {
        try config.validate()
        self.config = config
        self.run = run
        self.encoder = encoder
        family = try config.model.owner()
        dataset = try Datasets.make(config.data)
        guard dataset.count >= config.batchSize else {
            throw TrainError.badSetting(
                "batchSize is \(config.batchSize) but the dataset has only \(dataset.count) examples "
                    + "(use a batch size from 1 to \(dataset.count), or more data)")
        }
        objective = try family.makeObjective(
            config,
            context: ObjectiveContext(
                classNames: dataset.classNames, encoder: encoder, initRNG: ArrozRandom(seed: config.seed)))
        rng = ArrozRandom(seed: config.seed &+ 0x5eed)
        schedule = config.optimizer.schedule(totalSteps: config.steps)
        objective.train()
    }

    /// The weights the checkpoint stores (the family's network tree).
    public var model: any Layer { objective.weights }

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
    func nextBatch() throws -> TrainingBatch {
        if loader == nil { loader = makeLoader(at: step) }
        guard let loader else { preconditionFailure("Trainer: no loader") }
        let b = try loader.next()
        return TrainingBatch(images: b.images, captions: b.captions, labels: b.labels)
    }

    // MARK: - Step

    /// One optimizer step. Throws `TrainError.nonFiniteLoss` (weights untouched, naming the last good
    /// checkpoint) when the loss is NaN or inf.
    @discardableResult
    public func trainStep() throws -> StepStats {
        let t0 = Date()
        let batch = try nextBatch()
        let lr = schedule.lr(at: step)
        let out: ObjectiveStep
        do {
            out = try objective.step(batch, lr: lr, step: step, rng: &rng)
        } catch TrainError.nonFiniteLoss(let s, let loss, _) {
            throw TrainError.nonFiniteLoss(step: s, loss: loss, checkpoint: lastCheckpoint)
        }
        step += 1
        smoothedLoss = step == 1 ? out.loss : 0.99 * smoothedLoss + 0.01 * out.loss
        return StepStats(
            step: step, loss: out.loss, smoothedLoss: smoothedLoss, lr: lr, gradNorm: out.gradNorm,
            fields: out.fields, seconds: Date().timeIntervalSince(t0))
    }
}
