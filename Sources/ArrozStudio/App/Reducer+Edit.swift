// Reducer+Edit: the seed-image edits in the reducer — `v` variations (image embedding, structural variation or
// image to image, by the model's capabilities) and their strength, the mark mode and its mask, outpainting a
// side, `esc` back to plain generation.
import ArrozImage
import ArrozTrain

extension AppState {
    mutating func applyEdit(_ action: Action) -> [Effect] {
        switch action {
        case .variations:
            guard let image = finishedImage() else { return [] }
            guard let t = traits else { return error("wait for this model's first image") }
            guard let kind = EditKind.variation(for: t.capabilities) else {
                return error("\(sampler.modelName ?? "this model") makes no variations of an image")
            }
            return [.storeSource(image, .variation(kind))]
        case .adjustEdit(let d):
            if pendingOutpaint || mark != nil || edit?.kind == .outpaint {
                outpaintTokens = min(max(outpaintTokens + d, 1), max(1, (traits?.tokenGrid ?? 8) / 2))
                status = StatusMessage(
                    text: "outpaint step \(outpaintTokens) token(s) a side", isError: false)
                return []
            }
            guard var e = edit else { return error("[ ] change the strength of a variation (v first)") }
            guard e.kind.hasStrength else {
                return error("variations of an image have no strength: r draws another")
            }
            e.adjustStrength(d)
            edit = e
            status = StatusMessage(text: e.summary, isError: false)
            return sampleEffects()
        case .leaveEdit:
            guard edit != nil || mark != nil || pendingOutpaint else { return [] }
            (edit, mark, pendingOutpaint) = (nil, nil, false)
            status = StatusMessage(text: "back to generating from the prompts", isError: false)
            return sampleEffects()
        case .markMode:
            guard let image = finishedImage() else { return [] }
            guard let t = traits else { return error("wait for this model's first image") }
            guard t.capabilities.contains(.inpainting), t.tokenGrid != nil else {
                return error("\(sampler.modelName ?? "this model") cannot inpaint (a Paella token model can)")
            }
            return [.storeSource(image, .mark)]
        case .markMove(let dx, let dy, let extend):
            mark?.move(dx: dx, dy: dy, extend: extend)
        case .markToggle: mark?.toggle()
        case .markAll: mark?.markAll()
        case .markClear: mark?.clear()
        case .markInvert: mark?.invert()
        case .markPointer(let phase, let x, let y):
            mark?.pointer(phase, at: GridPoint(x, y))
        case .markApply:
            guard let m = mark, let size = traits?.imageSize, size > 0 else { return [] }
            guard !m.isEmpty else { return error("no cells marked: space, a or a mouse drag marks some") }
            return [.storeMask(m.maskImage(size: size))]
        case .beginOutpaint:
            guard finishedImage() != nil || edit?.kind == .outpaint else { return [] }
            guard let t = traits, t.capabilities.contains(.inpainting), t.tokenGrid != nil else {
                return error(
                    "\(sampler.modelName ?? "this model") cannot outpaint (a Paella token model can)")
            }
            pendingOutpaint = true
            status = StatusMessage(
                text:
                    "outpaint: an arrow adds \(outpaintTokens) token(s) on that side",
                isError: false)
        case .cancelOutpaint:
            pendingOutpaint = false
            status = StatusMessage(text: "outpaint cancelled", isError: false)
        case .outpaint(let side):
            pendingOutpaint = false
            if edit?.kind == .outpaint { return grow(side) }
            guard let image = finishedImage() else { return [] }
            return [.storeSource(image, .outpaint(side))]
        case .sourceStored(let purpose, let path):
            switch purpose {
            case .variation(let kind):
                let e = SeedEdit(kind: kind, source: path)
                (edit, mark) = (e, nil)
                status = StatusMessage(
                    text: e.summary + (kind.hasStrength ? " · [ ] strength" : "") + " · r another · esc back",
                    isError: false)
                return sampleEffects()
            case .mark:
                guard let side = traits?.tokenGrid else { return [] }
                // A new source keeps the marks made so far (M again marks on the repainted image).
                if mark?.side != side { mark = MarkGrid(side: side) }
                repaintedMarks = nil
                var e = SeedEdit(kind: .inpaint, source: path)
                e.mask = nil
                edit = e
                status = StatusMessage(
                    text:
                        "marking: click or drag on the image, or the keys below; enter repaints the marks",
                    isError: false)
                return []
            case .outpaint(let side):
                (edit, mark) = (SeedEdit(kind: .outpaint, source: path), nil)
                return grow(side)
            }
        case .maskStored(let path):
            guard var e = edit, e.kind == .inpaint else { return [] }
            e.mask = path
            edit = e
            repaintedMarks = mark?.cells
            status = StatusMessage(text: "repainting \(mark?.count ?? 0) marked cell(s)", isError: false)
            return sampleEffects()
        default:
            break
        }
        return []
    }

    /// Outpainting: `outpaintTokens` more tokens on `side`, in pixels, while the source keeps some room.
    private mutating func grow(_ side: ImageSide) -> [Effect] {
        guard var e = edit, e.kind == .outpaint, let t = traits, let grid = t.tokenGrid, grid > 0 else {
            return []
        }
        let f = t.imageSize / grid
        var m = e.margins
        m[side.rawValue] += outpaintTokens * f
        // left + right and top + bottom stay below the side, and the source keeps at least one token.
        guard m[0] + m[2] <= t.imageSize - f, m[1] + m[3] <= t.imageSize - f else {
            return error("no room left to outpaint \(side.arrow): esc starts again")
        }
        e.margins = m
        edit = e
        status = StatusMessage(text: e.summary + " · o + arrow more · esc back", isError: false)
        return sampleEffects()
    }

    /// The finished image on screen (what `v`, `M` and `o` start from), or nil with a status saying why.
    private mutating func finishedImage() -> RGBImage? {
        guard !preview.showingStrip, !preview.running, let image = preview.image, preview.request != nil
        else {
            status = StatusMessage(
                text: preview.running ? "wait for the image to finish" : "no finished image to start from",
                isError: true)
            return nil
        }
        return image
    }

    private mutating func error(_ text: String) -> [Effect] {
        status = StatusMessage(text: text, isError: true)
        return []
    }
}
