// RunConfig: everything needed to reproduce a training run — written as `runs/<name>/run.json`. Settings are
// typed (enums for every choice), so a typo is a validation error naming the field and the choices.
import ArrozDiffusion
import ArrozModels
import ArrozTensor
import Foundation

/// The data a run trains on.
public struct DataConfig: Codable, Hashable, Sendable {
    /// `fashion-mnist`, `emoji`, `shapes` or `folder`.
    public var dataset = "fashion-mnist"
    /// Folder path for `folder` (PNGs with `.txt` captions, or a `metadata.jsonl`); ignored otherwise.
    public var path: String?
    /// Side of the square training images.
    public var imageSize = 32
    /// 1 (grey) or 3 (RGB).
    public var channels = 1
    /// Use only the first N examples (nil = all).
    public var limit: Int?
    /// Random horizontal flips.
    public var flip = false

    public init() {}
}

/// How a batch's labels or captions condition the network.
public enum ConditioningKind: String, Choice, Sendable {
    /// Class ids (label + 1, 0 = unconditional).
    case `class`
    /// Prompt embeddings (zero vector = unconditional).
    case text
}

/// How captions or labels become the network's conditioning input.
public struct ConditioningConfig: Codable, Hashable, Sendable {
    public var kind = ConditioningKind.class
    /// Text encoder for `text`: `minilm` (default) or `clip:DIR`.
    public var encoder = "minilm"
    /// Probability of dropping the conditioning (CFG dropout; seeds: Keras 0.15, Arroz 0.1).
    public var dropout: Float = 0.15
    /// Drop for the whole batch at once (Arroz/Paella) instead of per sample (Keras/cclddg).
    public var perBatch = false
    /// Caption template for class datasets used with text conditioning; `{}` is the class name.
    public var captionTemplate: String?

    public init() {}
}

/// The optimizers a run can use (PyTorch's, and the Keras seed's Adam).
public enum OptimizerKind: String, Choice, Sendable {
    case adamw
    case adam
    /// Keras's Adam: eps 1e-7 on the raw √v, no weight decay.
    case adamKeras = "adam-keras"
}

/// What the learning rate does after the warmup.
public enum LRDecayKind: String, Choice, Sendable {
    /// Stays at `lr` (the seeds' GradualWarmupScheduler).
    case constant
    /// Cosine from `lr` down to `minLR` at the run's last step (`transformers.get_cosine_schedule_with_warmup`
    /// with a floor); stretching `steps` on resume stretches the curve.
    case cosine
}

/// Optimizer settings (PyTorch names and defaults).
public struct OptimizerConfig: Codable, Hashable, Sendable {
    public var kind = OptimizerKind.adamw
    public var lr: Float = 3e-4
    public var beta1: Float = 0.9
    public var beta2: Float = 0.999
    public var eps: Float = 1e-8
    public var weightDecay: Float = 0.01
    /// Linear warmup steps, then constant or `decay`.
    public var warmupSteps = 0
    /// After the warmup: constant (nil, as runs written before this field) or cosine to `minLR`.
    public var decay: LRDecayKind?
    /// The floor of the cosine decay (default lr / 100).
    public var minLR: Float?
    /// Global-norm gradient clipping (nil = off).
    public var gradClip: Float?
    /// EMA decay of weights (nil = no EMA) and the step it starts at (weights copied before).
    public var emaDecay: Float?
    public var emaStart = 0

    public init() {}
}

/// The sampler settings a run's previews use and `sample` starts from.
public struct SamplingDefaults: Codable, Hashable, Sendable {
    public var sampler = SamplerKind.ddim
    public var steps = 20
    public var cfg: Float = 3
    public var eta: Float = 0

    public init(sampler: SamplerKind = .ddim, steps: Int = 20, cfg: Float = 3, eta: Float = 0) {
        (self.sampler, self.steps, self.cfg, self.eta) = (sampler, steps, cfg, eta)
    }
}

