// TrainingSession: a Trainer plus its run directory's cadence — log lines, preview grids, atomic checkpoints,
// stop/pause handling — shared by `arroz-studio train` and the studio's training job.
import ArrozImage
import ArrozTensor
import ArrozText
import Foundation

/// What the caller wants after a step.
public enum SessionDirective: Sendable {
    case proceed
    /// Write a checkpoint now and keep going.
    case saveNow
    /// Write a checkpoint and return.
    case saveAndStop
}

/// Events a session reports while running.
public enum SessionEvent {
    case step(StepStats, itPerSecond: Double)
    case sample(RGBImage, path: String, step: Int)
    case checkpoint(path: String, step: Int)
}

public final class TrainingSession {
    public let trainer: Trainer
    public let run: RunDirectory
    let log: TrainLog
    let started = Date()
    var startStep: Int

    /// Opens `run` for `config`: continues from its checkpoint when there is one, else starts fresh
    /// (writing run.json). Throws when a checkpoint exists but does not load (naming the file and the fix).
    public init(config: RunConfig, run: RunDirectory, encoder: @escaping (String) throws -> PromptEncoder) throws {
        try run.create()
        self.run = run
        trainer = try Trainer(config: config, run: run, encoder: encoder)
        if run.hasCheckpoint {
            try trainer.restore(from: run.latestCheckpoint)
            TrainLog.truncate(run.logPath, to: trainer.step)
        } else {
            try config.save(run.configPath)
            try? FileManager.default.removeItem(atPath: run.logPath)
        }
        log = TrainLog(path: run.logPath)
        startStep = trainer.step
    }

    /// Opens an existing run directory (its run.json and latest checkpoint).
    public convenience init(resuming run: RunDirectory, encoder: @escaping (String) throws -> PromptEncoder) throws {
        let config = try RunConfig.load(run.configPath)
        try self.init(config: config, run: run, encoder: encoder)
    }

    public var step: Int { trainer.step }
    public var config: RunConfig { trainer.config }

    /// Trains until `config.steps` (or `untilStep`), calling `directive` after every step.
    /// A NaN/inf loss throws `TrainError.nonFiniteLoss` and keeps the last good checkpoint on disk.
    /// `preempt`, when given, is called inside steps and preview sampling at op boundaries (at most every
    /// 4 ms, see ``Preemption``): the studio serves waiting interactive jobs there.
    public func run(
        untilStep: Int? = nil, directive: () -> SessionDirective = { .proceed },
        preempt: (() -> Void)? = nil, onEvent: (SessionEvent) -> Void
    ) throws {
        func preemptible<T>(_ body: () throws -> T) rethrows -> T {
            guard let preempt else { return try body() }
            return try Preemption.withHook(every: 0.004, preempt, body)
        }
        let end = untilStep ?? config.steps
        var windowStart = Date(), windowSteps = 0
        var rate = 0.0
        while trainer.step < end {
            let stats = try preemptible { try trainer.trainStep() }
            windowSteps += 1
            let w = Date().timeIntervalSince(windowStart)
            if w >= 2 {
                rate = Double(windowSteps) / w
                windowStart = Date()
                windowSteps = 0
            } else if rate == 0 {
                rate = 1 / max(stats.seconds, 1e-6)
            }
            if trainer.step % config.logEvery == 0 || trainer.step == end {
                log.append(LogLine(
                    step: stats.step, loss: stats.loss, smoothedLoss: stats.smoothedLoss, lr: stats.lr,
                    gradNorm: stats.gradNorm, itPerSecond: rate, time: Date().timeIntervalSince(started),
                    fields: stats.fields))
            }
            onEvent(.step(stats, itPerSecond: rate))
            if trainer.step % config.sampleEvery == 0 || trainer.step == end {
                let path = run.samplePath(step: trainer.step)
                let grid = try preemptible { try trainer.previewGrid() }
                try savePNG(grid, path, text: ["parameters": "run \(run.name) step \(trainer.step) preview"])
                onEvent(.sample(grid, path: path, step: trainer.step))
            }
            var d = directive()
            if trainer.step % config.checkpointEvery == 0 || trainer.step == end {
                if case .proceed = d { d = .saveNow }
            }
            switch d {
            case .proceed: break
            case .saveNow:
                try saveCheckpoint(onEvent)
            case .saveAndStop:
                try saveCheckpoint(onEvent)
                return
            }
        }
    }

    public func saveCheckpoint(_ onEvent: (SessionEvent) -> Void = { _ in }) throws {
        try trainer.save(to: run.latestCheckpoint)
        onEvent(.checkpoint(path: run.latestCheckpoint, step: trainer.step))
    }
}
