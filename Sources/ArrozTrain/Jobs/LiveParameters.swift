// LiveParameters: settings a running sampling job re-reads at every step (CFG), changed from the UI thread.
import Foundation

/// A box the engine's sampler reads once per step. The queue writes a new CFG into it when the user changes
/// only the CFG while a run is going, so the change applies from the next step without a restart.
public final class LiveParameters: @unchecked Sendable {
    private let lock = NSLock()
    private var _cfg: Float
    private var _stepsBegun = 0

    public init(cfg: Float) { _cfg = cfg }

    /// The current guidance scale (for display; samplers call ``beginStep()``).
    public var cfg: Float {
        get { lock.lock(); defer { lock.unlock() }; return _cfg }
        set { lock.lock(); _cfg = newValue; lock.unlock() }
    }

    /// Samplers call this once at the start of every step and use the CFG it returns for that step.
    public func beginStep() -> Float {
        lock.lock()
        defer { lock.unlock() }
        _stepsBegun += 1
        return _cfg
    }

    /// Steps that have already read their CFG: a change now applies from step `stepsBegun + 1`.
    public var stepsBegun: Int { lock.lock(); defer { lock.unlock() }; return _stepsBegun }
}
