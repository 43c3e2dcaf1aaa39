// JobQueue: the queue between the studio's UI thread and the compute thread — coalescing, cancel, cache,
// events.
import ArrozDiffusion
import ArrozImage
import Foundation

/// Jobs for the one compute thread, and the events they send back.
///
/// Rules (ARCHITECTURE §7):
/// - Interactive jobs (sample, encode, strip) **coalesce** per kind: a newer request replaces a queued one
///   and
///   cancels a running one at its next step boundary.
/// - A sample request that differs from the running one **only in CFG** does not restart it: the new CFG goes
/// into the run's `SamplerControls` and applies from the next denoiser call (a `cfgChanged` event marks it).
/// - Finished sample runs are cached by their ``GenerationRequest``; asking again replays them at once.
/// - A training job runs on a thread of its own. When an interactive job is taken, the training thread
///   **parks** at its next op boundary (``TrainingControl/yieldIfAsked()``, called from ``Preemption`` points,
///   or between steps) and the compute thread runs the job on its own stack; then the training thread
///   resumes. The two never compute at once, and an interactive job never runs inside a training op.
/// - Engine errors become `.failed` events with the error's message; nothing here crashes the UI.
///
/// All methods are thread-safe; ``waitForJob()`` and ``run(_:)`` belong to the compute thread (or a test).
public final class JobQueue: @unchecked Sendable {
    /// A job waiting to run.
    public struct Pending: Sendable {
        public let id: JobID
        public let work: Work
        public var kind: JobKind { work.kind }
    }

    /// What a job does.
    public enum Work: Sendable {
        case sample(GenerationRequest)
        case encode(promptA: String, promptB: String)
        case strip(StripRequest)
        case train(TrainRequest)

        public var kind: JobKind {
            switch self {
            case .sample: .sample
            case .encode: .encode
            case .strip: .strip
            case .train: .train
            }
        }
    }

    final class Running {
        let id: JobID
        let kind: JobKind
        var request: GenerationRequest?
        let controls: SamplerControls?
        var step = 0
        var cancelled = false
        var cfgChanged = false
        var directive = TrainingDirective.proceed
        /// A paused training run waits between steps (still serving interactive jobs).
        var paused = false
        /// The controls of the strip frame being sampled (cancelled with the strip).
        var stripControls: SamplerControls?

        /// Marks the job cancelled and tells its sampler to stop at the next step.
        func cancel() {
            cancelled = true
            controls?.cancel()
            stripControls?.cancel()
        }

        init(id: JobID, kind: JobKind, request: GenerationRequest?) {
            self.id = id
            self.kind = kind
            self.request = request
            controls = request.map { SamplerControls(guidanceScale: $0.cfg) }
        }
    }

    let engine: StudioEngine?
    let condition = NSCondition()
    private var nextID = 1
    var pendingInteractive: [JobKind: Pending] = [:]
    private var pendingTraining: [Pending] = []
    var interactive: Running?
    var training: Running?
    private var events: [JobEvent] = []
    private var summaries: [JobSummary] = []
    var cache: RunCache
    var shuttingDown = false
    /// The thread running the training job (nil when none runs).
    var trainingThread: Thread?
    /// Interactive jobs asking the training thread to park, and whether it is parked (or paused) now.
    var parkRequests = 0
    var trainingParked = false

    /// `engine` nil makes every job fail with a message saying no engine is loaded.
    public init(engine: StudioEngine?, cacheCapacity: Int = 48) {
        self.engine = engine
        cache = RunCache(capacity: cacheCapacity)
    }

    // MARK: - UI side

    /// Asks for a sample. Returns the id of the job that will deliver it (a running one when only CFG
    /// changed).
    @discardableResult
    public func submitSample(_ request: GenerationRequest) -> JobID {
        locked {
            if let run = interactive, run.kind == .sample, !run.cancelled, let current = run.request,
                pendingInteractive[.sample] == nil
            {
                if current == request { return run.id }
                if request.differsOnlyInCFG(from: current) {
                    run.request = request
                    run.cfgChanged = true
                    run.controls?.guidanceScale = request.cfg
                    emit(run.id, .sample, .cfgChanged(cfg: request.cfg, afterStep: run.step))
                    return run.id
                }
            }
            if let queued = pendingInteractive[.sample], case .sample(let r) = queued.work, r == request {
                return queued.id
            }
            let id = makeID()
            supersede(.sample, by: id)
            supersede(.strip, by: id)  // moving a slider leaves the interpolation strip
            if var run = cache.lookup(request) {
                run.fromCache = true
                record(
                    JobSummary(id: id, kind: .sample, state: .done, step: request.steps, total: request.steps)
                )
                emit(id, .sample, .sampleFinished(run))
                emit(id, .sample, .state(.done, message: "from cache"))
                return id
            }
            enqueue(Pending(id: id, work: .sample(request)), total: request.steps)
            return id
        }
    }

