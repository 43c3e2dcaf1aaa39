// TestEngine: a small deterministic StudioEngine for the studio's tests (test target only, not shipped).
import ArrozDiffusion
import ArrozImage
import ArrozTrain
import Foundation

/// Images are solid colours computed from the request and the CFG read at each step, so tests can tell
/// which settings produced a frame. Hooks let a test act "from the UI" in the middle of a run.
final class TestEngine: StudioEngine {
    var models = ["toy-a", "toy-b"]
    var samplers = ["ddim", "ddpm", "euler"]
    var trainingRecipes = ["toy-run", "toy-other"]

    /// Called after each sampling step (before `onStep`), with the step number.
    var duringSample: ((GenerationRequest, Int) -> Void)?
    /// Called after each training step, with the step number.
    var duringTraining: ((Int) -> Void)?
    /// Op boundaries per training step (each calls `control.yieldIfAsked()`), and a hook after op (step, op).
    var opsPerStep = 0
    var duringOp: ((Int, Int) -> Void)?
    /// The threads sampling and training ran on.
    private(set) var sampleThreads: Set<UInt> = []
    private(set) var trainingThreads: Set<UInt> = []
    /// Steps per training run.
    var trainingSteps = 5
    /// Steps after which progress reports a saved checkpoint.
    var checkpointedSteps: Set<Int> = []
    var failSampling = false

    private(set) var sampleCalls: [GenerationRequest] = []
    /// The CFG read at each step of the last run.
    private(set) var cfgPerStep: [Float] = []
    private(set) var trainingEvents: [String] = []

    struct Failure: Error, CustomStringConvertible {
        var description: String { "toy engine asked to fail" }
    }

    /// Traits per model (default: every sampler of the menu, no image edits).
    var traitsByModel: [String: ModelTraits] = [:]

    func traits(for model: String) throws -> ModelTraits { traitsByModel[model] ?? ModelTraits(samplers: samplers) }

    func prepare(_ request: GenerationRequest) throws -> GenerationRequest { request }

    func summarize(promptA: String, promptB: String) throws -> PromptPairSummary {
        PromptPairSummary(vectorA: Self.vector(promptA), vectorB: Self.vector(promptB), bins: 8)
    }

    func sample(_ request: GenerationRequest, controls: SamplerControls, onStep: (SampleStep) -> Bool) throws
        -> RGBImage?
    {
        if failSampling { throw Failure() }
        sampleCalls.append(request)
        sampleThreads.insert(UInt(pthread_self()))
        cfgPerStep = []
        var image = RGBImage(width: request.size, height: request.size)
        for step in 1...request.steps {
            if controls.isCancelled { return nil }
            let cfg = controls.guidanceScale
            cfgPerStep.append(cfg)
            image = Self.image(request, cfg: cfg, step: step)
            trainingEvents.append("sample step \(step)")
            duringSample?(request, step)
            if !onStep(SampleStep(step: step, total: request.steps, preview: image, seconds: 0.01)) {
                return nil
            }
        }
        return image
    }

    func train(_ request: TrainRequest, control: TrainingControl, onProgress: (TrainingProgress) -> Void)
        throws
    {
        trainingThreads.insert(UInt(pthread_self()))
        for step in 1...trainingSteps {
            trainingEvents.append("train step \(step)")
            for op in 0..<opsPerStep {
                control.yieldIfAsked()
                trainingEvents.append("op \(step).\(op)")
                duringOp?(step, op)
            }
            onProgress(
                TrainingProgress(
                    runName: request.runName, step: step, totalSteps: trainingSteps, loss: 1 / Float(step),
                    learningRate: 1e-3, gradNorm: 0.5, itemsPerSecond: 10,
                    etaSeconds: Double(trainingSteps - step),
                    checkpointSaved: checkpointedSteps.contains(step)))
            duringTraining?(step)
            switch control.betweenSteps() {
            case .proceed: break
            case .saveCheckpoint: trainingEvents.append("checkpoint \(step)")
            case .saveAndStop:
                trainingEvents.append("checkpoint \(step)")
                return
            case .stop: return
            }
        }
    }

    static func vector(_ s: String) -> [Float] {
        var v = [Float](repeating: 0, count: 16)
        for (i, u) in s.unicodeScalars.enumerated() {
            v[(i * 7 + Int(u.value)) % 16] += Float(u.value % 13) - 6
        }
        return v
    }

    static func image(_ r: GenerationRequest, cfg: Float, step: Int) -> RGBImage {
        let red = UInt8(truncatingIfNeeded: Int(r.seed) &* 37 &+ step)
        let green = UInt8(min(255, Int(cfg * 10)))
        let blue = UInt8(min(255, Int(r.mix * 255)))
        return RGBImage(width: r.size, height: r.size, fill: (red, green, blue))
    }
}
