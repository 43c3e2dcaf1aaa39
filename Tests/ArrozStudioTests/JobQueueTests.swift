// JobQueueTests: coalescing, cancel at the next step, CFG mid-run, the run cache, training yielding.
import ArrozDiffusion
import ArrozImage
import ArrozTrain
import Foundation
import Testing

func request(steps: Int = 4, cfg: Float = 3, seed: UInt64 = 1, mix: Float = 0) -> GenerationRequest {
    GenerationRequest(
        promptA: "a", promptB: "b", mix: mix, model: "toy-a", sampler: .ddim, steps: steps, cfg: cfg,
        seed: seed, size: 4)
}

func states(_ events: [JobEvent], _ id: JobID) -> [JobState] {
    events.compactMap { e in
        if e.job == id, case .state(let s, _) = e.update { return s }
        return nil
    }
}

func finished(_ events: [JobEvent]) -> [SampleRun] {
    events.compactMap { e in
        if case .sampleFinished(let r) = e.update { return r }
        return nil
    }
}

@Suite struct JobQueueTests {
    @Test func newerRequestReplacesQueuedOne() {
        let engine = TestEngine()
        let q = JobQueue(engine: engine)
        let first = q.submitSample(request(seed: 1))
        let second = q.submitSample(request(seed: 2))
        q.runUntilIdle()
        let events = q.drainEvents()
        #expect(states(events, first) == [.queued, .cancelled])
        #expect(states(events, second) == [.queued, .running, .done])
        #expect(engine.sampleCalls.map(\.seed) == [2])
    }

    @Test func newerRequestCancelsRunningOneAtNextStep() {
        let engine = TestEngine()
        let q = JobQueue(engine: engine)
        var second: JobID?
        engine.duringSample = { r, step in
            if r.seed == 1 && step == 2 { second = q.submitSample(request(seed: 9)) }
        }
        let first = q.submitSample(request(steps: 6, seed: 1))
        q.runUntilIdle()
        let events = q.drainEvents()
        #expect(states(events, first) == [.queued, .running, .cancelled])
        let firstSteps = events.filter { $0.job == first }.compactMap { e -> Int? in
            if case .sampleStep(let s) = e.update { return s.step }
            return nil
        }
        #expect(firstSteps == [1, 2])  // stopped at the boundary after step 2
        #expect(second.map { states(events, $0) } == [.queued, .running, .done])
        #expect(engine.sampleCalls.map(\.seed) == [1, 9])
    }

    @Test func sampleRequestCancelsARunningStrip() {
        let engine = TestEngine()
        let q = JobQueue(engine: engine)
        var sample: JobID?
        engine.duringSample = { r, step in
            if r.mix > 0 && step == 1 && sample == nil { sample = q.submitSample(request(seed: 5)) }
        }
        let strip = q.submitStrip(StripRequest(base: request(steps: 2), count: 5))
        q.runUntilIdle()
        let events = q.drainEvents()
        #expect(states(events, strip) == [.queued, .running, .cancelled])
        let frames = events.filter { e in
            if case .stripFrame = e.update { return true }
            return false
        }
        #expect(frames.count == 1)  // frame 0 finished; frame 1 was cut at its first step
        #expect(sample.map { states(events, $0) } == [.queued, .running, .done])
    }

    @Test func cfgChangeMidRunAppliesFromNextStepWithoutRestart() {
        let engine = TestEngine()
        let q = JobQueue(engine: engine)
        var sameJob: JobID?
        engine.duringSample = { _, step in
            if step == 2 { sameJob = q.submitSample(request(steps: 5, cfg: 7)) }
        }
        let id = q.submitSample(request(steps: 5, cfg: 3))
        q.runUntilIdle()
        let events = q.drainEvents()
        #expect(sameJob == id)
        #expect(engine.sampleCalls.count == 1)
        #expect(engine.cfgPerStep == [3, 3, 7, 7, 7])
        let marks = events.compactMap { e -> Int? in
            if case .cfgChanged(let cfg, let after) = e.update, cfg == 7 { return after }
            return nil
        }
        #expect(marks == [1])  // asked while step 2 was running: step 1 was the last one finished
        let runs = finished(events)
        #expect(runs.count == 1 && runs[0].cfgChangedMidRun && runs[0].request.cfg == 7)
        // A run whose CFG changed midway is not cached: asking for cfg 7 computes it afresh.
        #expect(q.cachedRuns == 0)
    }

