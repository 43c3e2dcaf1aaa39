// LogPane: the recent status messages and finished runs, newest at the bottom (shown when there is room).

/// The Log box under the Sampler on tall terminals.
public enum LogPane {
    public static func render(_ state: AppState, into canvas: inout Canvas, rect: Rect, _ ctx: PaneContext) {
        let t = ctx.theme
        let inner = Box.draw(
            &canvas, rect, title: "Log", border: t.style(.divLine), titleStyle: t.style(.graphText, .bold),
            subtitleStyle: t.style(.graphText))
        guard inner.width > 4, inner.height > 0 else { return }
        let lines = state.log.suffix(inner.height)
        for (i, line) in lines.enumerated() {
            let style = line.isError ? t.style(.errorFg) : t.inactive
            canvas.text(TextLayout.truncate(line.text, inner.width), x: inner.x, y: inner.y + i, style)
        }
    }
}
