// RunConfig: everything needed to reproduce a training run — written as `runs/<name>/run.json`.
import ArrozModels
import Foundation

/// The data a run trains on.
public struct DataConfig: Codable, Hashable, Sendable {
    /// `fashion-mnist`, `emoji`, `shapes` or `folder`.
    public var dataset = "fashion-mnist"
    /// Folder path for `folder`; ignored otherwise.
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

/// How captions or labels become the network's conditioning input.
public struct ConditioningConfig: Codable, Hashable, Sendable {
    /// `class` (label + 1, 0 = unconditional) or `text` (prompt embeddings; zero vector = unconditional).
    public var kind = "class"
    /// Text encoder for `text`: `minilm` (default), `clip:DIR`, or `learned` (a learned vector per caption).
    public var encoder = "minilm"
    /// Probability of dropping the conditioning (CFG dropout; seeds: Keras 0.15, Arroz 0.1).
    public var dropout: Float = 0.15
    /// Drop for the whole batch at once (Arroz/Paella) instead of per sample (Keras/cclddg).
    public var perBatch = false
    /// Caption template for class datasets used with text conditioning; `{}` is the class name.
    public var captionTemplate: String?

    public init() {}
}

/// Optimizer settings (PyTorch names and defaults).
public struct OptimizerConfig: Codable, Hashable, Sendable {
    /// `adamw`, `adam`, or `adam-keras` (Keras's Adam: eps 1e-7 on the raw √v, no weight decay).
    public var kind = "adamw"
    public var lr: Float = 3e-4
    public var beta1: Float = 0.9
    public var beta2: Float = 0.999
    public var eps: Float = 1e-8
    public var weightDecay: Float = 0.01
    /// Linear warmup steps, then constant.
    public var warmupSteps = 0
    /// Global-norm gradient clipping (nil = off).
    public var gradClip: Float?
    /// EMA decay of weights (nil = no EMA) and the step it starts at (weights copied before).
    public var emaDecay: Float?
    public var emaStart = 0

    public init() {}
}

/// Sampler settings for previews and the default `sample`.
public struct SamplingConfig: Codable, Hashable, Sendable {
    public var sampler = "ddim"
    public var steps = 20
    public var cfg: Float = 3
    public var eta: Float = 0

    public init(sampler: String = "ddim", steps: Int = 20, cfg: Float = 3, eta: Float = 0) {
        (self.sampler, self.steps, self.cfg, self.eta) = (sampler, steps, cfg, eta)
    }
}

/// A complete run description.
public struct RunConfig: Codable, Hashable, Sendable {
    public var name: String
    /// The recipe it came from (`fashion-keras`, …).
    public var recipe: String
    public var model: ModelConfig
    public var data = DataConfig()
    public var conditioning = ConditioningConfig()
    public var optimizer = OptimizerConfig()
    public var sampling = SamplingConfig()
    /// Noise process: `keras` (x_σ = (1−σ)x + σε, x₀ target, L1), `cosine` (Arroz ᾱ(t), ε target, MSE),
    /// `discrete` (DDPM linear betas, 1000 steps, ε target, MSE).
    public var process = "keras"
    public var batchSize = 32
    public var steps = 5000
    public var seed: UInt64 = 0
    public var logEvery = 10
    public var sampleEvery = 250
    public var checkpointEvery = 250
    /// What the preview grid shows: class names or prompts (empty = the first dataset captions / all classes).
    public var previewPrompts: [String] = []

    public init(name: String, recipe: String, model: ModelConfig) {
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

    /// Checks user-editable settings before anything is built.
    public func validate() throws {
        try model.validate()
        guard ["keras", "cosine", "discrete"].contains(process) else {
            throw TrainError.badSetting("process must be keras, cosine or discrete, got '\(process)'")
        }
        guard batchSize > 0, steps > 0 else { throw TrainError.badSetting("batchSize and steps must be positive") }
        guard ["class", "text"].contains(conditioning.kind) else {
            throw TrainError.badSetting("conditioning.kind must be class or text")
        }
        let (c, s) = model.imageShape
        guard c == data.channels, s == data.imageSize else {
            throw TrainError.badSetting(
                "model expects \(c)×\(s)×\(s) images but data gives \(data.channels)×\(data.imageSize)×\(data.imageSize)")
        }
    }
}
