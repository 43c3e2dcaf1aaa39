// ComputeThread: the one dedicated thread that runs compute jobs (never the Swift cooperative pool).
import Foundation

/// Runs ``JobQueue`` jobs one at a time on its own `Thread` until the queue shuts down.
public final class ComputeThread: @unchecked Sendable {
    private let queue: JobQueue
    private let finished = DispatchSemaphore(value: 0)
    private var thread: Thread?

    public init(queue: JobQueue) { self.queue = queue }

    /// Starts the thread (once). BLAS-heavy work and deep model code get a 16 MiB stack.
    public func start() {
        precondition(thread == nil, "ComputeThread.start: already started")
        let queue = self.queue
        let finished = self.finished
        let t = Thread {
            while let job = queue.waitForJob() {
                queue.run(job)
            }
            queue.waitForTrainingThread()  // a training job checkpoints before the studio exits
            finished.signal()
        }
        t.name = "arroz-compute"
        t.stackSize = 16 << 20
        thread = t
        t.start()
    }

    /// Waits up to `seconds` for the thread to finish after ``JobQueue/shutdown(saveTraining:)``.
    /// Returns false on timeout.
    public func join(timeout seconds: Double) -> Bool {
        guard thread != nil else { return true }
        return finished.wait(timeout: .now() + seconds) == .success
    }
}
