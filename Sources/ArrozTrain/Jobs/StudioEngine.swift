// StudioEngine: the small protocol between the studio's job queue and the diffusion engine / training loop.
import ArrozDiffusion
import ArrozImage

/// What the studio needs from the engine. Every method is called on the compute thread only (never the UI
/// thread), one at a time, so implementations need no locking of their own. Methods report progress through
/// the closures they are given; they never touch the terminal.
///
/// The contract, method by method:
/// - ``summarize(promptA:promptB:)`` encodes two prompts and returns sparkline profiles, norms and cos(A, B).
/// - ``sample(_:controls:onStep:)`` runs one sampling job. Hand `controls` to the sampler's guided denoiser
///   (ArrozDiffusion reads `controls.guidanceScale` at every evaluation, so a CFG change applies mid-run, and
///   stops when `controls.isCancelled`). Call `onStep` after every step with a preview when cheap; when it
///   returns `false`, stop at once and return `nil` (the run was cancelled or replaced).
/// - ``train(_:control:onProgress:)`` runs a training job. Call `control.betweenSteps()` after every step and
///   obey its directive (the queue runs waiting sampling jobs inside that call). `.saveAndStop` must write a
///   checkpoint before returning: it is how quitting the studio preserves a run.
/// - ``traits(for:)`` describes a model (its samplers, step range, image edits, token grid); the queue sends it
///   to the UI before each sampling run, so the Sampler pane offers that model's own samplers.
/// - Errors are thrown with a message a user can act on; the studio shows them on its status line.
public protocol StudioEngine: AnyObject {
    /// Models / checkpoints the Sampler pane cycles through (display names, e.g. "emoji-arroz · ema").
    var models: [String] { get }
    /// Sampler names the Sampler pane cycles through (e.g. "ddim", "ddpm", "euler", "dpm++2m").
    var samplers: [String] { get }
    /// Training recipes `t` can start (the first is the default).
    var trainingRecipes: [String] { get }

    func summarize(promptA: String, promptB: String) throws -> PromptPairSummary

    /// The request as it will run: completed for its model (content hash, a sampler the model can use, its
    /// image size). Saved PNGs record this, so they name what actually ran.
    func prepare(_ request: GenerationRequest) throws -> GenerationRequest

    func sample(_ request: GenerationRequest, controls: SamplerControls, onStep: (SampleStep) -> Bool) throws
        -> RGBImage?

    func train(_ request: TrainRequest, control: TrainingControl, onProgress: (TrainingProgress) -> Void)
        throws

    /// The menus and abilities of the model named `model` (loads it when needed).
    func traits(for model: String) throws -> ModelTraits
}

extension StudioEngine {
    /// Default: every sampler of the menu, no image edits.
    public func traits(for model: String) throws -> ModelTraits { ModelTraits(samplers: samplers) }
}
