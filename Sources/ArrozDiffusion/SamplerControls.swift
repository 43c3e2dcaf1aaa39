// SamplerControls: a running sample's live knobs (guidance scale, cancellation), settable from any thread.
import Foundation

/// Values a sampler re-reads at every step, so the UI thread can steer a running sample: a new guidance scale
/// applies from the next denoiser evaluation, and `cancel()` stops the sampler at its next step boundary.
public final class SamplerControls: @unchecked Sendable {
    private let lock = NSLock()
    private var scale: Float
    private var cancelled = false

    /// `guidanceScale` s in u + s·(c − u); s = 1 is plain conditional sampling.
    public init(guidanceScale: Float = 1) { scale = guidanceScale }

    public var guidanceScale: Float {
        get { lock.withLock { scale } }
        set { lock.withLock { scale = newValue } }
    }

    public var isCancelled: Bool { lock.withLock { cancelled } }

    /// Asks the sampler to stop before its next step; it then returns nil.
    public func cancel() { lock.withLock { cancelled = true } }
}
