// RunCache: finished sampling runs keyed by their settings, so scrubbing back to old settings is instant.

/// A small least-recently-used map from ``GenerationRequest`` to ``SampleRun``, bounded by a run count and by
/// the bytes of its images (final image + kept frames). Not thread-safe on its own: ``JobQueue`` guards it.
public struct RunCache {
    public let capacity: Int
    public let maxBytes: Int
    private var runs: [GenerationRequest: SampleRun] = [:]
    /// Keys from least to most recently used.
    private var order: [GenerationRequest] = []
    public private(set) var bytes = 0

    public init(capacity: Int, maxBytes: Int = 256 << 20) {
        precondition(
            capacity > 0 && maxBytes > 0,
            "RunCache: capacity \(capacity), maxBytes \(maxBytes) must be positive")
        self.capacity = capacity
        self.maxBytes = maxBytes
    }

    public var count: Int { runs.count }

    /// Pixel bytes a run holds.
    public static func size(of run: SampleRun) -> Int {
        run.image.pixels.count + run.frames.reduce(0) { $0 + $1.image.pixels.count }
    }

    /// The cached run for `request`, marking it most recently used.
    public mutating func lookup(_ request: GenerationRequest) -> SampleRun? {
        guard let run = runs[request] else { return nil }
        touch(request)
        return run
    }

    /// Stores a run under the request that asked for it (`key`, by default the run's own request — the engine may
    /// have completed it with the model's hash and sampler), evicting the least recently used one beyond capacity.
    public mutating func insert(_ run: SampleRun, key asked: GenerationRequest? = nil) {
        let key = asked ?? run.request
        var stored = run
        stored.fromCache = false
        if let old = runs[key] { bytes -= Self.size(of: old) }
        runs[key] = stored
        bytes += Self.size(of: stored)
        touch(key)
        while order.count > capacity || (bytes > maxBytes && order.count > 1) {
            let old = order.removeFirst()
            if let r = runs.removeValue(forKey: old) { bytes -= Self.size(of: r) }
        }
    }

    /// Forgets every run (a model's weights changed, so its old images no longer answer its requests).
    public mutating func removeAll() {
        runs.removeAll()
        order.removeAll()
        bytes = 0
    }

    private mutating func touch(_ key: GenerationRequest) {
        if let i = order.firstIndex(of: key) { order.remove(at: i) }
        order.append(key)
    }
}
