// HelpOverlay: the `?` box listing every binding of the key map (generated, so it never goes stale).

/// A centred box over the panes.
public enum HelpOverlay {
    public static func render(
        _ keyMap: KeyMap, themeName: String, graphics: GraphicsMode, note: String = "", smooth: Bool = false,
        into canvas: inout Canvas, _ ctx: PaneContext
    ) {
        let lines = keyMap.helpLines
        let keyWidth = (lines.map { TextLayout.width($0.keys) }.max() ?? 4) + 2
        // The footer: which image protocol and why (GraphicsDetection's reason), then the rest.
        let extra = [
            "", "graphics \(graphics.rawValue)" + (note.isEmpty ? "" : ": \(note)"),
            "theme \(themeName) · images \(smooth ? "smooth" : "nearest") (m) · the mouse clicks fields and keys",
        ]
        let width = min(
            canvas.width - 4, max(
                44, keyWidth + (lines.map { TextLayout.width($0.help) }.max() ?? 20) + 4,
                (extra.map { TextLayout.width($0) }.max() ?? 0) + 4))
        let height = min(canvas.height - 2, lines.count + extra.count + 2)
        guard width > 10, height > 3 else { return }
        canvas.hotspot(canvas.bounds, [.toggleHelp])  // any click closes the help
        let rect = Rect(
            x: (canvas.width - width) / 2, y: (canvas.height - height) / 2, width: width, height: height)
        let t = ctx.theme
        let base = Style(fg: t[.mainFg], bg: t[.editBg] ?? t[.mainBg])
        canvas.fill(rect, Cell(" ", base))
        canvas.images.removeAll {
            $0.rect.x < rect.maxX && rect.x < $0.rect.maxX && $0.rect.y < rect.maxY && rect.y < $0.rect.maxY
        }
        let inner = Box.draw(
            &canvas, rect, title: "Keys", subtitle: "any key closes this help",
            border: base.with(fg: t[.activeBox]),
            titleStyle: base.with(fg: t[.title]).adding(.bold), subtitleStyle: base.with(fg: t[.inactiveFg]))
        var y = inner.y
        // The footer (protocol and why) always shows: on a short screen the last key lines give way.
        let footer = Array(extra.drop { $0.isEmpty && inner.height < lines.count + extra.count })
        let keyRows = max(0, inner.height - footer.count)
        for (keys, help) in lines.prefix(keyRows) where y < inner.maxY {
            canvas.text(
                TextLayout.pad(keys, keyWidth), x: inner.x + 1, y: y, base.with(fg: t[.hiFg]).adding(.bold))
            canvas.text(
                TextLayout.truncate(help, inner.width - keyWidth - 1), x: inner.x + 1 + keyWidth, y: y, base)
            y += 1
        }
        for line in footer where y < inner.maxY {
            canvas.text(
                TextLayout.truncate(line, inner.width - 1), x: inner.x + 1, y: y,
                base.with(fg: t[.inactiveFg]))
            y += 1
        }
    }
}
