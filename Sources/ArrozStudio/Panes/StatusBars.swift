// StatusBars: the one-line job queue (with the status message) and the key bar at the bottom of the screen.
import ArrozTrain

/// The two bottom lines.
public enum StatusBars {
    /// `jobs  #7 sample ▸ 14/20  #5 train ▸ 1200/5000  #6 encode ✓ · status message`.
    public static func jobLine(
        _ state: AppState, into canvas: inout Canvas, y: Int, width: Int, _ ctx: PaneContext
    ) {
        let t = ctx.theme
        var x = canvas.text(" jobs ", x: 0, y: y, t.inactive)
        let live = state.jobs.filter { !$0.state.isFinal }
        let recent = state.jobs.filter(\.state.isFinal).suffix(max(0, 3 - live.count))
        let shown = live + recent
        if shown.isEmpty { x += canvas.text("idle ", x: x, y: y, t.inactive) }
        for job in shown {
            let (mark, key): (String, ThemeKey) =
                switch job.state {
                case .queued: ("…", .jobQueued)
                case .running: ("▸", .jobRunning)
                case .done: ("✓", .jobDone)
                case .failed: ("✗", .jobFailed)
                case .cancelled: ("–", .jobFailed)
                }
            var text = "\(job.id) \(job.kind.rawValue) \(mark)"
            if job.state == .running, job.total > 0 { text += " \(job.step)/\(job.total)" }
            guard x + TextLayout.width(text) + 2 < width else { break }
            x += canvas.text(text + "  ", x: x, y: y, t.style(key))
        }
        if let status = state.status, x + 4 < width {
            let style = status.isError ? t.style(.errorFg, .bold) : t.style(.statusFg)
            x += canvas.text("│ ", x: x, y: y, t.style(.divLine))
            canvas.text(TextLayout.truncate(status.text, width - x), x: x, y: y, style)
        }
    }

    /// ` q quit  ? help  tab pane  ←→ change …` (editing shows the editing keys instead).
    public static func keyBar(
        _ state: AppState, _ keyMap: KeyMap, into canvas: inout Canvas, y: Int, width: Int,
        _ ctx: PaneContext
    ) {
        let t = ctx.theme
        let bg = Style(fg: t[.keybarText], bg: t[.keybarBg] ?? t[.mainBg])
        canvas.fill(Rect(x: 0, y: y, width: width, height: 1), Cell(" ", bg))
        let entries: [(keys: String, label: String, action: Action?)] =
            state.editing != nil
            ? [
                ("enter", "save prompt", .commitEdit), ("esc", "cancel", .cancelEdit), ("←→", "move", nil),
                ("home/end", "jump", nil),
            ]
            : state.pendingOutpaint
                ? [
                    ("←↑→↓", "outpaint that side", nil), ("[ ]", "tokens \(state.outpaintTokens)", nil),
                    ("esc", "cancel", .cancelOutpaint),
                ]
                : state.mark != nil
                    ? [("M", "mark", nil)] + keyMap.markBarEntries.map { ($0.keys, $0.label, nil) }
                        + [("o", "outpaint", .beginOutpaint), ("?", "help", .toggleHelp)]
                    : keyMap.barItems
        var x = 1
        for (keys, label, action) in entries {
            let w = TextLayout.width(keys) + 1 + TextLayout.width(label) + 2
            guard x + w <= width else { break }
            // Clickable, htop-style.
            if let action { canvas.hotspot(Rect(x: x, y: y, width: w - 2, height: 1), [action]) }
            x += canvas.text(keys, x: x, y: y, Style(fg: t[.keybarKey], bg: bg.bg, attrs: [.bold]))
            x += canvas.text(" " + label + "  ", x: x, y: y, bg)
        }
    }
}
