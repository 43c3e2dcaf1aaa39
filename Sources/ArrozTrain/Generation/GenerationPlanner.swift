// GenerationPlanner: the one place a request becomes a plan — conditioning rows (the A↔B mix), starting noise
// (per-row seeds, noise mix), the init image — so the studio, `sample`, `sample --from`, `interpolate`, `eval`
// and the training previews all draw the same pixels for the same request.
import ArrozData
import ArrozDiffusion
import ArrozImage
import ArrozModels
import ArrozTensor

public enum GenerationPlanner {
    /// A plan for `requests` as one batch (they must agree on sampler, steps, CFG and η, which one sampler run
    /// shares). Row order: request, then image k (seed + k), then strip frame.
    ///
    /// Noise row k of a request is N(0, I) drawn from `ArrozRandom(seed: seed + k)`, slerped towards the draw of
    /// `noiseSeedB + k` by `noiseMix`; a strip's frames share it (and move w_f · noiseMix of the way). The sampler's own draws come from the first request's seed. Stochastic
    /// samplers (ddpm, euler_a) draw for the whole batch at once, so their images depend on the batch they were
    /// drawn in: `sample --from` reproduces a PNG by re-drawing the batch its request describes.
    public static func plan(
        _ requests: [GenerationRequest], model: LoadedModel, controls: SamplerControls? = nil
    ) throws -> GenerationPlan {
        guard let first = requests.first else { throw TrainError.badSetting("nothing to generate (no request)") }
        let pipeline = model.pipeline
        for r in requests {
            try r.validate(for: pipeline)
            guard r.sampler == first.sampler, r.steps == first.steps, r.cfg == first.cfg, r.eta == first.eta,
                r.precision == first.precision
            else {
                throw TrainError.badSetting("requests in one batch must share sampler, steps, CFG, eta and precision")
            }
            guard (r.variationsOf == nil) == (first.variationsOf == nil) else {
                throw TrainError.badSetting("requests in one batch must all or none be --variations")
            }
            guard r.invert == first.invert, (r.initImage == nil) == (first.initImage == nil),
                r.strength == first.strength, r.mask == first.mask, r.outpaint == first.outpaint,
                r.variation == first.variation
            else { throw TrainError.badSetting("requests in one batch must share the image-to-image settings") }
        }
        var condRows: [Tensor] = []
        var noiseRows: [Tensor] = []
        var initRows: [Tensor] = []
        var maskRows: [Tensor] = []
        for r in requests {
            let a = try r.variationsOf.map { try pipeline.conditioning(forImage: $0) }
                ?? model.conditioning(for: [r.promptA])
            let b = r.promptB.isEmpty ? a : try model.conditioning(for: [r.promptB])
            var initImage = try r.initImage.map { try loadInitImage($0, shape: pipeline.outputShape) }
            var mask: Tensor?
            if let path = r.mask { mask = try loadMask(path, size: pipeline.outputShape.size) }
            if let box = r.outpaint, let image = initImage { (initImage, mask) = outpaintCanvas(image, box) }
            for k in 0..<r.count {
                for f in 0..<r.frames {
                    let w = r.mix(frame: f)
                    condRows.append(mixConditioning(a, b, w, mode: r.mixMode, hasB: !r.promptB.isEmpty,
                                                    conditioning: pipeline.conditioning))
                    noiseRows.append(noiseRow(r, k: k, mix: r.frames > 1 ? w * r.noiseMix : r.noiseMix,
                                              shape: pipeline.noiseShape))
                    if let initImage { initRows.append(initImage) }
                    if let mask { maskRows.append(mask) }
                }
            }
        }
        var plan = GenerationPlan(
            cond: concat(condRows, axis: 0), noise: concat(noiseRows, axis: 0),
            sampler: SamplerSettings(kind: first.sampler, steps: first.steps, eta: first.eta), cfg: first.cfg,
            samplerSeed: first.seed)
        plan.imageConditioned = first.variationsOf != nil
        if !initRows.isEmpty {
            let images = concat(initRows, axis: 0)
            if first.invert {
                let c = controls ?? SamplerControls(guidanceScale: first.cfg)
                guard let inverted = try pipeline.invert(images, plan: plan, controls: c) else {
                    throw TrainError.cancelled
                }
                plan.noise = inverted
            } else {
                plan.initImages = images
                plan.strength = first.strength
                plan.variation = first.variation
                if !maskRows.isEmpty { plan.mask = concat(maskRows, axis: 0) }
            }
        }
        return plan
    }