    /// Asks for the prompt summaries (sparklines, norms, cosine) of two prompts.
    @discardableResult
    public func submitEncode(promptA: String, promptB: String) -> JobID {
        locked {
            let id = makeID()
            supersede(.encode, by: id)
            enqueue(Pending(id: id, work: .encode(promptA: promptA, promptB: promptB)), total: 0)
            return id
        }
    }

    /// Asks for an interpolation strip.
    @discardableResult
    public func submitStrip(_ request: StripRequest) -> JobID {
        locked {
            let id = makeID()
            supersede(.strip, by: id)
            enqueue(Pending(id: id, work: .strip(request)), total: request.count)
            return id
        }
    }

    /// Queues a training run (training jobs run in order, one at a time).
    @discardableResult
    public func submitTraining(_ request: TrainRequest) -> JobID {
        locked {
            let id = makeID()
            let job = Pending(id: id, work: .train(request))
            pendingTraining.append(job)
            record(JobSummary(id: id, kind: .train, state: .queued))
            emit(id, .train, .state(.queued, message: nil))
            condition.signal()
            return id
        }
    }

    /// Cancels a job: a queued one at once, a running one at its next step (training: without saving).
    public func cancel(_ id: JobID) {
        locked {
            for (kind, p) in pendingInteractive where p.id == id {
                pendingInteractive[kind] = nil
                finish(id, kind, .cancelled, "cancelled")
            }
            if let i = pendingTraining.firstIndex(where: { $0.id == id }) {
                pendingTraining.remove(at: i)
                finish(id, .train, .cancelled, "cancelled")
            }
            if let run = interactive, run.id == id { run.cancel() }
            if let run = training, run.id == id {
                run.directive = .stop
                condition.broadcast()
            }
        }
    }

    /// Stops a training job after its current step, saving a checkpoint first when `save`.
    public func stopTraining(_ id: JobID, save: Bool) {
        locked {
            if let run = training, run.id == id {
                run.directive = save ? .saveAndStop : .stop
                condition.broadcast()
            }
            if let i = pendingTraining.firstIndex(where: { $0.id == id }) {
                pendingTraining.remove(at: i)
                finish(id, .train, .cancelled, "cancelled")
            }
        }
    }

    /// Pauses or resumes the running training job (it waits between steps; sampling keeps working).
    public func setTrainingPaused(_ paused: Bool) {
        locked {
            guard let run = training, run.paused != paused else { return }
            run.paused = paused
            emit(run.id, .train, .paused(paused))
            condition.broadcast()
        }
    }

    /// Asks the running training job to save a checkpoint after its current step (and keep going).
    public func saveTrainingNow() {
        locked {
            if let run = training, run.directive == .proceed {
                run.directive = .saveCheckpoint
                condition.broadcast()
            }
        }
    }

    /// The running training job, if any.
    public var runningTraining: JobID? { locked { training?.id } }

    /// Takes every event sent since the last call, oldest first.
    public func drainEvents() -> [JobEvent] {
        locked {
            let out = events
            events.removeAll(keepingCapacity: true)
            return out
        }
    }

    /// Recent jobs (running and queued first, then the latest finished ones) for the job line.
    public func snapshot() -> [JobSummary] { locked { summaries } }

    /// Number of cached sample runs.
    public var cachedRuns: Int { locked { cache.count } }

    /// Stops taking work: queued jobs are cancelled, a running sample stops at its next step, a running
    /// training job saves a checkpoint (when `saveTraining`) and returns. The compute thread then exits.
    public func shutdown(saveTraining: Bool) {
        locked {
            shuttingDown = true
            for (kind, p) in pendingInteractive { finish(p.id, kind, .cancelled, "studio closing") }
            pendingInteractive.removeAll()
            for p in pendingTraining { finish(p.id, .train, .cancelled, "studio closing") }
            pendingTraining.removeAll()
            interactive?.cancel()
            training?.directive = saveTraining ? .saveAndStop : .stop
            condition.broadcast()
        }
    }

    // MARK: - Compute side

    /// Blocks until a job is ready; nil once the queue is shut down. Interactive jobs go first.
    public func waitForJob() -> Pending? {
        condition.lock()
        defer { condition.unlock() }
        while true {
            if shuttingDown { return nil }
            if let job = takeInteractive() ?? takeTraining() { return job }
            condition.wait()
        }
    }

