// AppState: everything the studio screen shows, as a plain value the reducer changes and the panes read.
import ArrozDiffusion
import ArrozImage
import ArrozTrain

/// The four panes, in tab order.
public enum PaneID: Int, CaseIterable, Sendable {
    case prompts, sampler, preview, training

    public var title: String {
        switch self {
        case .prompts: "Prompts"
        case .sampler: "Sampler"
        case .preview: "Preview"
        case .training: "Training"
        }
    }

    /// Number of fields ↑/↓ moves through.
    public var fieldCount: Int {
        switch self {
        case .prompts: PromptField.allCases.count
        case .sampler: SamplerField.allCases.count
        case .preview: 1
        case .training: 2
        }
    }
}

/// Fields of the Prompts pane.
public enum PromptField: Int, CaseIterable, Sendable { case a, b, mix }

/// Fields of the Sampler pane.
public enum SamplerField: Int, CaseIterable, Sendable {
    case model, sampler, steps, cfg, seed, size, eta, image, strength
}

/// What an edit buffer edits: a prompt, or the init image path of the Sampler pane.
public enum EditField: Equatable, Sendable {
    case a, b, initImage, dataFolder

    init(_ p: PromptField) { self = p == .a ? .a : .b }
}

/// The sampler settings the user scrubs.
public struct SamplerSettings: Equatable, Sendable {
    public var models: [String] = []
    public var model = 0
    /// The samplers on the menu: the selected model's own once it is known, else ``allSamplers``.
    public var samplers: [String] = []
    /// Every sampler the engine has (the menu of a model not run yet).
    public var allSamplers: [String] = []
    public var sampler = 0
    public var steps = 20
    public var cfg: Float = 3.5
    public var seed: UInt64 = 42
    /// Square image side in pixels, one of ``SamplerSettings/sizes``.
    public var size = 32
    public var eta: Float = 0
    /// Image-to-image: the init image (a PNG path; empty = none) and the SDEdit strength.
    public var initImage = ""
    public var strength: Float = 0.6

    public static let sizes = [16, 24, 32, 48, 64, 96, 128, 256]
    public static let stepRange = 1...250
    public static let cfgRange: ClosedRange<Float> = 0...30

    public var modelName: String? { models.indices.contains(model) ? models[model] : nil }
    public var samplerName: String? { samplers.indices.contains(sampler) ? samplers[sampler] : nil }
}

/// A prompt being edited in place.
public struct EditBuffer: Equatable, Sendable {
    public var field: EditField
    public var text: [Character]
    public var cursor: Int
}

/// What the Preview pane shows.
public struct PreviewState: Sendable {
    /// The job whose images are shown (events of older jobs are ignored).
    public var job: JobID?
    public var image: RGBImage?
    public var step = 0
    public var total = 0
    public var secondsPerStep = 0.0
    public var running = false
    public var fromCache = false
    /// Kept step previews of the current run.
    public var frames: [SampleFrame] = []
    /// Index into `frames` being looked at; nil follows the newest.
    public var selectedFrame: Int?
    /// CFG changes during the run: (steps finished when it was asked for, new cfg).
    public var cfgMarks: [(step: Int, cfg: Float)] = []
    /// Interpolation strip frames (mix, image), shown instead of step frames while `showingStrip`.
    public var strip: [(mix: Float, image: RGBImage)] = []
    public var stripCount = 0
    public var showingStrip = false
    /// All strip frames on one contact sheet (shown when no single strip frame is selected).
    public var stripSheet: RGBImage?
    /// The request the shown image answers (for saving it with its settings).
    public var request: GenerationRequest?
    /// The request of the whole interpolation strip (frames = its count), as its frames ran.
    public var stripRequest: GenerationRequest?

    /// The image on screen: the selected frame, or the newest image.
    public var shownImage: RGBImage? {
        if showingStrip, let i = selectedFrame, strip.indices.contains(i) { return strip[i].image }
        if !showingStrip, let i = selectedFrame, frames.indices.contains(i) { return frames[i].image }
        return showingStrip ? stripSheet ?? image : image
    }
}