/// A complete run description.
public struct RunConfig: Hashable, Sendable {
    public var name: String
    /// The recipe it came from (`fashion-keras`, …).
    public var recipe: String
    /// The family and its own config (network, noise process, losses — whatever the family needs).
    public var model: ModelSpec
    public var data = DataConfig()
    public var conditioning = ConditioningConfig()
    public var optimizer = OptimizerConfig()
    public var sampling = SamplingDefaults()
    public var batchSize = 32
    public var steps = 5000
    public var seed: UInt64 = 0
    public var logEvery = 10
    public var sampleEvery = 250
    public var checkpointEvery = 250
    /// What the preview grid shows: class names or prompts (empty = the first dataset captions / all classes).
    public var previewPrompts: [String] = []

    public init(name: String, recipe: String, model: ModelSpec) {
        self.name = name
        self.recipe = recipe
        self.model = model
    }

    /// Reads a run.json, naming the file on failure.
    public static func load(_ path: String) throws -> RunConfig {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TrainError.missingFile(path: path, hint: "start a run with `arroz-studio train --recipe NAME`")
        }
        do {
            return try JSONDecoder().decode(RunConfig.self, from: data)
        } catch let e as DecodingError {
            throw TrainError.badConfig(path: path, reason: describe(e))
        } catch {
            throw TrainError.badConfig(path: path, reason: "\(error)")
        }
    }

    /// Writes pretty JSON atomically.
    public func save(_ path: String) throws {
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys]
        let data = try enc.encode(self)
        try data.write(to: URL(fileURLWithPath: path), options: .atomic)
    }

    /// Checks user-editable settings before anything is built: the shared ones here, the family's in its own
    /// `validate`. Each error names the field, what was wrong and the valid range.
    public func validate() throws {
        func need(_ ok: Bool, _ field: String, _ value: Any, _ valid: String) throws {
            if !ok { throw TrainError.badSetting("\(field) is \(value) (\(valid))") }
        }
        try need(batchSize >= 1 && batchSize <= 4096, "batchSize", batchSize, "a whole number from 1 to 4096")
        try need(steps >= 1 && steps <= 100_000_000, "steps", steps, "a whole number from 1 up")
        try need(logEvery >= 1, "logEvery", logEvery, "a whole number from 1 up")
        try need(sampleEvery >= 1, "sampleEvery", sampleEvery, "a whole number from 1 up")
        try need(checkpointEvery >= 1, "checkpointEvery", checkpointEvery, "a whole number from 1 up")
        try need(data.channels == 1 || data.channels == 3, "data.channels", data.channels, "1 or 3")
        try need(data.imageSize >= 8 && data.imageSize <= 512, "data.imageSize", data.imageSize, "8 to 512")
        if let l = data.limit { try need(l >= 1, "data.limit", l, "a whole number from 1 up") }
        let o = optimizer
        try need(o.lr.isFinite && o.lr > 0 && o.lr < 10, "optimizer.lr", o.lr, "a number above 0, below 10")
        try need(o.beta1.isFinite && o.beta1 >= 0 && o.beta1 < 1, "optimizer.beta1", o.beta1, "0 ≤ β₁ < 1")
        try need(o.beta2.isFinite && o.beta2 >= 0 && o.beta2 < 1, "optimizer.beta2", o.beta2, "0 ≤ β₂ < 1")
        try need(o.eps.isFinite && o.eps > 0, "optimizer.eps", o.eps, "a number above 0")
        try need(o.weightDecay.isFinite && o.weightDecay >= 0, "optimizer.weightDecay", o.weightDecay, "≥ 0")
        try need(o.warmupSteps >= 0, "optimizer.warmupSteps", o.warmupSteps, "≥ 0")
        if let m = o.minLR {
            try need(m.isFinite && m >= 0 && m <= o.lr, "optimizer.minLR", m, "0 to optimizer.lr (\(o.lr))")
        }
        if let c = o.gradClip { try need(c.isFinite && c > 0, "optimizer.gradClip", c, "a number above 0") }
        if let d = o.emaDecay { try need(d.isFinite && d > 0 && d < 1, "optimizer.emaDecay", d, "0 < decay < 1") }
        let p = conditioning.dropout
        try need(p.isFinite && p >= 0 && p <= 1, "conditioning.dropout", p, "a probability from 0 to 1")
        try need(Self.samplingSteps.contains(sampling.steps), "sampling.steps", sampling.steps, "1 to 1000")
        try need(sampling.cfg.isFinite && sampling.cfg >= 0 && sampling.cfg <= 50, "sampling.cfg", sampling.cfg,
                 "0 to 50")
        try model.owner().validate(self)
    }

    static let samplingSteps = 1...1000
}

