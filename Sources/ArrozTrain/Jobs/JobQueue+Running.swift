// JobQueue+Running: how each kind of job runs on the compute thread — sample, encode, strip, train.
import ArrozDiffusion
import ArrozImage

extension JobQueue {

    func runSample(_ id: JobID, _ request: GenerationRequest) {
        let run = Running(id: id, kind: .sample, request: request)
        guard let engine = start(run) else { return }
        var frames: [SampleFrame] = []
        var seconds = 0.0
        var total: Int?
        do {
            let controls = run.controls ?? SamplerControls(guidanceScale: request.cfg)
            // What actually runs: the model's hash, a sampler it can use, its size — what a saved PNG records.
            let prepared = try engine.prepare(request)
            if let traits = try? engine.traits(for: request.model) {
                locked { emit(id, .sample, .modelTraits(model: request.model, traits)) }
            }
            let image = try engine.sample(prepared, controls: controls) { step in
                seconds += step.seconds
                total = step.total
                if let p = step.preview { frames.append(SampleFrame(step: step.step, image: p)) }
                return locked {
                    run.step = step.step
                    updateSummary(id, step: step.step, total: step.total)
                    emit(id, .sample, .sampleStep(step))
                    return !run.cancelled
                }
            }
            locked {
                interactive = nil
                guard let image, !run.cancelled else {
                    finish(
                        id, .sample, .cancelled,
                        shuttingDown ? "studio closing" : "replaced by a newer request")
                    return
                }
                var ran = prepared
                if let current = run.request { ran.cfg = current.cfg }
                let final = SampleRun(
                    request: ran, image: image, frames: frames,
                    secondsPerStep: run.step > 0 ? seconds / Double(run.step) : 0,
                    cfgChangedMidRun: run.cfgChanged, steps: total ?? run.step)
                if !run.cfgChanged { cache.insert(final, key: run.request ?? request) }
                emit(id, .sample, .sampleFinished(final))
                finish(id, .sample, .done, nil)
            }
        } catch {
            locked {
                interactive = nil
                finish(id, .sample, .failed, "sample failed: \(error)")
            }
        }
    }

    func runEncode(_ id: JobID, _ a: String, _ b: String) {
        let run = Running(id: id, kind: .encode, request: nil)
        guard let engine = start(run) else { return }
        do {
            let summary = try engine.summarize(promptA: a, promptB: b)
            locked {
                interactive = nil
                if run.cancelled { return finish(id, .encode, .cancelled, "replaced by a newer request") }
                emit(id, .encode, .encoded(summary))
                finish(id, .encode, .done, nil)
            }
        } catch {
            locked {
                interactive = nil
                finish(id, .encode, .failed, "encode failed: \(error)")
            }
        }
    }

    func runStrip(_ id: JobID, _ request: StripRequest) {
        let run = Running(id: id, kind: .strip, request: nil)
        guard let engine = start(run) else { return }
        do {
            for i in 0..<request.count {
                var r = request.base
                let stripControls = SamplerControls(guidanceScale: r.cfg)
                locked { run.stripControls = stripControls }
                r.mix = request.mix(at: i)
                let prepared = try engine.prepare(r)
                let image = try engine.sample(prepared, controls: stripControls) { _ in
                    locked { !run.cancelled }
                }
                let stop: Bool = locked {
                    guard let image, !run.cancelled else { return true }
                    run.step = i + 1
                    updateSummary(id, step: i + 1, total: request.count)
                    emit(id, .strip, .stripFrame(index: i, count: request.count, mix: r.mix, image: image, request: prepared))
                    return false
                }
                if stop { break }
            }
            locked {
                interactive = nil
                if run.cancelled {
                    finish(id, .strip, .cancelled, "replaced by a newer request")
                } else {
                    finish(id, .strip, .done, nil)
                }
            }
        } catch {
            locked {
                interactive = nil
                finish(id, .strip, .failed, "interpolation failed: \(error)")
            }
        }
    }

    func runTraining(_ id: JobID, _ request: TrainRequest) {
        let run = Running(id: id, kind: .train, request: nil)
        guard let engine = start(run) else { return }
        let control = Control(queue: self, run: run)
        do {
            try engine.train(request, control: control) { progress in
                locked {
                    run.step = progress.step
                    updateSummary(id, step: progress.step, total: progress.totalSteps)
                    emit(id, .train, .training(progress))
                }
                if progress.checkpointSaved {
                    // New weights: cached images of this model are stale, and the menu may have grown.
                    locked { cache.removeAll() }
                    emitCatalog(id, engine)
                }
            }
            locked {
                training = nil
                switch run.directive {
                case .stop: finish(id, .train, .cancelled, "training stopped")
                case .saveAndStop: finish(id, .train, .cancelled, "training stopped after a checkpoint")
                default: finish(id, .train, .done, nil)
                }
            }
        } catch {
            locked {
                training = nil
                finish(id, .train, .failed, "training failed: \(error)")
            }
        }
        // A run may have written its first checkpoint: the model menu can have grown.
        emitCatalog(id, engine)
    }

    /// Reads the engine's menus (on the compute thread, as the protocol requires) and sends them to the UI.
    func emitCatalog(_ id: JobID, _ engine: StudioEngine) {
        let catalog = EngineCatalog(
            models: engine.models, samplers: engine.samplers, recipes: engine.trainingRecipes)
        locked { emit(id, .train, .catalog(catalog)) }
    }

    /// Registers `run` as running and returns the engine, or fails the job when there is none.
    func start(_ run: Running) -> StudioEngine? {
        locked {
            guard let engine else {
                finish(run.id, run.kind, .failed, "no model engine is loaded in this build")
                return nil
            }
            if run.kind == .train { training = run } else { interactive = run }
            updateSummary(run.id, state: .running)
            emit(run.id, run.kind, .state(.running, message: nil))
            return engine
        }
    }

    /// The training loop's hook: parks while interactive jobs run, then hands over the pending directive.
    private final class Control: TrainingControl {
        let queue: JobQueue
        let run: Running
        init(queue: JobQueue, run: Running) {
            self.queue = queue
            self.run = run
        }

        /// Parks while an interactive job waits or runs (called from preemption points inside a step).
        func yieldIfAsked() { queue.parkIfAsked() }

        /// Parks while interactive jobs run; while the run is paused, waits (counted as parked, so sampling
        /// goes on) until it is resumed, stopped or the queue shuts down.
        func betweenSteps() -> TrainingDirective {
            queue.parkIfAsked()
            queue.locked {
                while run.paused, run.directive == .proceed, !queue.shuttingDown {
                    queue.trainingParked = true
                    queue.condition.broadcast()
                    queue.condition.wait()
                }
                queue.trainingParked = false
            }
            queue.parkIfAsked()
            return queue.locked {
                let d = run.directive
                if d == .saveCheckpoint { run.directive = .proceed }
                return d
            }
        }
    }
}
