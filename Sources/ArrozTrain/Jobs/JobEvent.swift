// JobEvent: the Sendable snapshots compute jobs send to the UI and the CLI — pixels and numbers, never
// tensors.
import ArrozImage

/// Identifies a job in the queue.
public struct JobID: Hashable, Sendable, CustomStringConvertible {
    public let raw: Int
    public init(_ raw: Int) { self.raw = raw }
    public var description: String { "#\(raw)" }
}

/// Where a job is in its life.
public enum JobState: String, Sendable {
    case queued, running, done, failed, cancelled

    /// True once the job will send no more events.
    public var isFinal: Bool { self == .done || self == .failed || self == .cancelled }
}

/// What a job does. Interactive kinds (sample, encode, strip) coalesce: the newest request of a kind wins.
public enum JobKind: String, Sendable, CaseIterable {
    case sample, encode, strip, train

    public var isInteractive: Bool { self != .train }
}

/// One message from the compute thread.
public struct JobEvent: Sendable {
    public let job: JobID
    public let kind: JobKind
    public let update: Update

    public init(job: JobID, kind: JobKind, update: Update) {
        self.job = job
        self.kind = kind
        self.update = update
    }

    /// The payloads a job can send.
    public enum Update: Sendable {
        /// The job changed state; `message` explains failures and cancellations.
        case state(JobState, message: String?)
        /// A sampling step finished (1-based step), with its preview when the engine made one.
        case sampleStep(SampleStep)
        /// A sampling run finished (or was served from the cache: `run.fromCache`).
        case sampleFinished(SampleRun)
        /// The live CFG changed while the run was past step `afterStep`; it applies from the next denoiser
        /// call.
        case cfgChanged(cfg: Float, afterStep: Int)
        /// Prompt embeddings were summarised for the Prompts pane.
        case encoded(PromptPairSummary)
        /// One frame of an interpolation strip (index of count, at mix weight `mix`).
        /// `request` is the frame's request as it ran (prepared for the model).
        case stripFrame(index: Int, count: Int, mix: Float, image: RGBImage, request: GenerationRequest)
        /// Training progress after a step (or a checkpoint / sample grid).
        case training(TrainingProgress)
        /// The training run was paused (true) or resumed (false).
        case paused(Bool)
        /// The engine's menus, read on the compute thread (sent after a training job, which can add models).
        case catalog(EngineCatalog)
        /// The menus and abilities of the model a sampling job is about to run (sent before its first step).
        case modelTraits(model: String, ModelTraits)
    }
}

/// The lists the Sampler and Training panes cycle through.
public struct EngineCatalog: Sendable, Equatable {
    public var models: [String]
    public var samplers: [String]
    public var recipes: [String]

    public init(models: [String], samplers: [String], recipes: [String]) {
        self.models = models
        self.samplers = samplers
        self.recipes = recipes
    }
}

/// A row of the one-line job list.
public struct JobSummary: Sendable, Equatable {
    public let id: JobID
    public let kind: JobKind
    public var state: JobState
    /// Steps done and total (0/0 when unknown).
    public var step: Int
    public var total: Int

    public init(id: JobID, kind: JobKind, state: JobState, step: Int = 0, total: Int = 0) {
        self.id = id
        self.kind = kind
        self.state = state
        self.step = step
        self.total = total
    }
}
