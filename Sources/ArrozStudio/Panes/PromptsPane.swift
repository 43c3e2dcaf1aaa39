// PromptsPane: prompts A and B (editable), the embedding sparkline with |A|, cos(A, B), and the mix slider.

/// `A  a red apple` / `B  a green apple` / `▁▃▅▇ |A| 1.00  cos(A,B) 0.80` / `mix A ━━━●── B 0.35`.
public enum PromptsPane {
    public static func render(_ state: AppState, into canvas: inout Canvas, rect: Rect, _ ctx: PaneContext) {
        let inner = ctx.box(&canvas, rect, .prompts, accent: .promptsBox)
        guard inner.width > 8, inner.height > 0 else { return }
        let t = ctx.theme
        for f in PromptField.allCases where f.rawValue < inner.height {
            let row = f == .mix ? 3 : f.rawValue
            canvas.hotspot(
                Rect(x: inner.x, y: inner.y + row, width: inner.width, height: 1),
                [.focus(.prompts, field: f.rawValue)])
        }
        promptLine(state, .a, "A", state.promptA, &canvas, inner, ctx)
        if inner.height > 1 { promptLine(state, .b, "B", state.promptB, &canvas, inner, ctx) }
        if inner.height > 2 { summaryLine(state, &canvas, inner, ctx) }
        guard inner.height > 3 else { return }
        let y = inner.y + 3
        var x = inner.x + canvas.text("mix", x: inner.x, y: y, ctx.label(state, .prompts, 2))
        x += canvas.text(" A ", x: x, y: y, t.inactive)
        let value = " B " + TextLayout.fixed(Double(state.mix), 2)
        let width = inner.maxX - x - TextLayout.width(value)
        for i in 0..<max(0, width) {
            let fraction = Float(i) / Float(max(1, width - 1))
            canvas.hotspot(
                Rect(x: x + i, y: y, width: 1, height: 1),
                [.focus(.prompts, field: PromptField.mix.rawValue), .setMix(fraction)])
        }
        Meter.slider(
            &canvas, x: x, y: y, width: width, fraction: Double(state.mix),
            fill: t.style(.meterFill), empty: t.style(.meterEmpty), knob: t.style(.meterKnob, .bold))
        canvas.text(value, x: x + max(0, width), y: y, t.text)
    }

    private static func promptLine(
        _ state: AppState, _ field: PromptField, _ label: String, _ text: String, _ canvas: inout Canvas,
        _ inner: Rect, _ ctx: PaneContext
    ) {
        let y = inner.y + field.rawValue
        let x = inner.x + canvas.text(label, x: inner.x, y: y, ctx.label(state, .prompts, field.rawValue)) + 2
        let width = inner.maxX - x
        guard width > 0 else { return }
        if let e = state.editing, e.field == EditField(field) {
            EditLine.render(e, x: x, y: y, width: width, into: &canvas, ctx)
        } else {
            let shown = text.isEmpty ? "(empty: unconditional)" : text
            canvas.text(
                TextLayout.truncate(shown, width), x: x, y: y,
                text.isEmpty ? ctx.theme.inactive : ctx.theme.text)
        }
    }

    private static func summaryLine(
        _ state: AppState, _ canvas: inout Canvas, _ inner: Rect, _ ctx: PaneContext
    ) {
        let y = inner.y + 2
        let t = ctx.theme
        guard let s = state.promptSummary else {
            canvas.text(
                TextLayout.truncate("embedding: not encoded yet", inner.width), x: inner.x, y: y, t.inactive)
            return
        }
        let numbers =
            "  |A| " + TextLayout.fixed(Double(s.a.norm), 2) + "  cos(A,B) "
            + TextLayout.fixed(Double(s.cosine), 2)
        let sparkWidth = max(4, min(s.a.profile.count, inner.width - TextLayout.width(numbers)))
        let values = s.a.profile.map { $0 * (1 - state.mix) }.enumerated().map { i, v in
            v + (i < s.b.profile.count ? s.b.profile[i] * state.mix : 0)
        }
        Sparkline.draw(
            &canvas, x: inner.x, y: y, values: values, width: min(sparkWidth, inner.width), style: t.text
        ) {
            t.gradient(.sparkStart, .sparkMid, .sparkEnd, $0)
        }
        canvas.text(
            numbers, x: inner.x + sparkWidth, y: y, t.style(.graphText),
            maxWidth: inner.maxX - inner.x - sparkWidth)
    }
}
