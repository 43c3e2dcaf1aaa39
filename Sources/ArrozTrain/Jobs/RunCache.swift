// RunCache: finished sampling runs keyed by their settings, so scrubbing back to old settings is instant.

/// A small least-recently-used map from ``SampleRequest`` to ``SampleRun``. Not thread-safe on its own:
/// ``JobQueue`` guards it with its lock.
public struct RunCache {
    public let capacity: Int
    private var runs: [SampleRequest: SampleRun] = [:]
    /// Keys from least to most recently used.
    private var order: [SampleRequest] = []

    public init(capacity: Int) {
        precondition(capacity > 0, "RunCache: capacity \(capacity) must be positive")
        self.capacity = capacity
    }

    public var count: Int { runs.count }

    /// The cached run for `request`, marking it most recently used.
    public mutating func lookup(_ request: SampleRequest) -> SampleRun? {
        guard let run = runs[request] else { return nil }
        touch(request)
        return run
    }

    /// Stores a run under its request, evicting the least recently used one beyond capacity.
    public mutating func insert(_ run: SampleRun) {
        let key = run.request
        var stored = run
        stored.fromCache = false
        runs[key] = stored
        touch(key)
        while order.count > capacity {
            let old = order.removeFirst()
            runs[old] = nil
        }
    }

    private mutating func touch(_ key: SampleRequest) {
        if let i = order.firstIndex(of: key) { order.remove(at: i) }
        order.append(key)
    }
}
