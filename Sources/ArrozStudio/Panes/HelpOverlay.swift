// HelpOverlay: the `?` box listing every binding of the key map and the mark mode's keys (generated, so it never
// goes stale), in as many columns as the screen needs.

/// A centred box over the panes.
public enum HelpOverlay {
    /// One row of the help: a key and its words, or a section title (`keys` empty).
    typealias Entry = (keys: String, help: String)

    public static func render(
        _ keyMap: KeyMap, themeName: String, graphics: GraphicsMode, note: String = "", smooth: Bool = false,
        into canvas: inout Canvas, _ ctx: PaneContext
    ) {
        let sections: [[Entry]] = [keyMap.helpLines, [("", "mark mode (M)")] + keyMap.markHelpLines]
        // The footer: which image protocol and why (GraphicsDetection's reason), then the rest.
        let extra = [
            "", "graphics \(graphics.rawValue)" + (note.isEmpty ? "" : ": \(note)"),
            "theme \(themeName) · images \(smooth ? "smooth" : "nearest") (m) · the mouse clicks fields and keys",
        ]
        let entries = sections.joined().map { $0 }
        let maxHeight = canvas.height - 2
        let rowsAvailable = max(1, maxHeight - 2 - extra.count)
        let columns = max(1, (entries.count + rowsAvailable - 1) / rowsAvailable)
        let rows = (entries.count + columns - 1) / columns
        // Column-major; each column sized to its own keys and words.
        let cols: [[Entry]] = (0..<columns).map { c in
            Array(entries[(c * rows)..<min(entries.count, (c + 1) * rows)])
        }
        let keyWidths = cols.map { ($0.map { TextLayout.width($0.keys) }.max() ?? 4) + 2 }
        let colWidths = zip(cols, keyWidths).map { col, k in
            k + (col.map { TextLayout.width($0.help) }.max() ?? 20) + 2
        }
        let width = min(
            canvas.width - 4,
            max(44, colWidths.reduce(0, +) + 2, (extra.map { TextLayout.width($0) }.max() ?? 0) + 4))
        let height = min(maxHeight, rows + extra.count + 2)
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
        // The footer (protocol and why) always shows: on a short screen the last key lines give way.
        let footer = Array(extra.drop { $0.isEmpty && inner.height < rows + extra.count })
        let keyRows = max(0, inner.height - footer.count)
        // Each column its own width; on a narrow screen they share it in proportion.
        let total = max(1, colWidths.reduce(0, +))
        var x = inner.x + 1
        for (c, col) in cols.enumerated() {
            let fair =
                total <= inner.width - 1 ? colWidths[c] : max(10, (inner.width - 1) * colWidths[c] / total)
            let w = c == cols.count - 1 ? inner.maxX - x : fair
            var y = inner.y
            for (keys, help) in col.prefix(keyRows) where y < inner.maxY {
                if keys.isEmpty {
                    canvas.text(
                        TextLayout.truncate(help, w - 1), x: x, y: y, base.with(fg: t[.title]).adding(.bold))
                } else {
                    canvas.text(
                        TextLayout.truncate(keys, keyWidths[c] - 1), x: x, y: y,
                        base.with(fg: t[.hiFg]).adding(.bold))
                    canvas.text(
                        TextLayout.truncate(help, max(0, w - keyWidths[c] - 1)), x: x + keyWidths[c], y: y,
                        base)
                }
                y += 1
            }
            x += w
        }
        var y = inner.y + min(rows, keyRows)
        for line in footer where y < inner.maxY {
            canvas.text(
                TextLayout.truncate(line, inner.width - 1), x: inner.x + 1, y: y,
                base.with(fg: t[.inactiveFg]))
            y += 1
        }
    }
}
