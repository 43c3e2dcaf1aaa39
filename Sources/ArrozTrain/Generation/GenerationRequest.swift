// GenerationRequest: the one description of a generation — what the studio asks for, what `sample` builds from
// its flags, what a PNG's `parameters` chunk stores and `sample --from` reads back.
import ArrozDiffusion
import ArrozTensor

/// Everything that determines the generated pixels. Hashable, so the studio caches finished runs by it.
///
/// Row k of a request (k < ``count``) starts from the noise of seed `seed + k`; an interpolation strip
/// (``frames`` > 1) shares that noise across its frames and moves only the conditioning (mix 0 → 1).
public struct GenerationRequest: Hashable, Sendable, Codable {
    public var promptA: String
    public var promptB = ""
    /// Conditioning weight from A (0) to B (1). Embedding models mix with ``mixMode``; class models take A
    /// below 0.5 and B from 0.5 (labels cannot be mixed).
    public var mix: Float = 0
    public var mixMode: InterpolationMode = .normAwareSlerp
    /// Slerp of the starting noise from seed `seed + k` (0) towards seed `noiseSeedB + k` (1; nil: seed + 1).
    public var noiseMix: Float = 0
    public var noiseSeedB: UInt64?
    /// The model: a studio name (`default · emoji`, `<run> · ema`) or a checkpoint path.
    public var model: String
    /// Content hash of the checkpoint that made it (empty: unknown), so `--from` can tell a different model.
    public var modelHash = ""
    public var sampler: SamplerKind
    public var steps: Int
    /// Classifier-free guidance scale s in u + s·(c − u).
    public var cfg: Float
    public var seed: UInt64
    /// Side of the square images (the model's own size).
    public var size: Int
    /// DDIM η / Euler-ancestral η (0 = deterministic DDIM).
    public var eta: Float = 0
    /// Images, from seeds seed, seed + 1, …
    public var count = 1
    /// Interpolation strip frames (1 = no strip).
    public var frames = 1
    /// Image-to-image: the init image (a PNG path), SDEdit strength in (0, 1], or DDIM inversion of it.
    public var initImage: String?
    public var strength: Float = 0.6
    public var invert = false
    /// Inpainting: a PNG path whose light pixels (mean > ½) mark what to repaint in the init image.
    public var mask: String?
    /// Outpainting: pixels added on the left, top, right and bottom; the init image shrinks into the rest.
    public var outpaint: [Int]?
    /// Structural variation of the init image: how far (0, 1] its tokens are noised before resampling.
    public var variation: Float?
    /// Variations: condition on this PNG's image embedding instead of prompt A (pipelines with `.variations`).
    public var variationsOf: String?
    /// The products' arithmetic (bf16 rounds conv/matmul/attention inputs, so its pixels differ from fp32's):
    /// what actually ran where the request was made (`Precision.effective`), stored so `--from` redraws in it.
    public var precision: Precision = Precision.effective

    public init(
        promptA: String, promptB: String = "", mix: Float = 0, model: String, sampler: SamplerKind, steps: Int,
        cfg: Float, seed: UInt64, size: Int, eta: Float = 0
    ) {
        self.promptA = promptA
        self.promptB = promptB
        self.mix = mix
        self.model = model
        self.sampler = sampler
        self.steps = steps
        self.cfg = cfg
        self.seed = seed
        self.size = size
        self.eta = eta
    }

    /// The seed the noise mix moves towards.
    public var noiseTarget: UInt64 { noiseSeedB ?? seed &+ 1 }

    /// True when `other` is the same run except for the CFG scale (which can change while it runs).
    public func differsOnlyInCFG(from other: GenerationRequest) -> Bool {
        var a = self
        a.cfg = other.cfg
        return a == other && cfg != other.cfg
    }

    /// Rows the request makes: count × frames.
    public var rows: Int { count * frames }

    /// The mix weight of strip frame `f` (the request's own mix without a strip).
    public func mix(frame f: Int) -> Float { frames > 1 ? Float(f) / Float(frames - 1) : mix }

    /// The request as single-image requests, one per row (image k, strip frame f), each drawing exactly the
    /// noise and conditioning of that row: seed + k, noise target + k, mix w_f and noise mix w_f · noiseMix.
    /// Sampling each alone makes every image reproducible by itself, with any sampler (a stochastic sampler
    /// draws for the whole batch, so a batch of several would tie each image to its neighbours).
    public func singleRows() -> [GenerationRequest] {
        var rows: [GenerationRequest] = []
        for k in 0..<count {
            for f in 0..<frames {
                var r = self
                r.count = 1
                r.frames = 1
                r.seed = seed &+ UInt64(k)
                r.noiseSeedB = noiseTarget &+ UInt64(k)
                if frames > 1 {
                    r.mix = mix(frame: f)
                    r.noiseMix = r.mix * noiseMix
                }
                rows.append(r)
            }
        }
        return rows
    }
}