    /// The repaint mask `[1, 1, S, S]` from a PNG: 1 where the pixel's mean over RGB is above ½ (white = repaint).
    static func loadMask(_ path: String, size: Int) throws -> Tensor {
        let m = RGBImage.batch([ImageFolderDataset.fit(try loadPNG(path), size: size)], channels: 3)  // [1, 3, S, S]
        let out = Tensor.zeros([1, 1, size, size])
        let v = m.data, o = out.mutableData, P = size * size
        for p in 0..<P { o[p] = (v[p] + v[P + p] + v[2 * P + p]) / 3 > 0 ? 1 : 0 }
        return out
    }

    /// Outpainting: the init image `[1, C, S, S]` shrunk (bilinear) into the box inside the `left, top, right,
    /// bottom` margins of a mid-grey canvas, and the mask (1 = repaint) of those margins.
    static func outpaintCanvas(_ image: Tensor, _ m: [Int]) -> (Tensor, Tensor) {
        let (_, C, S, _) = image.shape4
        let (l, t, r, b) = (m[0], m[1], m[2], m[3])
        let (w, h) = (S - l - r, S - t - b)
        let inner = withNoGrad { upsampleBilinear(image, size: (h, w)) }  // [1, C, h, w]
        let canvas = Tensor.zeros([1, C, S, S]), mask = Tensor(shape: [1, 1, S, S], repeating: 1)
        let src = inner.data, o = canvas.mutableData, mo = mask.mutableData
        for y in 0..<h {
            for x in 0..<w {
                for c in 0..<C { o[(c * S + y + t) * S + x + l] = src[(c * h + y) * w + x] }
                mo[(y + t) * S + x + l] = 0
            }
        }
        return (canvas, mask)
    }

    /// Starting noise of image k: N(0, I) from seed + k, slerped towards seed B + k by `mix` (the request's
    /// noise mix; in a strip, frame f's share of it, w_f · noiseMix, so the noise moves with the frames).
    static func noiseRow(_ r: GenerationRequest, k: Int, mix: Float, shape: [Int]) -> Tensor {
        var rng = ArrozRandom(seed: r.seed &+ UInt64(k))
        let a = Tensor.randn([1] + shape, rng: &rng)
        guard mix > 0 else { return a }
        var rb = ArrozRandom(seed: r.noiseTarget &+ UInt64(k))
        let b = Tensor.randn([1] + shape, rng: &rb)
        return Interpolation.slerp(a, b, mix)
    }

    /// One conditioning row at mix `w`: embeddings mixed by `mode`; class labels switch from A to B at 0.5.
    static func mixConditioning(
        _ a: Tensor, _ b: Tensor, _ w: Float, mode: InterpolationMode, hasB: Bool, conditioning: Conditioning
    ) -> Tensor {
        guard hasB, w > 0 else { return a }
        switch conditioning {
        case .classes: return w >= 0.5 ? b : a
        case .embedding: return w >= 1 ? b : Interpolation.mix(a, b, w, mode: mode)
        }
    }

    /// The init image as a `[1, C, S, S]` tensor in [−1, 1]: resized on its short side and centre-cropped.
    static func loadInitImage(_ path: String, shape: (channels: Int, size: Int)) throws -> Tensor {
        let image = try loadPNG(path)
        let fitted = ImageFolderDataset.fit(image, size: shape.size)
        return RGBImage.batch([fitted], channels: shape.channels)
    }
}
