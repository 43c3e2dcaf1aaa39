// VQNetwork: what the VQ family needs of either seed autoencoder, and the checkpoint tree that stores the
// network next to its fitted preview maps (`latent2rgb.weight`, `latent2rgb.bias`, `code2rgb`).
import ArrozData
import ArrozImage
import ArrozModels
import ArrozNN
import ArrozTensor

/// The common face of ``ArrozVQModel`` and ``PaellaVQModel`` (same methods, same shapes).
public protocol VQNetwork: Layer {
    var quantizer: VectorQuantizer { get }
    func encode(_ x: Tensor, rng: inout ArrozRandom) -> VQEncoding
    func encode(_ x: Tensor) -> VQEncoding
    func decode(_ z: Tensor) -> Tensor
    func decodeIndices(_ indices: Tensor) -> Tensor
}

extension ArrozVQModel: VQNetwork {}
extension PaellaVQModel: VQNetwork {}

extension VQSpec {
    /// The flavour's network with fresh weights.
    func makeNetwork(rng: inout ArrozRandom) -> any VQNetwork {
        switch flavour {
        case .arroz: return ArrozVQModel(arroz ?? ArrozVQConfig(), rng: &rng)
        case .paella: return PaellaVQModel(paella ?? PaellaVQConfig(), rng: &rng)
        }
    }
}

/// The autoencoder under its own state_dict names (empty prefix, so the file loads into the upstream class after
/// `export --upstream`) plus the preview maps as extra tensors that no upstream name starts with:
/// `latent2rgb.weight` `[3, C]`, `latent2rgb.bias` `[3]` (``LatentToRGB``, outputs in [−1, 1]) and `code2rgb`
/// `[K, 3]` (``CodeToRGB``, mean RGB in [−1, 1] per code). Not trainable; refitted by the objective.
public final class VQCheckpointTree: Layer {
    public let network: any VQNetwork
    public let latent2rgbWeight: Tensor
    public let latent2rgbBias: Tensor
    public let code2rgb: Tensor
    public var isTraining = true

    public static let latentWeightName = "latent2rgb.weight"
    public static let latentBiasName = "latent2rgb.bias"
    public static let codeTableName = "code2rgb"

    init(_ network: any VQNetwork, latentChannels c: Int, codebookSize k: Int) {
        self.network = network
        latent2rgbWeight = Tensor.zeros([3, c])
        latent2rgbBias = Tensor.zeros([3])
        code2rgb = Tensor.zeros([k, 3])
    }

    public func visitOwnTensors(_ visit: (String, Tensor) -> Void) {
        visit(Self.latentWeightName, latent2rgbWeight)
        visit(Self.latentBiasName, latent2rgbBias)
        visit(Self.codeTableName, code2rgb)
    }

    public func visitChildren(_ visit: (String, any Layer) -> Void) { visit("", network) }

    /// The stored latent → RGB map.
    public var latentToRGB: LatentToRGB {
        LatentToRGB(weight: Array(latent2rgbWeight.data), bias: Array(latent2rgbBias.data))
    }

    /// The stored code → RGB table.
    public var codeToRGB: CodeToRGB { CodeToRGB(table: Array(code2rgb.data)) }

    func store(_ l: LatentToRGB, _ c: CodeToRGB) {
        latent2rgbWeight.assign(l.weight)
        latent2rgbBias.assign(l.bias)
        code2rgb.assign(c.table)
    }
}

/// A fixed held-out split: examples k·every − 1 (every 10th with 10) never train. Batches are filtered by caption
/// (the loader knows no indices), so the split is only meaningful where captions are unique per example (emoji).
struct HeldOutSplit {
    let indices: [Int]
    let captions: Set<String>

    init(_ dataset: Dataset, every: Int) {
        indices = Array(stride(from: every - 1, to: dataset.count, by: every))
        captions = Set(indices.map { dataset.example($0).caption })
    }

    /// The batch without held-out rows (nil when nothing is left).
    func filter(_ batch: TrainingBatch) -> TrainingBatch? {
        let keep = batch.captions.indices.filter { !captions.contains(batch.captions[$0]) }
        if keep.count == batch.captions.count { return batch }
        if keep.isEmpty { return nil }
        return TrainingBatch(
            images: rows(batch.images, keep), captions: keep.map { batch.captions[$0] },
            labels: keep.map { batch.labels[$0] })
    }

    /// The held-out images `[n, C, S, S]` in [−1, 1] and captions.
    func load(_ dataset: Dataset, channels: Int) throws -> (images: Tensor, captions: [String]) {
        let ex = try indices.map { try dataset.loadExample($0) }
        return (RGBImage.batch(ex.map(\.image), channels: channels), ex.map(\.caption))
    }
}

/// Rows `keep` of `x` `[N, ...]` (a copy; no gradient).
func rows(_ x: Tensor, _ keep: [Int]) -> Tensor {
    let per = x.count / x.shape[0]
    var out = [Float]()
    out.reserveCapacity(keep.count * per)
    let d = x.data
    for k in keep { out += d[(k * per)..<((k + 1) * per)] }
    return Tensor(out, shape: [keep.count] + Array(x.shape.dropFirst()))
}
