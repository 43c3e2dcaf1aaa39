// ReducerTests: the pure AppState.apply reducer — fields, editing, effects, job events.
import ArrozDiffusion
import ArrozImage
import ArrozTrain
import Testing

@testable import ArrozStudio

/// A state with the toy engine's lists loaded.
func loadedState() -> AppState {
    var s = AppState()
    _ = s.apply(.engine(models: ["toy-a", "toy-b"], samplers: ["ddim", "ddpm"], recipes: ["toy-run"]))
    return s
}

@Suite struct ReducerTests {
    @Test func engineInfoAsksForEncodeAndSample() {
        var s = AppState()
        let effects = s.apply(.engine(models: ["m"], samplers: ["ddim"], recipes: []))
        #expect(effects.count == 2)
        #expect(effects.first == .encode(promptA: s.promptA, promptB: s.promptB))
        if case .sample(let r) = effects.last {
            #expect(r.model == "m" && r.sampler == .ddim)
        } else {
            Issue.record("expected a sample effect, got \(effects)")
        }
    }

    @Test func withoutModelsNothingIsSampled() {
        var s = AppState()
        s.focus = .sampler
        s.fields[.sampler] = SamplerField.steps.rawValue
        #expect(s.apply(.change(1)).isEmpty)
        #expect(s.sampler.steps == 21)
    }

    @Test func tabCyclesPanesAndArrowsMoveFields() {
        var s = loadedState()
        _ = s.apply(.focusNext)
        #expect(s.focus == .sampler)
        _ = s.apply(.moveField(-1))
        #expect(s.field(.sampler) == SamplerField.allCases.count - 1)
        for _ in 0..<3 { _ = s.apply(.focusNext) }
        #expect(s.focus == .prompts)
        _ = s.apply(.focusPrevious)
        #expect(s.focus == .training)
    }

    @Test func changingSamplerFieldsClampsAndRequestsSample() {
        var s = loadedState()
        s.focus = .sampler
        s.fields[.sampler] = SamplerField.cfg.rawValue
        let e = s.apply(.change(1))
        #expect(s.sampler.cfg == 4)
        #expect(e == [.sample(s.sampleRequest!)])
        s.fields[.sampler] = SamplerField.steps.rawValue
        for _ in 0..<30 { _ = s.apply(.change(-1)) }
        #expect(s.sampler.steps == 1)
        s.fields[.sampler] = SamplerField.sampler.rawValue
        _ = s.apply(.change(1))
        _ = s.apply(.change(1))
        #expect(s.sampler.samplerName == "ddim")  // wraps around
        s.fields[.sampler] = SamplerField.size.rawValue
        _ = s.apply(.change(1))
        #expect(s.sampler.size == 48)
    }

    @Test func mixSliderStepsByFivePercent() {
        var s = loadedState()
        s.fields[.prompts] = PromptField.mix.rawValue
        _ = s.apply(.change(1))
        _ = s.apply(.change(1))
        #expect(abs(s.mix - 0.10) < 1e-6)
        _ = s.apply(.change(-5))
        #expect(s.mix == 0)
    }

    @Test func editingAPromptCommitsWithEncodeAndSample() {
        var s = loadedState()
        _ = s.apply(.beginEdit)
        #expect(s.editing?.field == .a)
        for _ in 0..<6 { _ = s.apply(.editBackspace) }  // "grinning face" → "grinnin"
        _ = s.apply(.editInsert("!"))
        _ = s.apply(.editHome)
        _ = s.apply(.editDelete)
        let e = s.apply(.commitEdit)
        #expect(s.promptA == "rinnin!")
        #expect(s.editing == nil)
        #expect(e.first == .encode(promptA: "rinnin!", promptB: "smiling face with sunglasses"))
        #expect(e.count == 2)
    }

    @Test func cancelEditKeepsThePrompt() {
        var s = loadedState()
        _ = s.apply(.beginEdit)
        _ = s.apply(.editInsert("x"))
        _ = s.apply(.cancelEdit)
        #expect(s.promptA == "grinning face")
    }

