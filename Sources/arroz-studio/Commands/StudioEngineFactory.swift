// StudioEngineFactory: builds the engine the studio samples and trains with (ArrozTrain's StudioEngine).
import ArrozTrain

/// The one place the executable chooses a ``StudioEngine``. Until ArrozTrain provides a concrete engine
/// (models, samplers, training loop), there is none, and the studio says so on its status line.
enum StudioEngineFactory {
    static func make() throws -> StudioEngine? { nil }
}
