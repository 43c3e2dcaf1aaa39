// PreviewPane: the live image scaled to the pane, step counter and time per step, and the strip of earlier
// steps to scrub — small x̂₀ thumbnails when the pane has room, a row of step numbers otherwise.
import ArrozImage

/// `┌ Preview ── step 14/20 · ddim · 0.41 s ─┐`, the image, then thumbnails or `steps ▏1 ▏4 ▏8 ▏12 ▏14`.
public enum PreviewPane {
    /// Kitty image ids: the preview, then the thumbnails from ``thumbnailSlot``.
    public static let imageSlot: UInt32 = 1
    public static let thumbnailSlot: UInt32 = 10

    public static func render(_ state: AppState, into canvas: inout Canvas, rect: Rect, _ ctx: PaneContext) {
        let p = state.preview
        let inner = ctx.box(&canvas, rect, .preview, accent: .previewBox, subtitle: subtitle(state))
        guard inner.width > 4, inner.height > 2 else { return }
        let t = ctx.theme
        let thumbRows = thumbnailRows(state, inner)
        let (imageArea, stripArea) = inner.splitTop(inner.height - (thumbRows > 0 ? thumbRows + 1 : 1))
        if let image = p.shownImage, let mark = state.mark, !p.showingStrip {
            canvas.markArea = ImageView.draw(image, in: imageArea, &canvas, ctx, slot: imageSlot) {
                MarkOverlay.apply(mark, to: &$0, tinted: state.repaintedMarks != mark.cells || p.running)
            }
        } else if let image = p.shownImage {
            ImageView.draw(image, in: imageArea, &canvas, ctx, slot: imageSlot)
        } else {
            let msg =
                state.sampler.modelName == nil ? "no model loaded" : p.running ? "sampling…" : "no image yet"
            canvas.text(
                TextLayout.truncate(msg, imageArea.width),
                x: imageArea.x + max(0, (imageArea.width - TextLayout.width(msg)) / 2),
                y: imageArea.y + imageArea.height / 2, t.inactive)
        }
        if thumbRows > 0 {
            thumbnails(state, &canvas, stripArea, rows: thumbRows, ctx)
        } else {
            strip(state, &canvas, stripArea, ctx)
        }
    }

    /// Rows of the thumbnail strip (0 = the one-line strip): a fifth of the pane, 2–5 rows, when the pane is
    /// at least 14 rows tall and there are two entries to scrub.
    static func thumbnailRows(_ state: AppState, _ inner: Rect) -> Int {
        let entries = state.preview.showingStrip ? state.preview.strip.count : state.preview.frames.count
        guard entries >= 2, inner.height >= 14, inner.width >= 30 else { return 0 }
        return min(5, max(2, inner.height / 5))
    }

    /// The entries the strip scrubs: label, image, and the frame index a click selects (nil = follow the newest
    /// / the whole sheet).
    static func entries(_ p: PreviewState) -> [(label: String, image: RGBImage?, pick: Int?)] {
        if p.showingStrip {
            return p.strip.enumerated().map { (TextLayout.fixed(Double($1.mix), 2), $1.image, $0) }
                + [("all", p.stripSheet, nil)]
        }
        return p.frames.enumerated().map { i, f in ("\(f.step)", f.image, i == p.frames.count - 1 ? nil : i) }
    }

    /// x̂₀ thumbnails (square in pixels) with their step under each, a window around the selected one.
    static func thumbnails(
        _ state: AppState, _ canvas: inout Canvas, _ area: Rect, rows: Int, _ ctx: PaneContext
    ) {
        let p = state.preview
        let t = ctx.theme
        let items = entries(p)
        let (cw, ch) =
            ctx.cellWidth > 0 && ctx.cellHeight > 0 ? (ctx.cellWidth, ctx.cellHeight) : ImageView.assumedCell
        let thumbCols = ctx.graphics.isPixels ? max(2, (rows * ch + cw - 1) / cw) : rows * 2
        let pitch = thumbCols + 1
        let fit = max(1, (area.width + 1) / pitch)
        let selected = p.selectedFrame ?? items.count - 1
        let first = max(0, min(selected - fit / 2, items.count - fit))
        var x = area.x
        for i in first..<min(items.count, first + fit) {
            let box = Rect(x: x, y: area.y, width: thumbCols, height: rows)
            let item = items[i]
            canvas.hotspot(
                Rect(x: x, y: area.y, width: thumbCols, height: rows + 1),
                [.focus(.preview, field: 0), .selectFrame(item.pick)])
            if let image = item.image {
                // Thumbnails fill their box (a whole factor would often leave a 32² frame at 1×).
                var small = ctx
                small.smooth = true
                // One kitty id per frame: sliding the window moves placements instead of re-sending pixels.
                ImageView.draw(image, in: box, &canvas, small, slot: thumbnailSlot + UInt32(i))
            }
            let style =
                i == selected ? (ctx.focus == .preview ? t.selected : t.style(.hiFg, .bold)) : t.inactive
            let marked =
                !p.showingStrip && i < p.frames.count
                && p.cfgMarks.contains { $0.step + 1 == p.frames[i].step }
            let label = TextLayout.truncate((marked ? "¦" : "") + item.label, thumbCols)
            canvas.text(
                label, x: x + (thumbCols - TextLayout.width(label)) / 2, y: area.y + rows,
                marked ? t.style(.jobRunning, .bold) : style)
            x += pitch
        }
    }

