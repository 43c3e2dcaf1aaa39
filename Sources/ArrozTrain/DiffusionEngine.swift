// DiffusionEngine: the studio's engine — real models, real MiniLM embeddings, real samplers, real training.
import ArrozDiffusion
import ArrozImage
import ArrozModels
import ArrozTensor
import ArrozText
import Foundation

/// Implements ``StudioEngine`` over checkpoints on disk: the bundled default model and every run's latest
/// checkpoint under the runs folder. Called on the compute thread only (the protocol's contract).
public final class DiffusionEngine: StudioEngine {
    /// Display name → checkpoint path, in menu order (default model first).
    public private(set) var catalog: [(name: String, path: String)]
    let runsRoot: String
    private var loaded: [String: LoadedModel] = [:]
    private let encoder: () throws -> PromptEncoder

    /// `defaultModel` is the bundled checkpoint (nil when absent); `runsRoot` is scanned for runs.
    public init(defaultModel: String?, runsRoot: String = "runs", encoder: @escaping () throws -> PromptEncoder = {
        try Encoders.make("minilm")
    }) {
        self.runsRoot = runsRoot
        self.encoder = encoder
        catalog = []
        if let d = defaultModel, FileManager.default.fileExists(atPath: d) { catalog.append(("default · emoji", d)) }
        refresh()
    }

    /// Rescans the runs folder for checkpoints.
    public func refresh() {
        let runs = ((try? FileManager.default.contentsOfDirectory(atPath: runsRoot)) ?? []).sorted()
        for r in runs {
            let dir = RunDirectory(root: runsRoot, name: r)
            let name = "\(r) · ema"
            if dir.hasCheckpoint && !catalog.contains(where: { $0.name == name }) {
                catalog.append((name, dir.latestCheckpoint))
            }
        }
    }

    public var models: [String] { catalog.map(\.name) }
    public var samplers: [String] { SamplerKind.allCases.map(\.rawValue) }
    public var trainingRecipes: [String] { Recipes.names }

    /// The model behind a menu name, loaded once.
    public func model(named name: String) throws -> LoadedModel {
        if let m = loaded[name] { return m }
        guard let path = catalog.first(where: { $0.name == name })?.path ?? catalog.first?.path else {
            throw EngineError.noModel(runsRoot: runsRoot)
        }
        let m = try LoadedModel(path: path, encoder: { _ in try self.encoder() })
        loaded[name] = m
        return m
    }

    public func summarize(promptA: String, promptB: String) throws -> PromptPairSummary {
        let enc = try encoder()
        let a = try PromptInput.embedding(for: promptA, encoder: enc, template: nil)
        let b = promptB.isEmpty ? a : try PromptInput.embedding(for: promptB, encoder: enc, template: nil)
        return PromptPairSummary(vectorA: a, vectorB: b)
    }

    /// Conditioning for one request: the A↔B mix is a norm-aware slerp of the two embeddings (class models
    /// take A below mix 0.5 and B from 0.5).
    func conditioning(_ r: SampleRequest, _ m: LoadedModel) throws -> Tensor {
        switch m.generator.model.conditioning {
        case .classes:
            let p = (r.mix >= 0.5 && !r.promptB.isEmpty) ? r.promptB : r.promptA
            return try m.conditioning(for: [p])
        case .embedding:
            let a = try m.conditioning(for: [r.promptA])
            guard !r.promptB.isEmpty, r.mix > 0 else { return a }
            let b = try m.conditioning(for: [r.promptB])
            return Interpolation.normAwareSlerp(a, b, r.mix)
        }
    }

    public func sample(_ request: SampleRequest, controls: SamplerControls, onStep: (SampleStep) -> Bool) throws
        -> RGBImage?
    {
        let m = try model(named: request.model)
        let cond = try conditioning(request, m)
        let sampler = m.generator.samplerNames.contains(request.sampler) ? request.sampler : m.generator.defaultSampler
        let settings = GenerationSettings(
            sampler: sampler, steps: request.steps, cfg: controls.guidanceScale, eta: request.eta, seed: request.seed)
        var last = Date()
        let result = try withoutActuallyEscaping(onStep) { onStep in
            try m.generator.generate(cond: cond, settings: settings, controls: controls) { step in
                let now = Date()
                let preview = RGBImage.images(fromBatch: step.x0.clamp(min: -1, max: 1))[0]
                let go = onStep(SampleStep(step: step.index + 1, total: step.count, preview: preview,
                                           seconds: now.timeIntervalSince(last)))
                last = now
                return go
            }
        }
        return result.map { RGBImage.images(fromBatch: $0)[0] }
    }

    public func train(_ request: TrainRequest, control: TrainingControl, onProgress: (TrainingProgress) -> Void) throws {
        let dir = RunDirectory(root: runsRoot, name: request.runName)
        let session: TrainingSession
        if request.resume && dir.exists {
            session = try TrainingSession(resuming: dir, encoder: Encoders.make)
        } else {
            if dir.exists { try? FileManager.default.removeItem(atPath: dir.path) }
            let cfg = try Recipes.make(request.recipe, runName: request.runName)
            session = try TrainingSession(config: cfg, run: dir, encoder: Encoders.make)
        }
        let total = session.config.steps
        var pendingSamples: (RGBImage, Int)?
        var note: String?
        var saved = false
        try session.run(
            directive: {
                switch control.betweenSteps() {
                case .proceed: return .proceed
                case .saveCheckpoint: return .saveNow
                case .saveAndStop, .stop: return .saveAndStop
                }
            },
            preempt: { control.serveWaiting() },
            onEvent: { event in
                switch event {
                case .sample(let img, _, let step): pendingSamples = (img, step)
                case .checkpoint(_, let step):
                    note = "checkpoint saved at step \(step)"
                    saved = true
                    // The studio may sample this run while it trains: list it, and reload its weights next time.
                    refresh()
                    loaded["\(request.runName) · ema"] = nil
                case .step(let s, let rate):
                    onProgress(TrainingProgress(
                        runName: request.runName, step: s.step, totalSteps: total, loss: s.loss,
                        learningRate: s.lr, gradNorm: s.gradNorm, itemsPerSecond: rate,
                        etaSeconds: rate > 0 ? Double(total - s.step) / rate : nil,
                        samples: pendingSamples?.0, samplesStep: pendingSamples?.1, message: note,
                        checkpointSaved: saved))
                    pendingSamples = nil
                    note = nil
                    saved = false
                }
            })
        refresh()
    }
}

public enum EngineError: Error, CustomStringConvertible {
    case noModel(runsRoot: String)

    public var description: String {
        switch self {
        case .noModel(let root):
            "no model to sample: no bundled default model and no checkpoint under \(root)/ "
                + "(hint: press t to train one, or run `arroz-studio train --recipe shapes-arroz`)"
        }
    }
}
