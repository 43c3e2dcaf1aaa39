// JobEvent: the Sendable snapshots compute jobs send to the UI and the CLI — pixels and numbers, never tensors.
import ArrozImage

/// Identifies a job in the queue.
public struct JobID: Hashable, Sendable, CustomStringConvertible {
    public let raw: Int
    public init(_ raw: Int) { self.raw = raw }
    public var description: String { "#\(raw)" }
}

/// Where a job is in its life.
public enum JobState: String, Sendable {
    case queued, running, done, failed, cancelled
}
