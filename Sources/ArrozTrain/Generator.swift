// Generator: a trained network bound to its noise process and conditioner — what `sample`, previews, the
// studio and `interpolate` call to turn conditioning and a seed into images.
import ArrozDiffusion
import ArrozImage
import ArrozModels
import ArrozNN
import ArrozTensor

/// Sampling settings for one generation.
public struct GenerationSettings: Codable, Hashable, Sendable {
    public var sampler: String
    public var steps: Int
    public var cfg: Float
    public var eta: Float
    public var seed: UInt64

    public init(sampler: String = "ddim", steps: Int = 20, cfg: Float = 3, eta: Float = 0, seed: UInt64 = 0) {
        (self.sampler, self.steps, self.cfg, self.eta, self.seed) = (sampler, steps, cfg, eta, seed)
    }
}

/// Binds a network (in eval mode) to the process and prediction kind it was trained with.
public final class Generator {
    public let model: any DiffusionNetwork
    public let process: any GaussianProcess
    public let prediction: Prediction
    /// The process name (`keras`, `cosine`, `discrete`) — decides which samplers apply.
    public let processName: String

    public init(model: any DiffusionNetwork, processName: String) {
        self.model = model
        self.processName = processName
        (process, prediction) = Self.process(named: processName)
    }

    /// The noise process and prediction kind of a run's `process` setting: `keras` (x_σ = (1−σ)x + σε, x₀),
    /// `discrete` (DDPM table, ε), else `cosine` (Arroz ᾱ(t), ε).
    public static func process(named name: String) -> (any GaussianProcess, Prediction) {
        switch name {
        case "keras": (KerasProcess(), .x0)
        case "discrete": (DiscreteSchedule(), .epsilon)
        default: (Diffuzz(), .epsilon)
        }
    }

    /// Clip x̂₀ to [−1, 1] at every step (pixel-space ε models: DDPM's `clip_denoised`). Off for the Keras
    /// process, whose sampler applies the seed's own dynamic thresholding.
    public var clipDenoised: Bool { processName != "keras" }

    /// Sampler names that work with this process.
    public var samplerNames: [String] { SamplerKind.available(for: process).map(\.rawValue) }

    /// The default sampler for this process (Keras: its own σ sampler; else DDIM).
    public var defaultSampler: String { processName == "keras" ? "keras" : "ddim" }

    /// The network as samplers call it: conditioned on `cond` (zeros as the unconditional row), guided by the
    /// live `controls`, with x̂₀ clipped when ``clipDenoised``.
    public func guidedDenoiser(cond: Tensor, controls: SamplerControls) -> GuidedDenoiser {
        let model = self.model
        let denoiser: Denoiser = { x, t, c in
            withNoGrad { model.predict(x, t: t, cond: c ?? Tensor.zeros([x.shape[0]] + Array(cond.shape.dropFirst()))) }
        }
        var guided = GuidedDenoiser(denoiser, prediction: prediction, cond: cond, controls: controls)
        if clipDenoised { guided.clipDenoised = (-1...1, process) }
        return guided
    }

    /// Images `[N, C, S, S]` in [−1, 1] for conditioning rows `cond` (`[N]` class ids or `[N, D]` embeddings),
    /// or nil when cancelled. `noise` overrides the seed's N(0, I) start (noise interpolation).
    public func generate(
        cond: Tensor, settings: GenerationSettings, controls: SamplerControls? = nil, noise: Tensor? = nil,
        onStep: StepCallback? = nil
    ) throws -> Tensor? {
        model.eval()
        let (C, S) = model.modelConfig.imageShape
        let N = cond.shape[0]
        var rng = ArrozRandom(seed: settings.seed)
        let x = noise ?? Tensor.randn([N, C, S, S], rng: &rng)
        guard let kind = SamplerKind(rawValue: settings.sampler) else {
            throw TrainError.badSetting(
                "unknown sampler '\(settings.sampler)' (known: \(samplerNames.joined(separator: ", ")))")
        }
        let sampler = try makeSampler(
            SamplerSettings(kind: kind, steps: settings.steps, eta: kind == .ddim ? settings.eta : nil),
            process: process)
        let guided = guidedDenoiser(cond: cond, controls: controls ?? SamplerControls(guidanceScale: settings.cfg))
        return withNoGrad { sampler.sample(guided, from: x, rng: &rng, onStep: onStep)?.sample.clamp(min: -1, max: 1) }
    }
}
