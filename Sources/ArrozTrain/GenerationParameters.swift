// GenerationParameters: the settings of a headless generation, stored in the PNG `parameters` text chunk in the
// same A1111-style text the studio writes (SampleRequest.parametersText), so either side reproduces the other's.
import Foundation

/// Everything that reproduces an image: checkpoint, prompt(s), sampler settings, seed.
public struct GenerationParameters: Equatable, Sendable {
    /// A checkpoint path, or a studio model name (`<run> · ema`, `default · emoji`).
    public var checkpoint: String
    public var prompts: [String]
    /// Prompt B and the A↔B mix (norm-aware slerp), as the studio's mix slider sets them.
    public var promptB = ""
    public var mix: Float = 0
    public var n = 1
    public var sampler = ""
    public var steps = 0
    public var cfg: Float = -1
    public var eta: Float = 0
    public var seed: UInt64 = 0
    public var ema = true
    public var size = 0

    public init(checkpoint: String, prompts: [String]) {
        self.checkpoint = checkpoint
        self.prompts = prompts
    }

    /// Reads the `parameters` text of a PNG written by `sample`, `interpolate` or the studio's `s`.
    public init(parsing text: String, source: String) throws {
        let r = try SampleRequest(parametersText: text, source: source)
        self.init(checkpoint: r.model, prompts: [r.promptA])
        promptB = r.promptB
        mix = r.mix
        sampler = r.sampler
        steps = r.steps
        cfg = r.cfg
        eta = r.eta
        seed = r.seed
        size = r.width
    }

    /// Fills unset sampler settings from the model's run (or the family defaults).
    public mutating func fillDefaults(_ model: LoadedModel) {
        let s = model.info.run?.sampling
        if sampler.isEmpty { sampler = s?.sampler ?? model.generator.defaultSampler }
        if steps <= 0 { steps = s?.steps ?? 20 }
        if cfg < 0 { cfg = s?.cfg ?? 3 }
        size = model.info.model.imageShape.size
    }

    /// The studio's request for the first image (what `parameters` describes).
    public var request: SampleRequest {
        SampleRequest(
            promptA: prompts.first ?? "", promptB: promptB, mix: mix, model: checkpoint, sampler: sampler,
            steps: steps, cfg: cfg, seed: seed, width: size, height: size, eta: eta)
    }

    /// The `parameters` text chunk: A1111-style, the same as the studio's.
    public var text: String { request.parametersText }

    /// The checkpoint file a model reference names: an existing path, or `<run> · ema` under `runsRoot`.
    public static func resolve(_ reference: String, runsRoot: String = "runs") -> String {
        if FileManager.default.fileExists(atPath: reference) { return reference }
        if let dot = reference.range(of: " · ") {
            return RunDirectory(root: runsRoot, name: String(reference[..<dot.lowerBound])).latestCheckpoint
        }
        return reference
    }
}
