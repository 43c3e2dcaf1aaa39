// StudioView: the screen layout — Prompts and Sampler left, Preview and Training right, job line, key bar —
// adapting to the terminal size, with a "too small" message below the minimum.

/// Where each pane goes for a given terminal size.
public struct StudioLayout: Equatable {
    public static let minCols = 64
    public static let minRows = 20
    /// The smallest Log box: borders and two lines.
    public static let minLogRows = 4

    public let prompts: Rect
    public let sampler: Rect
    /// The Log box, on terminals tall enough for it.
    public let log: Rect?
    public let preview: Rect
    public let training: Rect
    public let jobLine: Int
    public let keyBar: Int

    /// nil when the terminal is smaller than ``minCols`` × ``minRows``.
    public init?(cols: Int, rows: Int) {
        guard cols >= Self.minCols, rows >= Self.minRows else { return nil }
        let main = Rect(x: 0, y: 0, width: cols, height: rows - 2)
        let leftWidth = max(36, min(60, cols * 2 / 5))
        let (left, right) = main.splitLeft(leftWidth)
        let (p, rest) = left.splitTop(6)
        prompts = p
        // The Sampler's height follows its fields: one row each plus borders, and a gap and its two info lines
        // when there is room for them and a Log; the Log takes the rows left when they are at least ``minLogRows``.
        let fields = SamplerField.allCases.count + 2, full = fields + 3
        let samplerRows =
            rest.height >= full + Self.minLogRows ? full : rest.height >= fields + Self.minLogRows ? fields : rest.height
        let (s, l) = rest.splitTop(samplerRows)
        sampler = s
        log = l.isEmpty ? nil : l
        let previewHeight = max(8, right.height * 11 / 20)
        let (pv, tr) = right.splitTop(previewHeight)
        preview = pv
        training = tr
        jobLine = rows - 2
        keyBar = rows - 1
    }
}

/// Renders the whole studio into a canvas.
public enum StudioView {
    public static func render(
        _ state: AppState, keyMap: KeyMap, into canvas: inout Canvas, _ ctx: PaneContext
    ) {
        let base = Cell(" ", ctx.theme.text)
        canvas.fill(canvas.bounds, base)
        canvas.images.removeAll()
        guard let layout = StudioLayout(cols: canvas.width, rows: canvas.height) else {
            let lines = [
                "terminal too small: \(canvas.width)×\(canvas.height)",
                "arroz-studio needs at least \(StudioLayout.minCols)×\(StudioLayout.minRows)",
                "q quits",
            ]
            for (i, line) in lines.enumerated() {
                let y = canvas.height / 2 - 1 + i
                let text = TextLayout.truncate(line, canvas.width)
                canvas.text(
                    text, x: max(0, (canvas.width - TextLayout.width(text)) / 2), y: y,
                    i == 0 ? ctx.theme.style(.errorFg, .bold) : ctx.theme.text)
            }
            return
        }
        PromptsPane.render(state, into: &canvas, rect: layout.prompts, ctx)
        SamplerPane.render(state, into: &canvas, rect: layout.sampler, ctx)
        if let log = layout.log { LogPane.render(state, into: &canvas, rect: log, ctx) }
        PreviewPane.render(state, into: &canvas, rect: layout.preview, ctx)
        TrainingPane.render(state, into: &canvas, rect: layout.training, ctx)
        StatusBars.jobLine(state, into: &canvas, y: layout.jobLine, width: canvas.width, ctx)
        StatusBars.keyBar(state, keyMap, into: &canvas, y: layout.keyBar, width: canvas.width, ctx)
        if state.showHelp {
            HelpOverlay.render(
                keyMap, themeName: state.themeName, graphics: ctx.graphics, note: state.graphicsNote,
                smooth: state.smoothImages, into: &canvas, ctx)
        }
    }
}
