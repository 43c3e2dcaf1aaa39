// Reducer: the pure `AppState.apply(_:) -> [Effect]` — every state change of the studio happens here.
import ArrozImage
import ArrozTrain
import Foundation

extension AppState {
    /// Applies an action and returns the work it implies. No I/O, no clocks, no randomness beyond the seed
    /// hash used by reseed, so tests can drive it directly.
    public mutating func apply(_ action: Action) -> [Effect] {
        switch action {
        case .focusNext:
            focus = PaneID(rawValue: (focus.rawValue + 1) % PaneID.allCases.count) ?? .prompts
        case .focusPrevious:
            focus =
                PaneID(rawValue: (focus.rawValue + PaneID.allCases.count - 1) % PaneID.allCases.count)
                ?? .prompts
        case .moveField(let d):
            let n = focus.fieldCount
            fields[focus] = ((field(focus) + d) % n + n) % n
        case .change(let d):
            return change(d)
        case .focus(let pane, let f):
            focus = pane
            if let f { fields[pane] = min(max(f, 0), pane.fieldCount - 1) }
        case .setMix(let m):
            let snapped = (min(max(m, 0), 1) * 20).rounded() / 20
            guard snapped != mix else { return [] }
            mix = snapped
            return sampleEffects()
        case .selectFrame(let i):
            let n = preview.showingStrip ? preview.strip.count : preview.frames.count
            preview.selectedFrame = i.flatMap { $0 >= 0 && $0 < n ? $0 : nil }
            if !preview.showingStrip, preview.selectedFrame == n - 1 { preview.selectedFrame = nil }
        case .beginEdit:
            if focus == .training, field(.training) == 1, !training.running {
                let text = Array(training.dataFolder)
                editing = EditBuffer(field: .dataFolder, text: text, cursor: text.count)
                return []
            }
            if focus == .sampler, SamplerField(rawValue: field(.sampler)) == .image {
                let text = Array(sampler.initImage)
                editing = EditBuffer(field: .initImage, text: text, cursor: text.count)
                return []
            }
            guard focus == .prompts, let f = PromptField(rawValue: field(.prompts)), f != .mix else {
                if focus == .preview { return apply(.save) }
                return []
            }
            let text = Array(f == .a ? promptA : promptB)
            editing = EditBuffer(field: EditField(f), text: text, cursor: text.count)
        case .commitEdit:
            guard let e = editing else { return [] }
            editing = nil
            let text = String(e.text)
            switch e.field {
            case .a: promptA = text
            case .b: promptB = text
            case .dataFolder:
                training.dataFolder = text.trimmingCharacters(in: .whitespaces)
                status = StatusMessage(
                    text: training.dataFolder.isEmpty
                        ? "training data: the recipe's own"
                        : "training data: \(training.dataFolder) (t starts)",
                    isError: false)
                return []
            case .initImage:
                sampler.initImage = text.trimmingCharacters(in: .whitespaces)
                status = StatusMessage(
                    text: sampler.initImage.isEmpty
                        ? "init image cleared: text to image"
                        : "image to image from \(sampler.initImage) at strength "
                            + TextLayout.fixed(Double(sampler.strength), 2),
                    isError: false)
                return sampleEffects()
            }
            return [.encode(promptA: promptA, promptB: promptB)] + sampleEffects()
        case .cancelEdit:
            editing = nil
        case .editInsert(let c):
            guard var e = editing else { return [] }
            e.text.insert(c, at: e.cursor)
            e.cursor += 1
            editing = e
        case .editBackspace:
            guard var e = editing, e.cursor > 0 else { return [] }
            e.text.remove(at: e.cursor - 1)
            e.cursor -= 1
            editing = e
        case .editDelete:
            guard var e = editing, e.cursor < e.text.count else { return [] }
            e.text.remove(at: e.cursor)
            editing = e
        case .editCursor(let d):
            guard var e = editing else { return [] }
            e.cursor = min(max(e.cursor + d, 0), e.text.count)
            editing = e
        case .editHome:
            editing?.cursor = 0
        case .editEnd:
            if let n = editing?.text.count { editing?.cursor = n }
        case .train:
            return trainEffects()
        case .pause:
            guard training.running else {
                status = StatusMessage(text: "no training run to pause", isError: true)
                return []
            }
            return [.pauseTraining(!training.paused)]
        case .checkpoint:
            guard training.running else {
                status = StatusMessage(text: "no training run to checkpoint", isError: true)
                return []
            }
            status = StatusMessage(text: "checkpoint after the current step…", isError: false)
            return [.checkpointNow]
        case .interpolate:
            // The strip moves the prompts' conditioning: it leaves any image edit.
            (edit, mark, pendingOutpaint) = (nil, nil, false)
            guard let r = sampleRequest else { return noModel() }
            preview.strip = []
            preview.stripSheet = nil
            preview.stripRequest = nil
            preview.stripCount = stripFrames
            preview.showingStrip = true
            preview.selectedFrame = nil
            return [.strip(StripRequest(base: r, count: stripFrames))]
        case .save:
            // What is saved is what its parameters redraw: the finished image, or the whole finished strip.
            if preview.showingStrip {
                guard let r = preview.stripRequest, preview.strip.count == preview.stripCount,
                    !preview.strip.isEmpty
                else {
                    status = StatusMessage(text: "the interpolation strip is not finished yet", isError: true)
                    return []
                }
                return [.save(r.sheet(preview.strip.map(\.image)), r)]
            }
            guard !preview.running, let image = preview.image, let r = preview.request else {
                status = StatusMessage(
                    text: preview.running ? "wait for the image to finish, then save" : "nothing to save yet",
                    isError: true)
                return []
            }
            return [.save(image, r)]
        case .reseed:
            sampler.seed = Self.nextSeed(sampler.seed)
            return sampleEffects()
        case .reload:
            return [.reloadSettings]
        case .cycleTheme:
            return [.cycleTheme(current: themeName)]
        case .toggleHelp:
            showHelp.toggle()
        case .toggleSmoothScaling:
            smoothImages.toggle()
        case .variations, .adjustEdit, .leaveEdit, .markMode, .markMove, .markToggle, .markAll, .markClear,
            .markInvert, .markApply, .markPointer, .beginOutpaint, .outpaint, .cancelOutpaint, .sourceStored,
            .maskStored:
            return applyEdit(action)
        case .quit:
            quitting = true
            return [.quit]
        case .job(let event):
            return receive(event)
        case .jobs(let list, let cached):
            jobs = list
            cachedRuns = cached
        case .engine(let models, let samplers, let recipes):
            // Keep the selections by name when the lists change (a new run's model appears after training).
            let (model, samplerName, recipe) = (sampler.modelName, sampler.samplerName, training.recipeName)
            sampler.models = models
            sampler.samplers = samplers
            sampler.allSamplers = samplers
            sampler.model =
                model.flatMap(models.firstIndex(of:)) ?? min(sampler.model, max(0, models.count - 1))
            sampler.sampler =
                samplerName.flatMap(samplers.firstIndex(of:))
                ?? min(sampler.sampler, max(0, samplers.count - 1))
            training.recipes = recipes
            training.recipe =
                recipe.flatMap(recipes.firstIndex(of:)) ?? min(training.recipe, max(0, recipes.count - 1))
            followTraits()
            return [.encode(promptA: promptA, promptB: promptB)] + sampleEffects()
        case .themeChanged(let name):
            themeName = name
            status = StatusMessage(text: "theme \(name)", isError: false)
        case .status(let text, let isError):
            status = StatusMessage(text: text, isError: isError)
        case .settingsLoaded(let r):
            promptA = r.promptA
            promptB = r.promptB
            mix = r.mix
            if let i = sampler.models.firstIndex(of: r.model) { sampler.model = i }
            followTraits()
            if let i = sampler.samplers.firstIndex(of: r.sampler.rawValue) { sampler.sampler = i }
            sampler.steps = r.steps
            sampler.cfg = r.cfg
            sampler.seed = r.seed
            sampler.size = r.size
            sampler.eta = r.eta
            // An edit's PNG loads as that edit (its source and mask stay where the PNG names them).
            (edit, mark, pendingOutpaint) = (SeedEdit(request: r), nil, false)
            sampler.initImage = edit == nil ? r.initImage ?? "" : ""
            sampler.strength = r.strength
            status = StatusMessage(text: "settings loaded (seed \(r.seed))", isError: false)
            return [.encode(promptA: promptA, promptB: promptB)] + sampleEffects()
        }
        return []
    }