    @Test func finishedRunsReplayFromCache() {
        let engine = TestEngine()
        let q = JobQueue(engine: engine)
        q.submitSample(request(steps: 3, cfg: 2))
        q.runUntilIdle()
        q.submitSample(request(steps: 4, cfg: 2))
        q.runUntilIdle()
        _ = q.drainEvents()
        #expect(q.cachedRuns == 2)
        let again = q.submitSample(request(steps: 3, cfg: 2))
        q.runUntilIdle()
        let events = q.drainEvents()
        #expect(engine.sampleCalls.count == 2)
        let runs = finished(events)
        #expect(runs.count == 1 && runs[0].fromCache && runs[0].frames.count == 3)
        #expect(runs[0].image == TestEngine.image(request(steps: 3, cfg: 2), cfg: 2, step: 3))
        #expect(states(events, again) == [.done])
    }

    @Test func cacheEvictsLeastRecentlyUsed() {
        var cache = RunCache(capacity: 2)
        let img = RGBImage(width: 1, height: 1)
        for s in 1...3 {
            cache.insert(
                SampleRun(request: request(seed: UInt64(s)), image: img, frames: [], secondsPerStep: 0))
        }
        #expect(cache.count == 2)
        #expect(cache.lookup(request(seed: 1)) == nil)
        #expect(cache.lookup(request(seed: 3)) != nil)
        // A byte budget of two 1-pixel runs (3 bytes each) keeps the two most recent.
        var small = RunCache(capacity: 10, maxBytes: 6)
        for s in 1...3 {
            small.insert(
                SampleRun(request: request(seed: UInt64(s)), image: img, frames: [], secondsPerStep: 0))
        }
        #expect(small.count == 2 && small.bytes == 6 && small.lookup(request(seed: 1)) == nil)
    }

