// VQSpec: the VQ autoencoder family's config — which seed flavour (`arroz.VQModel` or `paella.VQModel`) with
// its upstream constructor settings, and the reconstruction/quantiser loss weights.
import ArrozModels
import ArrozNN
import ArrozTensor

/// The two seed autoencoders this family trains.
public enum VQFlavour: String, Choice, Sendable {
    /// Arroz Con Cosas' `VQModel` (Haar, EMA codebook; seeds.md §1.5).
    case arroz = "arroz.VQModel"
    /// Paella v3's `VQModel` (pixel-unshuffle, codebook by the VQ loss; seeds.md §2.6).
    case paella = "paella.VQModel"
}

/// `{"family": "vq", "flavour": "arroz.VQModel", "arroz": {...}, "l1": 1, "mse": 1, ...}`.
///
/// Loss (the seeds never published theirs; issue #11): `l1·|x̂−x| + mse·(x̂−x)² + [vq loss unless EMA] +
/// β·commitment`, β from the quantiser's options (0.25). Images enter the networks in [0, 1], as the seeds feed them.
public struct VQSpec: Hashable, Sendable, Codable {
    public var flavour: VQFlavour = .arroz
    /// The config of the flavour in use (the other stays nil).
    public var arroz: ArrozVQConfig?
    public var paella: PaellaVQConfig?
    /// Weights of the L1 and MSE reconstruction terms.
    public var l1: Float = 1
    public var mse: Float = 1
    /// Every `holdoutEvery`-th dataset example (index k·n − 1) never trains; its PSNR is logged at checkpoints
    /// as `heldout_psnr` (nil: train on everything, e.g. Fashion-MNIST whose captions are its class names).
    public var holdoutEvery: Int?
    /// How many recent training images the latent → RGB and code → RGB preview maps are fitted on.
    public var previewFitImages = 256

    public init(flavour: VQFlavour = .arroz) { self.flavour = flavour }

    /// The quantiser options of the flavour in use.
    var quantizer: VQOptions { flavour == .arroz ? (arroz ?? ArrozVQConfig()).quantizer : (paella ?? PaellaVQConfig()).quantizer }

    public var spec: ModelSpec { get throws { try ModelSpec(family: VQFamily.names[0], config: self) } }

    func validate() throws {
        switch flavour {
        case .arroz:
            guard let a = arroz else { throw TrainError.badSetting("model.arroz is missing (flavour arroz.VQModel needs its config)") }
            try wrap { try a.validate() }
        case .paella:
            guard let p = paella else { throw TrainError.badSetting("model.paella is missing (flavour paella.VQModel needs its config)") }
            try wrap { try p.validate() }
        }
        guard l1.isFinite, mse.isFinite, l1 >= 0, mse >= 0, l1 + mse > 0 else {
            throw TrainError.badSetting("model.l1 \(l1) and model.mse \(mse) must be ≥ 0, not both 0")
        }
        if let h = holdoutEvery, h < 2 { throw TrainError.badSetting("model.holdoutEvery is \(h) (2 or more, or leave it out)") }
        guard previewFitImages >= 1, previewFitImages <= 4096 else {
            throw TrainError.badSetting("model.previewFitImages is \(previewFitImages) (1 to 4096)")
        }
    }

    private func wrap(_ body: () throws -> Void) throws {
        do { try body() } catch let e as ModelConfigError { throw TrainError.badSetting("model: \(e)") }
    }

    /// Latent side ÷ image side.
    var downsamplingFactor: Int { flavour == .arroz ? (arroz?.downsamplingFactor ?? 1) : (paella?.downsamplingFactor ?? 1) }
    var latentChannels: Int { flavour == .arroz ? (arroz?.latentChannels ?? 4) : (paella?.latentChannels ?? 4) }
    var codebookSize: Int { flavour == .arroz ? (arroz?.codebookSize ?? 1) : (paella?.codebookSize ?? 1) }
}