    // MARK: - ←/→ on the focused field

    private mutating func change(_ d: Int) -> [Effect] {
        switch focus {
        case .prompts:
            guard PromptField(rawValue: field(.prompts)) == .mix else { return [] }
            mix = mix.stepped(by: d, perUnit: 20, in: 0...1)
            return sampleEffects()
        case .sampler:
            switch SamplerField(rawValue: field(.sampler)) ?? .model {
            case .model:
                sampler.model = Self.cycle(sampler.model, d, sampler.models.count)
                // Another model: its own samplers (when known); an edit of the old model's image ends.
                (edit, mark, pendingOutpaint) = (nil, nil, false)
                followTraits()
            case .sampler: sampler.sampler = Self.cycle(sampler.sampler, d, sampler.samplers.count)
            case .steps:
                sampler.steps = min(
                    max(sampler.steps + d, SamplerSettings.stepRange.lowerBound),
                    traits?.maxSteps ?? SamplerSettings.stepRange.upperBound)
            case .cfg:
                sampler.cfg = sampler.cfg.stepped(
                    by: d, perUnit: 2, in: 0...SamplerSettings.cfgRange.upperBound)
            case .seed: sampler.seed = d < 0 && sampler.seed == 0 ? 0 : UInt64(Int64(sampler.seed) + Int64(d))
            case .size:
                let sizes = SamplerSettings.sizes
                let i = sizes.firstIndex(of: sampler.size) ?? 2
                sampler.size = sizes[min(max(i + d, 0), sizes.count - 1)]
            case .eta: sampler.eta = sampler.eta.stepped(by: d, perUnit: 10, in: 0...1)
            case .image:
                status = StatusMessage(text: "enter edits the init image path (empty: none)", isError: false)
                return []
            case .strength:
                sampler.strength = SeedEdit.stepped(strength: sampler.strength, by: d)
                if sampler.initImage.isEmpty { return [] }
            }
            return sampleEffects()
        case .preview:
            if preview.showingStrip {
                // Frames 0…n−1, then n = the whole strip (nil).
                let n = preview.strip.count
                guard n > 0 else { return [] }
                let next = min(max((preview.selectedFrame ?? n) + d, 0), n)
                preview.selectedFrame = next == n ? nil : next
            } else {
                // Frames 0…n−1, the newest being nil (follow the run).
                let n = preview.frames.count
                guard n > 0 else { return [] }
                let next = min(max((preview.selectedFrame ?? n - 1) + d, 0), n - 1)
                preview.selectedFrame = next == n - 1 ? nil : next
            }
        case .training:
            guard !training.running, field(.training) == 0 else { return [] }
            training.recipe = Self.cycle(training.recipe, d, training.recipes.count)
        }
        return []
    }