/// What the Training pane shows.
public struct TrainingState: Sendable {
    public var recipes: [String] = []
    public var recipe = 0
    /// Your own folder of PNGs (captions in .txt sidecars or metadata.jsonl) to train the recipe's model on;
    /// empty = the recipe's own data.
    public var dataFolder = ""
    public var job: JobID?
    public var running = false
    /// Waiting between steps at the user's request (`p`).
    public var paused = false
    public var runName = ""
    public var step = 0
    public var total = 0
    public var losses: [Float] = []
    /// Debiased EMA of the loss (β = ``TrainingState/emaBeta``), one per logged step.
    public var smoothed: [Float] = []
    public var ema: Double = 0
    public var learningRate: Float = 0
    public var gradNorm: Float = 0
    /// The family's own log fields of the latest step (`psnr`, `codebook_usage`, `d_loss`, …).
    public var fields: [String: Float] = [:]
    public var itemsPerSecond = 0.0
    public var etaSeconds: Double?
    public var samples: RGBImage?
    public var samplesStep: Int?

    public static let emaBeta = 0.98

    public var recipeName: String? { recipes.indices.contains(recipe) ? recipes[recipe] : nil }
}

/// A line on the status bar.
public struct StatusMessage: Equatable, Sendable {
    public var text: String
    public var isError: Bool
}

/// The whole studio state.
public struct AppState: Sendable {
    public var focus: PaneID = .prompts
    public var fields: [PaneID: Int] = [:]
    public var promptA = "grinning face"
    public var promptB = "smiling face with sunglasses"
    public var mix: Float = 0
    public var editing: EditBuffer?
    public var promptSummary: PromptPairSummary?
    public var sampler = SamplerSettings()
    public var preview = PreviewState()
    public var training = TrainingState()
    public var jobs: [JobSummary] = []
    public var cachedRuns = 0
    /// The status line; every new message is also kept in ``log``.
    public var status: StatusMessage? {
        didSet {
            if let s = status, s != oldValue { appendLog(s) }
        }
    }
    /// Recent messages, oldest first (the Log pane shows the tail).
    public var log: [StatusMessage] = []
    public static let logCapacity = 200
    public var themeName = "arroz-dark"
    public var showHelp = false
    /// Images enlarged smoothly (bilinear, to the pane) instead of by whole nearest-neighbour factors (`m`).
    public var smoothImages = false
    /// The image protocol in use and why (the help overlay's footer).
    public var graphicsNote = ""
    public var quitting = false
    /// Frames in an interpolation strip (`i`).
    public var stripFrames = 7
    /// Each model's own samplers, step range and image edits, as its first sampling run reported them.
    public var modelTraits: [String: ModelTraits] = [:]
    /// The edit of a saved source image in force (`v`, `M`, `o`); nil = plain generation (`esc`).
    public var edit: SeedEdit?
    /// The mark mode's cells over the preview (`M`); nil when not marking.
    public var mark: MarkGrid?
    /// The marks the shown image repainted (its cells are shown untinted while the marks stay the same).
    public var repaintedMarks: [Bool]?
    /// `o` was pressed: the next arrow outpaints that side.
    public var pendingOutpaint = false
    /// Tokens one `o` + arrow adds on a side (`[` / `]` while outpainting or marking).
    public var outpaintTokens = 2

    public init() {}

    /// Adds a line to the log, dropping the oldest beyond ``logCapacity``.
    public mutating func appendLog(_ message: StatusMessage) {
        log.append(message)
        if log.count > Self.logCapacity { log.removeFirst(log.count - Self.logCapacity) }
    }

    /// The focused field of `pane`.
    public func field(_ pane: PaneID) -> Int { fields[pane] ?? 0 }

    /// The selected model's traits, once a run of it reported them.
    public var traits: ModelTraits? { sampler.modelName.flatMap { modelTraits[$0] } }

    /// The request the current settings describe, with the edit in force on top (nil without a model, or while
    /// an inpaint has no marked mask yet).
    public var sampleRequest: GenerationRequest? {
        guard let base = baseRequest else { return nil }
        guard let edit else { return base }
        return edit.request(from: base)
    }

    /// The plain generation request of the Prompts and Sampler panes (no edit).
    public var baseRequest: GenerationRequest? {
        guard let model = sampler.modelName, let name = sampler.samplerName,
            let kind = SamplerKind(name: name)
        else {
            return nil
        }
        var r = GenerationRequest(
            promptA: promptA, promptB: promptB, mix: mix, model: model, sampler: kind, steps: sampler.steps,
            cfg: sampler.cfg, seed: sampler.seed, size: sampler.size, eta: sampler.eta)
        if !sampler.initImage.isEmpty {
            r.initImage = sampler.initImage
            r.strength = sampler.strength
        }
        return r
    }

}
