// SampleJob: the value types of an interactive sampling job — request, per-step snapshot, finished run.
import ArrozImage

/// Everything that determines a sampled image. Hashable, so finished runs are cached by it.
public struct SampleRequest: Hashable, Sendable, Codable {
    public var promptA: String
    public var promptB: String
    /// Interpolation weight from A (0) to B (1); norm-aware slerp in the engine.
    public var mix: Float
    /// Model / checkpoint name as listed by ``StudioEngine/models``.
    public var model: String
    /// Sampler name as listed by ``StudioEngine/samplers``.
    public var sampler: String
    public var steps: Int
    /// Classifier-free guidance scale s in u + s·(c − u).
    public var cfg: Float
    public var seed: UInt64
    public var width: Int
    public var height: Int
    /// DDIM η (0 = deterministic).
    public var eta: Float

    public init(
        promptA: String, promptB: String = "", mix: Float = 0, model: String, sampler: String,
        steps: Int, cfg: Float, seed: UInt64, width: Int, height: Int, eta: Float = 0
    ) {
        self.promptA = promptA
        self.promptB = promptB
        self.mix = mix
        self.model = model
        self.sampler = sampler
        self.steps = steps
        self.cfg = cfg
        self.seed = seed
        self.width = width
        self.height = height
        self.eta = eta
    }

    /// True when `other` is the same run except for the CFG scale (which can change while it runs).
    public func differsOnlyInCFG(from other: SampleRequest) -> Bool {
        var a = self
        a.cfg = other.cfg
        return a == other && cfg != other.cfg
    }
}

/// A snapshot after one sampling step.
public struct SampleStep: Sendable {
    /// 1-based step just finished.
    public var step: Int
    public var total: Int
    /// x̂₀ preview (or nil when the engine skipped it for this step).
    public var preview: RGBImage?
    /// Wall time of this step in seconds.
    public var seconds: Double

    public init(step: Int, total: Int, preview: RGBImage?, seconds: Double) {
        self.step = step
        self.total = total
        self.preview = preview
        self.seconds = seconds
    }
}

/// One kept preview of a run, for the scrub strip.
public struct SampleFrame: Sendable {
    public var step: Int
    public var image: RGBImage

    public init(step: Int, image: RGBImage) {
        self.step = step
        self.image = image
    }
}

/// A finished sampling run: final image, kept step previews, timing.
public struct SampleRun: Sendable {
    public var request: SampleRequest
    public var image: RGBImage
    public var frames: [SampleFrame]
    /// Mean seconds per step.
    public var secondsPerStep: Double
    /// True when served from the cache instead of computed.
    public var fromCache: Bool
    /// True when CFG changed mid-run (such runs are not cached: no single request describes them).
    public var cfgChangedMidRun: Bool
    /// Steps the sampler actually took (its schedule may differ from `request.steps`).
    public var steps: Int

    public init(
        request: SampleRequest, image: RGBImage, frames: [SampleFrame], secondsPerStep: Double,
        fromCache: Bool = false, cfgChangedMidRun: Bool = false, steps: Int? = nil
    ) {
        self.steps = steps ?? frames.last?.step ?? request.steps
        self.request = request
        self.image = image
        self.frames = frames
        self.secondsPerStep = secondsPerStep
        self.fromCache = fromCache
        self.cfgChangedMidRun = cfgChangedMidRun
    }
}

/// An interpolation strip: `count` images from mix 0 to 1 with shared noise (same seed).
public struct StripRequest: Hashable, Sendable {
    public var base: SampleRequest
    public var count: Int

    public init(base: SampleRequest, count: Int) {
        precondition(count >= 2, "StripRequest: count \(count) < 2")
        self.base = base
        self.count = count
    }

    /// Mix weight of frame i.
    public func mix(at index: Int) -> Float { Float(index) / Float(count - 1) }
}
