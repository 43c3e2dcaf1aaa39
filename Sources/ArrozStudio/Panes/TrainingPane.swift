// TrainingPane: run and step, braille loss curve (raw spans + debiased EMA line), lr, grad norm, it/s, ETA,
// and the latest sample grid.
import Foundation

/// The Training box; without a run it says which recipe `t` would start.
public enum TrainingPane {
    public static func render(_ state: AppState, into canvas: inout Canvas, rect: Rect, _ ctx: PaneContext) {
        let tr = state.training
        let subtitle =
            tr.runName.isEmpty
            ? "" : "run \(tr.runName) · step \(tr.step)/\(tr.total)" + (tr.paused ? " · paused" : "")
        let inner = ctx.box(&canvas, rect, .training, accent: .trainingBox, subtitle: subtitle)
        guard inner.width > 10, inner.height > 0 else { return }
        let t = ctx.theme
        if tr.losses.isEmpty {
            let recipe = tr.recipeName ?? "(none available)"
            let lines = [
                tr.running ? "starting \(tr.runName)…" : "no training run",
                "recipe  ◀ \(recipe) ▶",
                "data    " + (tr.dataFolder.isEmpty ? "the recipe's · enter: a folder of PNGs" : tr.dataFolder),
                "t starts it · ←/→ picks a recipe",
            ]
            if inner.height > 1 {
                // Clickable ◀ and ▶ around the recipe name.
                let focus = Action.focus(.training, field: 0)
                let right = inner.x + TextLayout.width("recipe  ◀ \(recipe) ")
                canvas.hotspot(
                    Rect(x: inner.x + 8, y: inner.y + 1, width: 1, height: 1), [focus, .change(-1)])
                canvas.hotspot(Rect(x: right, y: inner.y + 1, width: 1, height: 1), [focus, .change(1)])
            }
            for (i, line) in lines.enumerated() where i < inner.height {
                if i == 2, let e = state.editing, e.field == .dataFolder {
                    EditLine.render(e, x: inner.x + 8, y: inner.y + i, width: inner.width - 8, into: &canvas, ctx)
                    continue
                }
                let style = i == 1 ? ctx.label(state, .training, 0) : i == 2 ? ctx.label(state, .training, 1) : t.inactive
                canvas.text(TextLayout.truncate(line, inner.width), x: inner.x, y: inner.y + i, style)
            }
            return
        }
        // The latest sample grid on the right, as large as the pane's height allows (square in pixels) but at
        // most half its width.
        var body = inner
        if let samples = tr.samples, let w = gridColumns(inner, ctx) {
            let (left, right) = inner.splitLeft(inner.width - w)
            body = Rect(x: left.x, y: left.y, width: left.width - 1, height: left.height)
            let label = "samples @\(tr.samplesStep ?? tr.step)"
            canvas.text(TextLayout.truncate(label, right.width), x: right.x, y: right.y, t.inactive)
            ImageView.draw(
                samples, in: Rect(x: right.x, y: right.y + 1, width: right.width, height: right.height - 1),
                &canvas, ctx, slot: gridSlot)
        }
        // Line 1: smoothed loss, raw loss, speed, ETA.
        let loss = tr.smoothed.last.map { TextLayout.number(Double($0)) } ?? "—"
        let raw = tr.losses.last.map { TextLayout.number(Double($0)) } ?? "—"
        var pieces = ["loss \(loss) (ema)", TextLayout.fixed(tr.itemsPerSecond, 1) + " it/s"]
        if let eta = tr.etaSeconds { pieces.append("ETA " + TextLayout.duration(eta)) }
        pieces.append("raw \(raw)")
        let logScale = usesLogScale(tr)
        if logScale { pieces.append("log y") }
        var head = ""
        for piece in pieces where TextLayout.width(head) + 2 + TextLayout.width(piece) <= body.width {
            head += (head.isEmpty ? "" : "  ") + piece
        }
        canvas.text(TextLayout.truncate(head, body.width), x: body.x, y: body.y, t.style(.graphText))
        // Last line: lr, grad, progress bar.
        let footY = body.maxY - 1
        if body.height >= 3 {
            // The family's own fields (PSNR, codebook usage, D loss, token accuracy…) after lr and grad.
            let extra = tr.fields.keys.sorted().map { "\($0) " + TextLayout.number(Double(tr.fields[$0] ?? 0)) }
            let foot =
                (["lr " + TextLayout.number(Double(tr.learningRate)), "grad " + TextLayout.number(Double(tr.gradNorm))]
                    + extra).joined(separator: "  ") + "  "
            let x =
                body.x
                + canvas.text(TextLayout.truncate(foot, body.width), x: body.x, y: footY, t.style(.graphText))
            let fraction = tr.total > 0 ? Double(tr.step) / Double(tr.total) : 0
            let pct = " " + String(Int((fraction * 100).rounded())) + "%"
            let barWidth = body.maxX - x - pct.count
            if barWidth > 3 {
                Meter.bar(
                    &canvas, x: x, y: footY, width: barWidth, fraction: fraction,
                    fill: t.style(.meterFill), empty: t.style(.meterEmpty))
                canvas.text(pct, x: x + barWidth, y: footY, t.text)
            }
        }
        // The graph between them.
        let graph = Rect(
            x: body.x, y: body.y + 1, width: body.width, height: body.height - (body.height >= 3 ? 2 : 1))
        guard !graph.isEmpty else { return }
        BrailleGraph.draw(
            &canvas, graph,
            [
                BrailleGraph.Series(tr.losses.map(y), style: t.style(.lossRaw), mode: .span),
                BrailleGraph.Series(tr.smoothed.map(y), style: t.style(.lossSmooth, .bold), mode: .line),
            ])
        func y(_ v: Float) -> Double { logScale ? log10(max(Double(v), 1e-12)) : Double(v) }
    }

    /// The kitty image id of the sample grid.
    public static let gridSlot: UInt32 = 2

    /// Columns for the sample grid (nil: no room): square for the rows below its label, ≤ half the pane, and
    /// at least 30 columns left for the curve.
    static func gridColumns(_ inner: Rect, _ ctx: PaneContext) -> Int? {
        guard inner.height >= 4, inner.width >= 50 else { return nil }
        let rows = inner.height - 1
        let (cw, ch) =
            ctx.cellWidth > 0 && ctx.cellHeight > 0 ? (ctx.cellWidth, ctx.cellHeight) : ImageView.assumedCell
        let square = ctx.graphics.isPixels ? (rows * ch + cw - 1) / cw : rows * 2
        let w = min(square + 1, inner.width / 2, inner.width - 30)
        return w >= 8 ? w : nil
    }

    /// Log y when every loss is positive and they span at least a factor of 10 (early spikes would
    /// otherwise flatten the rest of the curve).
    static func usesLogScale(_ tr: TrainingState) -> Bool {
        guard let lo = tr.losses.min(), let hi = tr.losses.max(), lo > 0 else { return false }
        return hi / lo >= 10
    }
}