    mutating func sampleEffects() -> [Effect] {
        guard let r = sampleRequest else { return [] }
        preview.showingStrip = false
        return [.sample(r)]
    }

    private mutating func trainEffects() -> [Effect] {
        if training.running, let id = training.job {
            status = StatusMessage(text: "stopping \(training.runName) after a checkpoint…", isError: false)
            return [.stopTraining(id)]
        }
        guard let recipe = training.recipeName else {
            status = StatusMessage(text: "no training recipes available", isError: true)
            return []
        }
        let folder = training.dataFolder.isEmpty ? nil : training.dataFolder
        let name = folder.map { recipe + "-" + (($0 as NSString).lastPathComponent) } ?? recipe
        training.runName = name
        training.losses = []
        training.smoothed = []
        training.ema = 0
        training.step = 0
        training.samples = nil
        status = StatusMessage(text: "training \(name)", isError: false)
        return [.train(TrainRequest(recipe: recipe, runName: name, data: folder))]
    }

    private mutating func noModel() -> [Effect] {
        status = StatusMessage(text: "no model loaded: sampling is unavailable", isError: true)
        return []
    }

    // MARK: - Job events

    private mutating func receive(_ event: JobEvent) -> [Effect] {
        switch event.update {
        case .state(let s, let message):
            if event.kind == .train { receiveTrainingState(event.job, s, message) }
            if event.kind == .sample, event.job == preview.job, s.isFinal { preview.running = false }
            if s == .failed { status = StatusMessage(text: message ?? "\(event.job) failed", isError: true) }
        case .sampleStep(let step):
            guard adopt(event.job) else { return [] }
            preview.running = true
            preview.step = step.step
            preview.total = step.total
            preview.secondsPerStep = step.seconds
            if let p = step.preview {
                preview.image = p
                preview.frames.append(SampleFrame(step: step.step, image: p))
            }
        case .sampleFinished(let run):
            guard adopt(event.job) else { return [] }
            preview.running = false
            preview.image = run.image
            preview.frames = run.frames
            preview.step = run.steps
            preview.total = run.steps
            preview.secondsPerStep = run.secondsPerStep
            preview.fromCache = run.fromCache
            preview.request = run.request
            preview.selectedFrame = nil
            let timing = run.fromCache ? "from cache" : TextLayout.seconds(run.secondsPerStep) + "/step"
            appendLog(
                StatusMessage(
                    text: "\(event.job) sample · \(run.request.sampler) \(run.steps) steps · cfg "
                        + TextLayout.fixed(Double(run.request.cfg), 1) + " · seed \(run.request.seed) · "
                        + timing,
                    isError: false))
        case .cfgChanged(let cfg, let afterStep):
            if event.job == preview.job { preview.cfgMarks.append((afterStep, cfg)) }
        case .encoded(let summary):
            promptSummary = summary
        case .stripFrame(_, let count, let mix, let image, let frame):
            preview.stripCount = count
            var whole = frame
            whole.frames = count
            whole.mix = 0
            preview.stripRequest = whole
            preview.strip.append((mix, image))
            preview.stripSheet = ImageGrid.contactSheet(preview.strip.map(\.image), padding: 1)
            preview.showingStrip = true
        case .paused(let p):
            if training.job == event.job || training.job == nil {
                training.paused = p
                status = StatusMessage(
                    text: p ? "training paused (p resumes)" : "training resumed", isError: false)
            }
        case .modelTraits(let model, let t):
            let known = modelTraits[model]
            modelTraits[model] = t
            guard known != t, model == sampler.modelName else { return [] }
            // The menu becomes the model's own; a sampler it cannot run gives way to its default.
            let before = sampleRequest
            followTraits()
            return sampleRequest != before && !preview.showingStrip ? sampleEffects() : []
        case .catalog(let c):
            if c.models != sampler.models || c.samplers != sampler.samplers || c.recipes != training.recipes {
                return apply(.engine(models: c.models, samplers: c.samplers, recipes: c.recipes))
            }
            // Same menus, new checkpoint: sample again so the preview shows the newest weights.
            return preview.showingStrip ? [] : sampleEffects()
        case .training(let p):
            training.job = event.job
            training.running = true
            training.runName = p.runName
            training.step = p.step
            training.total = p.totalSteps
            training.losses.append(p.loss)
            let n = Double(training.losses.count)
            training.ema = TrainingState.emaBeta * training.ema + (1 - TrainingState.emaBeta) * Double(p.loss)
            training.smoothed.append(Float(training.ema / (1 - Foundation.pow(TrainingState.emaBeta, n))))
            training.learningRate = p.learningRate
            training.gradNorm = p.gradNorm
            training.fields = p.fields
            training.itemsPerSecond = p.itemsPerSecond
            training.etaSeconds = p.etaSeconds
            if let s = p.samples {
                training.samples = s
                training.samplesStep = p.samplesStep ?? p.step
            }
            if let m = p.message { status = StatusMessage(text: m, isError: false) }
        }
        return []
    }

