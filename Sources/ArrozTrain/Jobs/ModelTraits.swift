// ModelTraits: what the studio needs to know about one model to offer the right menus and edits — its own
// samplers and step range, what it can do with an image (variations, structural variation, inpainting), and the
// token grid a mark mode draws over.
import ArrozDiffusion

/// One model's menus and abilities, read on the compute thread (the model is loaded) and sent to the UI.
public struct ModelTraits: Sendable, Equatable {
    /// Samplers the model runs, in menu order; the first is its default (Paella: `paella`, DDG: `ddg`).
    public var samplers: [String]
    /// The sampler and steps its run samples with by default (`sampling` in run.json).
    public var defaultSampler: String
    public var defaultSteps: Int
    /// The most steps its sampler can take (DDG: its table's 4–5; nil: any up to the studio's limit).
    public var maxSteps: Int?
    public var capabilities: PipelineCapabilities
    /// Side of the square images it makes.
    public var imageSize: Int
    /// Token models: tokens per side of the latent grid (a mark cell is one token); nil for the others.
    public var tokenGrid: Int?

    public init(
        samplers: [String], defaultSampler: String? = nil, defaultSteps: Int? = nil, maxSteps: Int? = nil,
        capabilities: PipelineCapabilities = [], imageSize: Int = 0, tokenGrid: Int? = nil
    ) {
        self.samplers = samplers
        self.defaultSampler = defaultSampler ?? samplers.first ?? "ddim"
        self.defaultSteps = defaultSteps ?? (SamplerKind(name: self.defaultSampler)?.defaultSteps ?? 20)
        self.maxSteps = maxSteps
        self.capabilities = capabilities
        self.imageSize = imageSize
        self.tokenGrid = tokenGrid
    }
}

extension ModelTraits {
    /// The traits of a loaded model: its pipeline's samplers and abilities, its run's sampling defaults.
    public init(_ model: LoadedModel) {
        let p = model.pipeline
        let defaults = model.request(prompt: "")
        self.init(
            samplers: p.samplers.map(\.rawValue), defaultSampler: defaults.sampler.rawValue,
            defaultSteps: min(defaults.steps, p.maxSteps ?? defaults.steps), maxSteps: p.maxSteps,
            capabilities: p.capabilities, imageSize: p.outputShape.size, tokenGrid: p.tokenGrid)
    }
}