    @Test func trainingParksInsideAStepWhileTheComputeThreadSamples() {
        let engine = TestEngine()
        engine.trainingSteps = 2
        engine.opsPerStep = 3
        let q = JobQueue(engine: engine)
        engine.duringOp = { step, op in
            if step == 1 && op == 0 { q.submitSample(request(steps: 2)) }
        }
        q.submitTraining(TrainRequest(recipe: "toy-run", runName: "r"))
        let compute = UInt(pthread_self())
        q.runUntilIdle()
        // The sample ran between op 0 and op 1 of step 1, on the compute thread, while training waited.
        #expect(
            engine.trainingEvents == [
                "train step 1", "op 1.0", "sample step 1", "sample step 2", "op 1.1", "op 1.2",
                "train step 2", "op 2.0", "op 2.1", "op 2.2",
            ])
        #expect(engine.sampleThreads == [compute])
        #expect(engine.trainingThreads.count == 1 && !engine.trainingThreads.contains(compute))
    }

    @Test func trainingYieldsToInteractiveJobsBetweenSteps() {
        let engine = TestEngine()
        engine.trainingSteps = 4
        let q = JobQueue(engine: engine)
        engine.duringTraining = { step in
            if step == 2 { q.submitSample(request(steps: 2)) }
        }
        let train = q.submitTraining(TrainRequest(recipe: "toy-run", runName: "r"))
        q.runUntilIdle()
        #expect(
            engine.trainingEvents == [
                "train step 1", "train step 2", "sample step 1", "sample step 2", "train step 3",
                "train step 4",
            ])
        let events = q.drainEvents()
        #expect(states(events, train) == [.queued, .running, .done])
        // After the run, the engine's menus are re-read on the compute thread (a new model may exist).
        let catalogs = events.compactMap { e -> EngineCatalog? in
            if case .catalog(let c) = e.update { return c }
            return nil
        }
        #expect(
            catalogs == [
                EngineCatalog(
                    models: engine.models, samplers: engine.samplers,
                    recipes: engine.trainingRecipes)
            ])
    }

    @Test func shutdownAsksTrainingToCheckpointAndStop() {
        let engine = TestEngine()
        engine.trainingSteps = 10
        let q = JobQueue(engine: engine)
        engine.duringTraining = { step in if step == 3 { q.shutdown(saveTraining: true) } }
        let id = q.submitTraining(TrainRequest(recipe: "toy-run", runName: "r"))
        q.runUntilIdle()
        #expect(engine.trainingEvents.last == "checkpoint 3")
        #expect(states(q.drainEvents(), id).last == .cancelled)
    }

    @Test func checkpointsDuringTrainingRefreshTheCatalogAndClearTheCache() {
        let engine = TestEngine()
        engine.trainingSteps = 4
        engine.checkpointedSteps = [2]
        let q = JobQueue(engine: engine)
        q.submitSample(request(steps: 2))
        q.runUntilIdle()
        #expect(q.cachedRuns == 1)
        engine.duringTraining = { step in if step == 1 { engine.models.append("run · ema") } }
        q.submitTraining(TrainRequest(recipe: "toy-run", runName: "run"))
        q.runUntilIdle()
        let catalogs = q.drainEvents().compactMap { e -> [String]? in
            if case .catalog(let c) = e.update { return c.models }
            return nil
        }
        #expect(q.cachedRuns == 0)  // the weights changed: old images are stale
        // Once after the checkpoint at step 2, once when the run ends.
        #expect(catalogs == [["toy-a", "toy-b", "run · ema"], ["toy-a", "toy-b", "run · ema"]])
    }

    @Test func saveNowCheckpointsAndContinues() {
        let engine = TestEngine()
        engine.trainingSteps = 3
        let q = JobQueue(engine: engine)
        engine.duringTraining = { step in if step == 1 { q.saveTrainingNow() } }
        q.submitTraining(TrainRequest(recipe: "toy-run", runName: "r"))
        q.runUntilIdle()
        #expect(engine.trainingEvents == ["train step 1", "checkpoint 1", "train step 2", "train step 3"])
    }

    @Test func engineErrorsBecomeFailedEventsWithMessage() {
        let engine = TestEngine()
        engine.failSampling = true
        let q = JobQueue(engine: engine)
        let id = q.submitSample(request())
        q.runUntilIdle()
        let events = q.drainEvents()
        let message = events.compactMap { e -> String? in
            if e.job == id, case .state(.failed, let m) = e.update { return m }
            return nil
        }
        #expect(message == ["sample failed: toy engine asked to fail"])
    }

    @Test func noEngineFailsJobsInsteadOfCrashing() {
        let q = JobQueue(engine: nil)
        let id = q.submitEncode(promptA: "a", promptB: "b")
        q.runUntilIdle()
        #expect(states(q.drainEvents(), id) == [.queued, .failed])
    }

    @Test func pausedTrainingWaitsButStillSamples() {
        let engine = TestEngine()
        engine.trainingSteps = 4
        let q = JobQueue(engine: engine)
        engine.duringTraining = { step in if step == 2 { q.setTrainingPaused(true) } }
        let thread = ComputeThread(queue: q)
        thread.start()
        let train = q.submitTraining(TrainRequest(recipe: "toy-run", runName: "r"))
        var events: [JobEvent] = []
        func waitFor(_ done: ([JobEvent]) -> Bool) {
            let deadline = Date().addingTimeInterval(10)
            while Date() < deadline, !done(events) {
                events += q.drainEvents()
                Thread.sleep(forTimeInterval: 0.005)
            }
        }
        func trainingSteps() -> [Int] {
            events.compactMap { e in
                if case .training(let p) = e.update { return p.step }
                return nil
            }
        }
        waitFor { $0.contains { if case .paused(true) = $0.update { return true } else { return false } } }
        let sample = q.submitSample(request(steps: 3))
        waitFor { states($0, sample).contains(.done) }
        #expect(states(events, sample) == [.queued, .running, .done])
        Thread.sleep(forTimeInterval: 0.05)
        events += q.drainEvents()
        #expect(trainingSteps() == [1, 2])  // still paused after the sample ran
        q.setTrainingPaused(false)
        waitFor { states($0, train).contains(.done) }
        #expect(trainingSteps() == [1, 2, 3, 4])
        q.shutdown(saveTraining: true)
        #expect(thread.join(timeout: 5))
    }

    @Test func computeThreadRunsJobsAndStopsOnShutdown() {
        let engine = TestEngine()
        let q = JobQueue(engine: engine)
        let thread = ComputeThread(queue: q)
        thread.start()
        let id = q.submitEncode(promptA: "red", promptB: "blue")
        var events: [JobEvent] = []
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline, !states(events, id).contains(.done) {
            events += q.drainEvents()
            Thread.sleep(forTimeInterval: 0.005)
        }
        #expect(states(events, id) == [.queued, .running, .done])
        let summary = events.compactMap { e -> PromptPairSummary? in
            if case .encoded(let s) = e.update { return s }
            return nil
        }.first
        #expect(summary == (try? engine.summarize(promptA: "red", promptB: "blue")))
        q.shutdown(saveTraining: true)
        #expect(thread.join(timeout: 5))
    }
}