    static func subtitle(_ state: AppState) -> String {
        let p = state.preview
        if p.showingStrip {
            return "interpolate A→B · \(p.strip.count)/\(p.stripCount)"
        }
        // An edit says what it does: `mark 5/64 · cursor 3,4` or `variation 0.50`.
        var edit: [String] = []
        if let m = state.mark {
            edit.append("mark \(m.count)/\(m.side * m.side) · cell \(m.cursor.x),\(m.cursor.y)")
            if state.edit?.mask != nil { edit.append("inpainted") }
        } else if let e = state.edit {
            edit.append(e.summary)
        }
        guard p.total > 0 else { return edit.joined(separator: " · ") }
        var parts = ["step \(shownStep(p))/\(p.total)"]
        // "cached" right after the step: at 80×24 the Sampler has no room for its "last run … (cached)" line.
        if p.fromCache { parts.append("cached") }
        if let s = p.request?.sampler.rawValue ?? state.sampler.samplerName { parts.append(s) }
        if p.secondsPerStep > 0 { parts.append(TextLayout.seconds(p.secondsPerStep)) }
        if let m = p.cfgMarks.last {
            parts.append("cfg→" + TextLayout.fixed(Double(m.cfg), 1) + " after \(m.step)")
        }
        return (edit + parts).joined(separator: " · ")
    }

    static func shownStep(_ p: PreviewState) -> Int {
        if let i = p.selectedFrame, p.frames.indices.contains(i) { return p.frames[i].step }
        return p.step
    }

    /// `steps ▏1 ▏4 ▏8 …` (or `mix ▏0.00 ▏0.17 …`), a window around the selected entry.
    static func strip(_ state: AppState, _ canvas: inout Canvas, _ area: Rect, _ ctx: PaneContext) {
        let p = state.preview
        let t = ctx.theme
        let labels =
            p.showingStrip
            ? p.strip.map { TextLayout.fixed(Double($0.mix), 2) } + ["all"] : p.frames.map { "\($0.step)" }
        guard !labels.isEmpty else { return }
        let head = p.showingStrip ? "mix " : "steps "
        var x = area.x + canvas.text(head, x: area.x, y: area.y, ctx.label(state, .preview, 0))
        let selected = p.selectedFrame ?? labels.count - 1
        let cellWidth = (labels.map { TextLayout.width($0) }.max() ?? 1) + 2
        let fit = max(1, (area.maxX - x) / cellWidth)
        let first = max(0, min(selected - fit / 2, labels.count - fit))
        for i in first..<min(labels.count, first + fit) {
            let style =
                i == selected ? (ctx.focus == .preview ? t.selected : t.style(.hiFg, .bold)) : t.inactive
            let pick: Int? =
                p.showingStrip ? (i < p.strip.count ? i : nil) : (i == labels.count - 1 ? nil : i)
            canvas.hotspot(
                Rect(x: x, y: area.y, width: cellWidth, height: 1),
                [.focus(.preview, field: 0), .selectFrame(pick)])
            // A CFG change mid-run marks the first step that could use it with `¦` on the timeline.
            let marked =
                !p.showingStrip && i < p.frames.count
                && p.cfgMarks.contains { $0.step + 1 == p.frames[i].step }
            x += canvas.text(
                marked ? "¦" : "▏", x: x, y: area.y, marked ? t.style(.jobRunning, .bold) : t.style(.divLine))
            x += canvas.text(TextLayout.pad(labels[i], cellWidth - 1), x: x, y: area.y, style)
        }
    }
}
