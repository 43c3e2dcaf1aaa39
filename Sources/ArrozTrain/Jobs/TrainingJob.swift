// TrainingJob: what the studio asks of a training run and the snapshots the run reports back.
import ArrozImage

/// A request to train (or resume) a run.
public struct TrainRequest: Hashable, Sendable {
    /// Recipe name as listed by ``StudioEngine/trainingRecipes`` (or a path to a run config).
    public var recipe: String
    /// Run directory name under the runs folder.
    public var runName: String
    /// Resume from the run's latest checkpoint when it exists.
    public var resume: Bool
    /// Train the recipe's model on this folder of images instead of the recipe's data (nil = the recipe's).
    public var data: String?

    public init(recipe: String, runName: String, resume: Bool = true, data: String? = nil) {
        self.recipe = recipe
        self.runName = runName
        self.resume = resume
        self.data = data
    }
}

/// A snapshot of a training run after a step.
public struct TrainingProgress: Sendable {
    public var runName: String
    public var step: Int
    public var totalSteps: Int
    /// This step's loss (raw).
    public var loss: Float
    public var learningRate: Float
    public var gradNorm: Float
    public var itemsPerSecond: Double
    /// Estimated seconds left (nil until known).
    public var etaSeconds: Double?
    /// The latest sample grid and the step it was made at (sent only when new).
    public var samples: RGBImage?
    public var samplesStep: Int?
    /// A note such as "checkpoint saved at step 1200".
    public var message: String?
    /// True when a checkpoint was written since the last progress: the queue then re-reads the engine's
    /// model menu (so the run being trained can be sampled while it trains).
    public var checkpointSaved: Bool
    /// The family's own log fields this step (`psnr`, `codebook_usage`, `d_loss`, …), shown by the Training pane.
    public var fields: [String: Float]

    public init(
        runName: String, step: Int, totalSteps: Int, loss: Float, learningRate: Float, gradNorm: Float,
        itemsPerSecond: Double, etaSeconds: Double? = nil, samples: RGBImage? = nil, samplesStep: Int? = nil,
        message: String? = nil, checkpointSaved: Bool = false, fields: [String: Float] = [:]
    ) {
        self.checkpointSaved = checkpointSaved
        self.fields = fields
        self.runName = runName
        self.step = step
        self.totalSteps = totalSteps
        self.loss = loss
        self.learningRate = learningRate
        self.gradNorm = gradNorm
        self.itemsPerSecond = itemsPerSecond
        self.etaSeconds = etaSeconds
        self.samples = samples
        self.samplesStep = samplesStep
        self.message = message
    }
}

/// What a training loop does after asking ``TrainingControl/betweenSteps()``.
public enum TrainingDirective: Sendable, Equatable {
    /// Carry on with the next step.
    case proceed
    /// Save a checkpoint, then carry on.
    case saveCheckpoint
    /// Save a checkpoint and return (the studio is quitting or the user stopped the run).
    case saveAndStop
    /// Return without saving (the user cancelled the run).
    case stop
}

/// The hooks a training loop (on its own thread) calls. While an interactive job waits or runs on the compute
/// thread, these calls park the training thread, so sampling stays responsive during a run and the two stacks
/// never mix.
public protocol TrainingControl: AnyObject {
    /// Between steps: parks while interactive jobs run (and while paused), then returns the directive.
    func betweenSteps() -> TrainingDirective
    /// Inside a step (``Preemption`` points between ops): parks while an interactive job waits or runs, so a
    /// CFG key press never waits for the rest of a step. Returns at once when none does.
    func yieldIfAsked()
}

extension TrainingControl {
    public func yieldIfAsked() {}
}