    @Test func reseedIsDeterministicAndSamples() {
        var s = loadedState()
        let e = s.apply(.reseed)
        #expect(s.sampler.seed == AppState.nextSeed(42))
        #expect(s.sampler.seed != 42)
        #expect(e.count == 1)
    }

    @Test func stepEventsFillPreviewAndOlderJobsAreIgnored() {
        var s = loadedState()
        let img = RGBImage(width: 2, height: 2, fill: (9, 9, 9))
        _ = s.apply(
            .job(
                JobEvent(
                    job: JobID(5), kind: .sample,
                    update: .sampleStep(SampleStep(step: 1, total: 4, preview: img, seconds: 0.2)))))
        #expect(s.preview.step == 1 && s.preview.frames.count == 1 && s.preview.running)
        _ = s.apply(
            .job(
                JobEvent(
                    job: JobID(4), kind: .sample,
                    update: .sampleStep(SampleStep(step: 3, total: 4, preview: nil, seconds: 0.2)))))
        #expect(s.preview.step == 1)
        _ = s.apply(.job(JobEvent(job: JobID(5), kind: .sample, update: .cfgChanged(cfg: 6, afterStep: 2))))
        #expect(s.preview.cfgMarks.map(\.step) == [2])
        let run = SampleRun(
            request: s.sampleRequest!, image: img, frames: [SampleFrame(step: 1, image: img)],
            secondsPerStep: 0.3)
        _ = s.apply(.job(JobEvent(job: JobID(5), kind: .sample, update: .sampleFinished(run))))
        #expect(!s.preview.running && s.preview.secondsPerStep == 0.3 && s.preview.request == run.request)
    }

    @Test func scrubbingFramesInPreview() {
        var s = loadedState()
        let frames = (1...4).map {
            SampleFrame(step: $0, image: RGBImage(width: 1, height: 1, fill: (UInt8($0), 0, 0)))
        }
        let run = SampleRun(
            request: s.sampleRequest!, image: frames[3].image, frames: frames, secondsPerStep: 0.1)
        _ = s.apply(.job(JobEvent(job: JobID(1), kind: .sample, update: .sampleFinished(run))))
        s.focus = .preview
        _ = s.apply(.change(-1))
        #expect(s.preview.selectedFrame == 2)
        #expect(s.preview.shownImage == frames[2].image)
        _ = s.apply(.change(-10))
        #expect(s.preview.selectedFrame == 0)
        _ = s.apply(.change(10))
        #expect(s.preview.selectedFrame == nil)
        #expect(s.preview.shownImage == frames[3].image)
    }

    @Test func trainingEventsBuildLossCurveWithDebiasedEMA() {
        var s = loadedState()
        #expect(s.apply(.train) == [.train(TrainRequest(recipe: "toy-run", runName: "toy-run"))])
        for (i, loss) in [Float(1), 0.5].enumerated() {
            _ = s.apply(
                .job(
                    JobEvent(
                        job: JobID(2), kind: .train,
                        update: .training(
                            TrainingProgress(
                                runName: "toy-run", step: i + 1, totalSteps: 10, loss: loss,
                                learningRate: 3e-4, gradNorm: 1,
                                itemsPerSecond: 2)))))
        }
        #expect(s.training.losses == [1, 0.5])
        // Debiased EMA: first value equals the first loss; second = (0.98·0.02·1 + 0.02·0.5)/(1 − 0.98²).
        #expect(abs(s.training.smoothed[0] - 1) < 1e-6)
        #expect(abs(Double(s.training.smoothed[1]) - (0.98 * 0.02 + 0.02 * 0.5) / (1 - 0.98 * 0.98)) < 1e-6)
        #expect(s.training.running)
        #expect(s.apply(.train) == [.stopTraining(JobID(2))])
        _ = s.apply(
            .job(JobEvent(job: JobID(2), kind: .train, update: .state(.cancelled, message: "stopped"))))
        #expect(!s.training.running)
    }

