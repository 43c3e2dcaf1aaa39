// Family: the one seam a model family plugs into — its config, networks, training objective, generation
// pipeline, samplers and recipes — and the registry that lists the families. Nothing else switches on a family.
import ArrozData
import ArrozDiffusion
import ArrozModels
import ArrozNN
import ArrozTensor
import ArrozText

/// A model family (ARCHITECTURE §2): one folder under `Families/` plus one line in ``FamilyRegistry/families``.
///
/// The training loop (`Trainer`), the checkpoint code, the studio, `sample`, `interpolate`, `eval` and the
/// preview grids only ever talk to a family through this protocol, its ``TrainingObjective`` and its
/// ``GenerationPipeline``.
public protocol Family {
    /// The `arroz.family` names this family reads and writes (one family may own several network kinds).
    static var names: [String] { get }
    /// Its built-in recipes, in listing order.
    static var recipes: [Recipe] { get }
    /// Checks a run's family config (and how it fits the run's data) before anything is built; throws
    /// `TrainError.badSetting` naming the field, what was wrong and the valid values.
    static func validate(_ run: RunConfig) throws
    /// The training objective for a run: networks with fresh weights, losses, optimizers, EMA.
    static func makeObjective(_ run: RunConfig, context: ObjectiveContext) throws -> any TrainingObjective
    /// Opens a checkpoint of this family for generation (EMA weights when `ema` and present). A family whose
    /// models do not make images (an autoencoder, an image encoder) throws a `TrainError.badSetting` saying so.
    static func openPipeline(_ checkpoint: CheckpointFile, spec: ModelSpec, ema: Bool) throws
        -> any GenerationPipeline
    /// Whether models of this spec make images from prompts (the studio lists only those). Default: true.
    static func generates(_ spec: ModelSpec) -> Bool
}

extension Family {
    public static func generates(_ spec: ModelSpec) -> Bool { true }
}

/// What a family's objective gets from the run besides its config.
public struct ObjectiveContext {
    /// Class names of the dataset (nil for captioned data).
    public var classNames: [String]?
    /// Builds the text encoder a run names (`minilm`, `clip:DIR`).
    public var encoder: (String) throws -> PromptEncoder
    /// Seeds the networks' initial weights.
    public var initRNG: ArrozRandom

    public init(classNames: [String]?, encoder: @escaping (String) throws -> PromptEncoder, initRNG: ArrozRandom) {
        self.classNames = classNames
        self.encoder = encoder
        self.initRNG = initRNG
    }
}

/// A built-in recipe: a name, one line for listings, and the run config it makes.
public struct Recipe: Sendable {
    public var name: String
    public var summary: String
    public var make: @Sendable (_ runName: String) throws -> RunConfig

    public init(_ name: String, _ summary: String, make: @escaping @Sendable (String) throws -> RunConfig) {
        self.name = name
        self.summary = summary
        self.make = make
    }
}

/// Every family arroz-studio knows. A new family is its folder plus one line here.
public enum FamilyRegistry {
    public static let families: [any Family.Type] = [
        GaussianFamily.self,
        PaellaFamily.self,
        DDGFamily.self,
        LatentFamily.self,
        PriorFamily.self,
        VQFamily.self,
        ContrastiveFamily.self,
    ]

    /// Every family name a checkpoint may carry.
    public static var names: [String] { families.flatMap { $0.names } }

    public static func family(named name: String) throws -> any Family.Type {
        guard let f = families.first(where: { $0.names.contains(name) }) else {
            throw TrainError.badSetting(
                "unknown model family '\(name)' (known: \(names.joined(separator: ", ")))")
        }
        return f
    }

    /// Every recipe of every family, in listing order.
    public static var recipes: [Recipe] { families.flatMap { $0.recipes } }
}
