// SampleJob: the value types of an interactive sampling job — per-step snapshot, finished run, strip (the request
// is a GenerationRequest).
import ArrozImage

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
    public var request: GenerationRequest
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
        request: GenerationRequest, image: RGBImage, frames: [SampleFrame], secondsPerStep: Double,
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
    public var base: GenerationRequest
    public var count: Int

    public init(base: GenerationRequest, count: Int) {
        precondition(count >= 2, "StripRequest: count \(count) < 2")
        self.base = base
        self.count = count
    }

    /// Mix weight of frame i.
    public func mix(at index: Int) -> Float { Float(index) / Float(count - 1) }
}