    @Test func failuresBecomeErrorStatus() {
        var s = loadedState()
        _ = s.apply(.job(JobEvent(job: JobID(3), kind: .sample, update: .state(.failed, message: "boom"))))
        #expect(s.status == StatusMessage(text: "boom", isError: true))
    }

    @Test func interpolateAsksForAStrip() {
        var s = loadedState()
        let e = s.apply(.interpolate)
        #expect(e == [.strip(StripRequest(base: s.sampleRequest!, count: s.stripFrames))])
        #expect(s.preview.showingStrip)
    }

    @Test func saveNeedsAnImage() {
        var s = loadedState()
        #expect(s.apply(.save).isEmpty)
        #expect(s.status?.isError == true)
    }

    @Test func settingsLoadedFromPNGApply() {
        var s = loadedState()
        var r = s.sampleRequest!
        r.promptA = "green"
        r.cfg = 9
        r.sampler = .ddpm
        r.seed = 77
        let e = s.apply(.settingsLoaded(r))
        #expect(s.sampleRequest == r)
        #expect(e.last == .sample(r))
    }

    @Test func catalogAfterTrainingKeepsSelectionsAndSamplesANewModel() {
        var s = AppState()
        _ = s.apply(.engine(models: [], samplers: ["ddim", "ddpm"], recipes: ["a", "b"]))
        s.sampler.sampler = 1
        s.training.recipe = 1
        let catalog = EngineCatalog(
            models: ["run-1 · ema"], samplers: ["ddim", "ddpm"], recipes: ["a", "b"])
        let e = s.apply(.job(JobEvent(job: JobID(9), kind: .train, update: .catalog(catalog))))
        #expect(s.sampler.modelName == "run-1 · ema" && s.sampler.samplerName == "ddpm")
        #expect(s.training.recipeName == "b")
        #expect(e.count == 2)  // encode + sample with the new model
        // Same menus again (a later checkpoint): sample again to show the newer weights.
        let again = s.apply(.job(JobEvent(job: JobID(9), kind: .train, update: .catalog(catalog))))
        #expect(again == [.sample(s.sampleRequest!)])
    }

    @Test func pauseTogglesOnlyWhileTraining() {
        var s = loadedState()
        #expect(s.apply(.pause).isEmpty && s.status?.isError == true)
        _ = s.apply(.train)
        _ = s.apply(.job(JobEvent(job: JobID(4), kind: .train, update: .state(.running, message: nil))))
        #expect(s.apply(.pause) == [.pauseTraining(true)])
        _ = s.apply(.job(JobEvent(job: JobID(4), kind: .train, update: .paused(true))))
        #expect(s.training.paused)
        #expect(s.apply(.pause) == [.pauseTraining(false)])
        _ = s.apply(.job(JobEvent(job: JobID(4), kind: .train, update: .state(.done, message: nil))))
        #expect(!s.training.paused && !s.training.running)
    }
}

@Suite struct TrainingDataFieldTests {
    @Test func aFolderTypedInTheTrainingPaneReachesTheTrainRequest() {
        var s = AppState()
        _ = s.apply(.engine(models: ["m"], samplers: ["ddim"], recipes: ["emoji-ddpm", "fashion-ddpm"]))
        _ = s.apply(.focus(.training, field: 1))
        _ = s.apply(.beginEdit)
        #expect(s.editing?.field == .dataFolder)
        for c in "/data/pets" { _ = s.apply(.editInsert(c)) }
        _ = s.apply(.commitEdit)
        #expect(s.training.dataFolder == "/data/pets")
        _ = s.apply(.change(1))  // ←/→ on the data field does not change the recipe
        #expect(s.training.recipeName == "emoji-ddpm")
        let e = s.apply(.train)
        #expect(e == [.train(TrainRequest(recipe: "emoji-ddpm", runName: "emoji-ddpm-pets", data: "/data/pets"))])
    }
}