    /// Runs every job that is ready now on the calling thread, and waits for a training job to end (serving
    /// the interactive jobs it asks for meanwhile) — for tests and the headless CLI.
    public func runUntilIdle() {
        while true {
            let job: Pending? = locked {
                while !shuttingDown {
                    if let j = takeInteractive() ?? takeTraining() { return j }
                    if trainingThread == nil { return nil }
                    condition.wait()
                }
                return nil
            }
            guard let job else { break }
            run(job)
        }
        waitForTrainingThread()
    }

    /// Runs one job: an interactive one to its end on the calling thread (with the training thread parked),
    /// a training job by starting its thread.
    public func run(_ job: Pending) {
        switch job.work {
        case .sample(let request): withTrainingParked { runSample(job.id, request) }
        case .encode(let a, let b): withTrainingParked { runEncode(job.id, a, b) }
        case .strip(let request): withTrainingParked { runStrip(job.id, request) }
        case .train(let request): startTrainingThread(job.id, request)
        }
    }

    /// Blocks until the training thread (if any) has ended.
    public func waitForTrainingThread() {
        locked { while trainingThread != nil { condition.wait() } }
    }

    /// Runs `body` while the training thread, if one is computing, is parked at an op boundary.
    func withTrainingParked(_ body: () -> Void) {
        let parked: Bool = locked {
            guard trainingThread != nil else { return false }
            parkRequests += 1
            while trainingThread != nil && !trainingParked && !shuttingDown { condition.wait() }
            return true
        }
        body()
        if parked {
            locked {
                parkRequests -= 1
                condition.broadcast()
            }
        }
    }

    /// The training thread's side: while an interactive job is waiting or running, wait here (with the
    /// thread's work state untouched: this is called between ops). Returns at once when none is.
    func parkIfAsked() {
        locked {
            while (parkRequests > 0 || !pendingInteractive.isEmpty) && !shuttingDown {
                trainingParked = true
                condition.broadcast()
                condition.wait()
            }
            trainingParked = false
        }
    }

    /// Starts the training job on its own thread (16 MiB stack, like the compute thread).
    private func startTrainingThread(_ id: JobID, _ request: TrainRequest) {
        let t = Thread { [self] in
            runTraining(id, request)
            locked {
                trainingThread = nil
                trainingParked = false
                condition.broadcast()
            }
        }
        t.name = "arroz-training"
        t.stackSize = 16 << 20
        locked { trainingThread = t }
        t.start()
    }

    // MARK: - Bookkeeping (call with the lock held)

    func locked<T>(_ body: () throws -> T) rethrows -> T {
        condition.lock()
        defer { condition.unlock() }
        return try body()
    }

    private func makeID() -> JobID {
        defer { nextID += 1 }
        return JobID(nextID)
    }

    /// A newer request of `kind` replaces the queued one and cancels the running one.
    private func supersede(_ kind: JobKind, by newer: JobID) {
        if let old = pendingInteractive[kind] {
            pendingInteractive[kind] = nil
            finish(old.id, kind, .cancelled, "replaced by \(newer)")
        }
        if let run = interactive, run.kind == kind { run.cancel() }
    }

    private func enqueue(_ job: Pending, total: Int) {
        pendingInteractive[job.kind] = job
        record(JobSummary(id: job.id, kind: job.kind, state: .queued, step: 0, total: total))
        emit(job.id, job.kind, .state(.queued, message: nil))
        condition.signal()
    }

    func takeInteractive() -> Pending? {
        for kind in [JobKind.encode, .sample, .strip] {
            if let job = pendingInteractive[kind] {
                pendingInteractive[kind] = nil
                return job
            }
        }
        return nil
    }

    private func takeTraining() -> Pending? {
        guard training == nil, trainingThread == nil, !pendingTraining.isEmpty else { return nil }
        return pendingTraining.removeFirst()
    }

    func emit(_ id: JobID, _ kind: JobKind, _ update: JobEvent.Update) {
        events.append(JobEvent(job: id, kind: kind, update: update))
    }

    func finish(_ id: JobID, _ kind: JobKind, _ state: JobState, _ message: String?) {
        updateSummary(id, state: state)
        emit(id, kind, .state(state, message: message))
    }

    private func record(_ summary: JobSummary) {
        summaries.append(summary)
        // Keep live jobs and the 6 most recent finished ones.
        let finished = summaries.filter { $0.state.isFinal }
        if finished.count > 6, let oldest = finished.first,
            let i = summaries.firstIndex(where: { $0.id == oldest.id })
        {
            summaries.remove(at: i)
        }
    }

    func updateSummary(_ id: JobID, state: JobState? = nil, step: Int? = nil, total: Int? = nil) {
        guard let i = summaries.firstIndex(where: { $0.id == id }) else { return }
        if let state { summaries[i].state = state }
        if let step { summaries[i].step = step }
        if let total { summaries[i].total = total }
    }
}
