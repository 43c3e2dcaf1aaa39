// SignalWatcher: SIGINT, SIGTERM and SIGHUP become a flag the UI loop polls, so every exit goes through the
// same clean shutdown (checkpoint, restore the terminal).
import Dispatch
import Foundation

/// Catches termination signals on a dispatch queue (never in a raw signal handler).
public final class SignalWatcher: @unchecked Sendable {
    private let lock = NSLock()
    private var caught: Int32?
    private var sources: [DispatchSourceSignal] = []

    public init(signals: [Int32] = [SIGINT, SIGTERM, SIGHUP]) {
        for sig in signals {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { [weak self] in
                guard let self else { return }
                self.lock.lock()
                if self.caught == nil { self.caught = sig }
                self.lock.unlock()
            }
            source.resume()
            sources.append(source)
        }
    }

    deinit { sources.forEach { $0.cancel() } }

    /// The first signal received, if any.
    public var received: Int32? {
        lock.lock()
        defer { lock.unlock() }
        return caught
    }

    /// A name for messages.
    public static func name(_ sig: Int32) -> String {
        switch sig {
        case SIGINT: "SIGINT"
        case SIGTERM: "SIGTERM"
        case SIGHUP: "SIGHUP"
        default: "signal \(sig)"
        }
    }
}
