// PaellaSpec: the Paella family's config — the token network (v3 `paella.Paella`, or v1 `paella.DenoiseUNet`),
// the frozen VQ autoencoder whose code indices it models, and the loss settings (seeds.md §2.3).
import ArrozDiffusion
import ArrozModels
import ArrozNN
import ArrozTensor

/// `{"family": "paella", "version": "v3", "paella": {...}, "autoencoder": {"path": ...}, ...}`.
public struct PaellaSpec: Codable, Hashable, Sendable {
    public enum Version: String, Codable, Sendable { case v3, v1 }
    public var version: Version
    /// v3 network (upstream constructor names); byt5_embd = clip_embd = the text encoder's width.
    public var paella: PaellaConfig?
    /// v1 network (the paper's DenoiseUNet).
    public var paellaV1: PaellaV1Config?
    public var autoencoder: AutoencoderRef
    /// Image side (the VQ turns it into a side / f token grid).
    public var imageSize: Int
    /// v3's token weighting floor (`src_distributed/train.py`: 0.3); nil = the plain per-token mean (v1).
    public var lossWeightMin: Float?
    public var labelSmoothing: Float
    /// The sampler's temperature from → to when a request does not set one (Paella's 1.0 → 0.2; 0.7 → 0.3 is
    /// the distributed script's and the blog's).
    public var temperature: [Float]?

    enum CodingKeys: String, CodingKey {
        case version, paella, paellaV1 = "paella_v1", autoencoder, imageSize = "image_size"
        case lossWeightMin = "loss_weight_min", labelSmoothing = "label_smoothing", temperature
    }

    public init(v3: PaellaConfig, autoencoder: AutoencoderRef, imageSize: Int) {
        version = .v3
        paella = v3
        self.autoencoder = autoencoder
        self.imageSize = imageSize
        lossWeightMin = 0.3
        labelSmoothing = 0.1
    }

    public init(v1: PaellaV1Config, autoencoder: AutoencoderRef, imageSize: Int) {
        version = .v1
        paellaV1 = v1
        self.autoencoder = autoencoder
        self.imageSize = imageSize
        lossWeightMin = nil
        labelSmoothing = 0.1
    }

    public var spec: ModelSpec { get throws { try ModelSpec(family: PaellaFamily.name, config: self) } }

    /// The noise process: v3 m = t (t = 1 all noise), v1 m = cos(rπ/2) (r = 0 all noise).
    var process: TokenProcess { TokenProcess(numLabels: numLabels, rate: version == .v3 ? .linear : .cosine) }
    var numLabels: Int { version == .v3 ? paella?.numLabels ?? 0 : paellaV1?.numLabels ?? 0 }
    var conditionWidth: Int { version == .v3 ? paella?.clipEmbd ?? 0 : paellaV1?.cClip ?? 0 }
    var gridMultiple: Int { version == .v3 ? paella?.gridMultiple ?? 1 : paellaV1?.gridMultiple ?? 1 }

    func validate() throws {
        switch version {
        case .v3:
            guard let p = paella else { throw TrainError.badSetting("model.paella: missing (version v3 needs the v3 network config)") }
            try p.validate()
            guard p.byt5Embd == p.clipEmbd else {
                throw TrainError.badSetting(
                    "model.paella: byt5_embd \(p.byt5Embd) and clip_embd \(p.clipEmbd) must both be the text encoder's width (the pooled embedding fills both slots)")
            }
        case .v1:
            guard let p = paellaV1 else { throw TrainError.badSetting("model.paella_v1: missing (version v1 needs the v1 network config)") }
            try p.validate()
        }
        guard imageSize >= 4, imageSize <= 1024 else {
            throw TrainError.badSetting("model.image_size: \(imageSize) is not valid (4 to 1024)")
        }
        guard labelSmoothing >= 0, labelSmoothing < 1 else {
            throw TrainError.badSetting("model.label_smoothing: \(labelSmoothing) is not valid (0 to below 1)")
        }
        if let m = lossWeightMin, !(m > 0 && m <= 1) {
            throw TrainError.badSetting("model.loss_weight_min: \(m) is not valid (above 0, at most 1)")
        }
        if let t = temperature, t.count != 2 || !t.allSatisfy({ $0.isFinite && $0 > 0 }) {
            throw TrainError.badSetting("model.temperature: \(t) is not valid (two numbers above 0, from → to)")
        }
    }
}

/// The token network of either version, called the same way: tokens `[N, h, w]`, t `[N]`, conditioning `[N, D]`
/// (MiniLM's pooled embedding; zeros = unconditional) → logits `[N, K, h, w]`.
final class PaellaNet {
    let v3: Paella?
    let v1: PaellaV1?

    init(_ spec: PaellaSpec, rng: inout ArrozRandom) {
        if spec.version == .v3, let c = spec.paella { (v3, v1) = (Paella(c, rng: &rng), nil) }
        else { (v3, v1) = (nil, PaellaV1(spec.paellaV1!, rng: &rng)) }
    }

    var layer: any Layer { (v3 as (any Layer)?) ?? v1! }

    /// v3: the pooled vector as a one-token ByT5 sequence and as the CLIP slot (MiniLM's per-token states do not
    /// travel through the generation plan yet); v1: the CLIP vector.
    func logits(_ x: Tensor, t: Tensor, cond: Tensor) -> Tensor {
        if let v3 {
            let (N, D) = (cond.shape[0], cond.shape[1])
            let seq = v3.conditioning(byt5: cond.reshaped([N, 1, D]), clip: cond, clipImage: nil)
            return v3(x, r: t, conditioning: seq)
        }
        return v1!(x, c: cond, r: t)
    }
}
