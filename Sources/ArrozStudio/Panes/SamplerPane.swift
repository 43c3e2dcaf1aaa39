// SamplerPane: model, sampler, steps, CFG, seed, size, η, the init image and its strength — each a field ←/→
// changes (enter edits the init image path).

/// One field per row: `label   ◀ value ▶`.
public enum SamplerPane {
    public static func render(_ state: AppState, into canvas: inout Canvas, rect: Rect, _ ctx: PaneContext) {
        let inner = ctx.box(&canvas, rect, .sampler, accent: .samplerBox)
        guard inner.width > 12, inner.height > 0 else { return }
        let s = state.sampler
        let values: [(SamplerField, String, String)] = [
            (.model, "model", s.modelName ?? "(no model loaded)"),
            (.sampler, "sampler", s.samplerName ?? "—"),
            (.steps, "steps", "\(s.steps)"),
            (.cfg, "cfg", TextLayout.fixed(Double(s.cfg), 1)),
            (.seed, "seed", "\(s.seed)"),
            (.size, "size", "\(s.size)×\(s.size)"),
            (.eta, "eta", TextLayout.fixed(Double(s.eta), 1)),
            (.image, "image", s.initImage.isEmpty ? "none · enter: a PNG path" : s.initImage),
            (.strength, "strength", TextLayout.fixed(Double(s.strength), 2) + (s.initImage.isEmpty ? " (no image)" : "")),
        ]
        let t = ctx.theme
        for (row, (field, label, value)) in values.enumerated() where row < inner.height {
            let y = inner.y + row
            let selected = ctx.focus == .sampler && state.field(.sampler) == field.rawValue
            canvas.text(
                TextLayout.pad(label, 8), x: inner.x, y: y, ctx.label(state, .sampler, field.rawValue))
            var x = inner.x + 9
            if field == .image, let e = state.editing, e.field == .initImage {
                EditLine.render(e, x: x, y: y, width: inner.maxX - x, into: &canvas, ctx)
                continue
            }
            let valueStyle = selected ? t.style(.hiFg, .bold) : t.text
            let focusField = Action.focus(.sampler, field: field.rawValue)
            canvas.hotspot(Rect(x: inner.x, y: y, width: inner.width, height: 1), [focusField])
            canvas.hotspot(Rect(x: x, y: y, width: 2, height: 1), [focusField, .change(-1)])
            x += canvas.text("◀ ", x: x, y: y, selected ? t.style(.hiFg) : t.inactive)
            x += canvas.text(TextLayout.truncate(value, inner.maxX - x - 2), x: x, y: y, valueStyle)
            canvas.hotspot(Rect(x: x, y: y, width: 2, height: 1), [focusField, .change(1)])
            canvas.text(" ▶", x: x, y: y, selected ? t.style(.hiFg) : t.inactive)
            if field == .seed, inner.maxX - x > 14 { canvas.text("   r reseed", x: x + 2, y: y, t.inactive) }
            // Models with a fixed resolution ignore the size field: say what they actually made.
            if field == .size, let img = state.preview.image, img.width != s.size || img.height != s.size {
                let note = " → \(img.width)×\(img.height)"
                if inner.maxX - x - 2 >= TextLayout.width(note) {
                    canvas.text(note, x: x + 2, y: y, t.inactive)
                }
            }
            if field == .cfg, state.preview.running, let mark = state.preview.cfgMarks.last,
                inner.maxX - x > 16
            {
                canvas.text("   live after \(mark.step)", x: x + 2, y: y, t.style(.jobRunning))
            }
        }
        // Extra rows: timing and cache, when the box is taller than the fields.
        let info = [
            "last run  "
                + (state.preview.secondsPerStep > 0
                    ? TextLayout.seconds(state.preview.secondsPerStep) + "/step" : "—")
                + (state.preview.fromCache ? " (cached)" : ""),
            "cache     \(state.cachedRuns) run" + (state.cachedRuns == 1 ? "" : "s"),
        ]
        for (i, line) in info.enumerated() where values.count + 1 + i < inner.height {
            canvas.text(
                TextLayout.truncate(line, inner.width), x: inner.x, y: inner.y + values.count + 1 + i,
                t.inactive)
        }
    }
}
