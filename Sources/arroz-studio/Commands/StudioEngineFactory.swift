// StudioEngineFactory: builds the engine the studio samples and trains with (ArrozTrain's DiffusionEngine).
import ArrozTrain
import Foundation

/// The one place the executable chooses a ``StudioEngine``: real checkpoints (the bundled default model, then
/// every run under `runs/`), real MiniLM embeddings, real samplers and the real training loop.
enum StudioEngineFactory {
    static func make(runsRoot: String = "runs") throws -> StudioEngine? {
        DiffusionEngine(defaultModel: DefaultModel.path, runsRoot: runsRoot)
    }
}

/// Where the bundled default model is: `$ARROZ_DEFAULT_MODEL`, else the package resource.
enum DefaultModel {
    /// Its name in the studio's model list and in PNG parameters.
    static let name = ModelReference.bundledDefault
    static var path: String? {
        if let p = ProcessInfo.processInfo.environment["ARROZ_DEFAULT_MODEL"], !p.isEmpty { return p }
        return Bundle.module.path(forResource: "default-model", ofType: "safetensors", inDirectory: "Resources")
    }
}
