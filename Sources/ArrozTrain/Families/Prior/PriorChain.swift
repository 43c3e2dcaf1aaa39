// PriorChain: a trained prior opened for sampling — text embeddings → image embeddings, as the seed's prior
// notebook samples it (Diffuzz, DDPM, 60 steps, CFG 3), from a fixed seed — the first stage of
// text → prior → generator → decoder.
import ArrozDiffusion
import ArrozModels
import ArrozNN
import ArrozTensor

public final class PriorChain {
    public let prior: ArrozPrior
    public let spec: PriorSpec
    let process = Diffuzz()

    public init(prior: ArrozPrior, spec: PriorSpec) {
        self.prior = prior
        self.spec = spec
    }

    /// Opens a prior checkpoint (EMA weights when present).
    public static func open(_ path: String) throws -> PriorChain {
        let ck = try FrozenNetworks.open(path, what: "prior", train: "emoji-prior")
        let info = try CheckpointInfo(ck)
        guard info.family == PriorSpec.familyName else {
            throw TrainError.badSetting("'\(path)' is a \(info.family) checkpoint, not a prior (train emoji-prior)")
        }
        let spec = try PriorSpec.decode(info.spec)
        var rng = ArrozRandom(seed: 0)
        let prior = ArrozPrior(spec.prior, rng: &rng)
        if ck.hasEMA { try ck.restoreEMA(into: prior) } else { try ck.restore(model: prior) }
        prior.eval()
        return PriorChain(prior: prior, spec: spec)
    }

    public var width: Int { spec.prior.embeddingDimension }

    /// The denoiser the samplers call: ε̂ of the (scaled) image embedding given text rows (zeros = uncond).
    func guided(_ text: Tensor, cfg: Float) -> GuidedDenoiser {
        let prior = self.prior, D = width
        let denoiser: Denoiser = { x, t, c in
            withNoGrad { prior(x, r: t, c: c ?? Tensor.zeros([x.shape[0], D])) }
        }
        return GuidedDenoiser(denoiser, prediction: .epsilon, cond: text, controls: SamplerControls(guidanceScale: cfg))
    }

    /// Image embeddings `[N, D]` (unit rows, the encoder's space) for text rows `[N, D]`: DDPM over
    /// `spec.samplingSteps` at CFG `spec.samplingCFG`, start noise and ancestral draws from `seed`.
    public func sample(text: Tensor, seed: UInt64) throws -> Tensor {
        precondition(text.rank == 2 && text.shape[1] == width, "PriorChain: text \(text.shape), want [N, \(width)]")
        var rng = ArrozRandom(seed: seed)
        let x = Tensor.randn([text.shape[0], width], rng: &rng)
        let sampler = try makeSampler(
            SamplerSettings(kind: .ddpm, steps: spec.samplingSteps), process: process)
        guard let out = withNoGrad({ sampler.sample(guided(text, cfg: spec.samplingCFG), from: x, rng: &rng) }) else {
            throw TrainError.cancelled
        }
        return withNoGrad { (out.sample * (1 / spec.scale)).l2Normalized() }
    }

    /// The prior's own seed for a generation seed: apart from the noise rows' and the sampler's.
    public static func seed(for requestSeed: UInt64) -> UInt64 { requestSeed ^ 0x9F1C_3E5D_27A4_B86B }
}
