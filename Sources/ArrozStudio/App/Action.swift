// Action and Effect: the user's and the jobs' intents going into the reducer, and the work coming out of it.
import ArrozImage
import ArrozTrain

/// Something that happened: a key mapped to an intent, a job event, an engine answer.
public enum Action: Sendable {
    // Navigation and fields
    case focusNext, focusPrevious
    case moveField(Int)
    case change(Int)
    // Mouse: focus a pane (and a field), set the mix slider, pick a preview frame (nil = newest / all).
    case focus(PaneID, field: Int?)
    case setMix(Float)
    case selectFrame(Int?)
    // Prompt editing
    case beginEdit, commitEdit, cancelEdit
    case editInsert(Character), editBackspace, editDelete, editCursor(Int), editHome, editEnd
    // Commands
    case train, checkpoint, pause, interpolate, save, reseed, reload, cycleTheme, toggleHelp, quit
    case toggleSmoothScaling
    // Seed-image edits: variations of the shown image, their strength, back to plain generation.
    case variations, adjustEdit(Int), leaveEdit
    // Mark mode (inpainting): enter it on the shown image, move / stretch the cursor, toggle, all / clear /
    // invert, a mouse event on grid cell (x, y), repaint the marked cells.
    case markMode
    case markMove(dx: Int, dy: Int, extend: Bool)
    case markToggle, markAll, markClear, markInvert, markApply
    case markPointer(PointerPhase, x: Int, y: Int)
    // Outpainting: `o`, then the side; any other key cancels.
    case beginOutpaint, outpaint(ImageSide), cancelOutpaint
    // The app saved a source image (what for) or a mask, at an absolute path.
    case sourceStored(SourcePurpose, path: String)
    case maskStored(path: String)
    // From the app / queue
    case job(JobEvent)
    case jobs([JobSummary], cachedRuns: Int)
    case engine(models: [String], samplers: [String], recipes: [String])
    case themeChanged(String)
    case status(String, isError: Bool)
    case settingsLoaded(GenerationRequest)
}

/// Work the reducer asks the app to do (the app talks to the queue, the disk and the theme catalog).
public enum Effect: Equatable, Sendable {
    case sample(GenerationRequest)
    case encode(promptA: String, promptB: String)
    case strip(StripRequest)
    case train(TrainRequest)
    /// Stop a training job after a checkpoint.
    case stopTraining(JobID)
    /// Save a checkpoint of the running training job now and keep training.
    case checkpointNow
    /// Pause (true) or resume (false) the running training job.
    case pauseTraining(Bool)
    /// Save the shown image as PNG with these settings embedded.
    case save(RGBImage, GenerationRequest)
    /// Save the shown image as a source for an edit (outputs/sources/<hash>.png), then `.sourceStored`.
    case storeSource(RGBImage, SourcePurpose)
    /// Save the mark mode's mask PNG (outputs/sources/mask-<hash>.png), then `.maskStored`.
    case storeMask(RGBImage)
    /// Read settings back from the most recently saved PNG.
    case reloadSettings
    /// Load and show the theme after `current` in the catalog.
    case cycleTheme(current: String)
    case quit
}

/// What a stored source image is for.
public enum SourcePurpose: Equatable, Sendable {
    /// `v`: variations of it, of this kind.
    case variation(EditKind)
    /// `M`: marking cells on it to repaint.
    case mark
    /// `o` + arrow: outpainting this side.
    case outpaint(ImageSide)
}