extension RunConfig: Codable {
    enum Keys: String, CodingKey {
        case name, recipe, model, data, conditioning, optimizer, sampling, batchSize, steps, seed, logEvery,
            sampleEvery, checkpointEvery, previewPrompts
        /// Before families owned their settings, the Gaussian process sat at the top level.
        case process
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        name = try c.decode(String.self, forKey: .name)
        recipe = try c.decodeIfPresent(String.self, forKey: .recipe) ?? ""
        model = try c.decode(ModelSpec.self, forKey: .model)
        if let legacy = try c.decodeIfPresent(String.self, forKey: .process), case .object(var o) = model.json,
            o["process"] == nil
        {
            o["process"] = .string(legacy)
            model.json = .object(o)
        }
        data = try c.decodeIfPresent(DataConfig.self, forKey: .data) ?? DataConfig()
        conditioning = try c.decodeIfPresent(ConditioningConfig.self, forKey: .conditioning) ?? ConditioningConfig()
        optimizer = try c.decodeIfPresent(OptimizerConfig.self, forKey: .optimizer) ?? OptimizerConfig()
        sampling = try c.decodeIfPresent(SamplingDefaults.self, forKey: .sampling) ?? SamplingDefaults()
        batchSize = try c.decodeIfPresent(Int.self, forKey: .batchSize) ?? 32
        steps = try c.decodeIfPresent(Int.self, forKey: .steps) ?? 5000
        seed = try c.decodeIfPresent(UInt64.self, forKey: .seed) ?? 0
        logEvery = try c.decodeIfPresent(Int.self, forKey: .logEvery) ?? 10
        sampleEvery = try c.decodeIfPresent(Int.self, forKey: .sampleEvery) ?? 250
        checkpointEvery = try c.decodeIfPresent(Int.self, forKey: .checkpointEvery) ?? 250
        previewPrompts = try c.decodeIfPresent([String].self, forKey: .previewPrompts) ?? []
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(name, forKey: .name)
        try c.encode(recipe, forKey: .recipe)
        try c.encode(model, forKey: .model)
        try c.encode(data, forKey: .data)
        try c.encode(conditioning, forKey: .conditioning)
        try c.encode(optimizer, forKey: .optimizer)
        try c.encode(sampling, forKey: .sampling)
        try c.encode(batchSize, forKey: .batchSize)
        try c.encode(steps, forKey: .steps)
        try c.encode(seed, forKey: .seed)
        try c.encode(logEvery, forKey: .logEvery)
        try c.encode(sampleEvery, forKey: .sampleEvery)
        try c.encode(checkpointEvery, forKey: .checkpointEvery)
        try c.encode(previewPrompts, forKey: .previewPrompts)
    }
}

/// A decoding error as one line: the field path and what was wrong (an unknown enum value lists the choices).
func describe(_ e: DecodingError) -> String {
    func path(_ c: [CodingKey]) -> String { c.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".") }
    switch e {
    case .dataCorrupted(let ctx): return "\(path(ctx.codingPath)): \(ctx.debugDescription)"
    case .keyNotFound(let k, let ctx): return "\(path(ctx.codingPath + [k])) is missing"
    case .typeMismatch(let t, let ctx): return "\(path(ctx.codingPath)) must be \(t)"
    case .valueNotFound(let t, let ctx): return "\(path(ctx.codingPath)) must be \(t), found null"
    @unknown default: return "\(e)"
    }
}