    /// Switches the preview to `job` when it is newer; false for events of older (superseded) jobs.
    private mutating func adopt(_ job: JobID) -> Bool {
        if let current = preview.job, job.raw < current.raw { return false }
        if preview.job != job {
            preview.job = job
            preview.frames = []
            preview.cfgMarks = []
            preview.selectedFrame = nil
            preview.fromCache = false
            preview.showingStrip = false
        }
        return true
    }

    private mutating func receiveTrainingState(_ job: JobID, _ s: JobState, _ message: String?) {
        switch s {
        case .queued, .running:
            training.job = job
            training.running = true
        case .done, .failed, .cancelled:
            guard training.job == job || training.job == nil else { return }
            training.running = false
            training.paused = false
            if s != .failed { status = StatusMessage(text: message ?? "training finished", isError: false) }
        }
    }

    // MARK: - Helpers

    /// Makes the Sampler pane offer the selected model's own samplers once its traits are known: the sampler
    /// kept by name when it can run it, else the model's default sampler at its default steps; steps clamped
    /// to what its sampler can take.
    mutating func followTraits() {
        let name = sampler.samplerName
        guard let t = traits, !t.samplers.isEmpty else {
            // Not run yet: the whole menu, the sampler kept by name.
            if !sampler.allSamplers.isEmpty, sampler.samplers != sampler.allSamplers {
                sampler.samplers = sampler.allSamplers
                sampler.sampler = name.flatMap(sampler.samplers.firstIndex(of:)) ?? 0
            }
            return
        }
        if sampler.samplers != t.samplers { sampler.samplers = t.samplers }
        if let name, let i = t.samplers.firstIndex(of: name) {
            sampler.sampler = i
        } else {
            sampler.sampler = t.samplers.firstIndex(of: t.defaultSampler) ?? 0
            sampler.steps = t.defaultSteps
        }
        if let m = t.maxSteps { sampler.steps = min(sampler.steps, m) }
    }

    static func cycle(_ i: Int, _ d: Int, _ n: Int) -> Int { n == 0 ? 0 : ((i + d) % n + n) % n }

    /// SplitMix64 of the current seed: reseeding is deterministic, so a session can be replayed.
    public static func nextSeed(_ seed: UInt64) -> UInt64 {
        var z = seed &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return (z ^ (z >> 31)) % 1_000_000
    }
}
