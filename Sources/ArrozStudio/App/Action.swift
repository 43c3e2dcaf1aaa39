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
    /// Read settings back from the most recently saved PNG.
    case reloadSettings
    /// Load and show the theme after `current` in the catalog.
    case cycleTheme(current: String)
    case quit
}
