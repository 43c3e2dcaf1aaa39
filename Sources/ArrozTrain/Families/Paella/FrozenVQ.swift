// FrozenVQ: another run's VQ autoencoder, opened frozen for the token and latent families (Paella, DDG) — image
// ↔ code indices, image ↔ quantised latents, and the checkpoint's cheap previews (`code2rgb`, `latent2rgb.*`).
import ArrozModels
import ArrozNN
import ArrozTensor
import Foundation

/// Where a token/latent family finds its autoencoder: the checkpoint path and, when the checkpoint's own
/// `arroz.config` does not say, which VQ class and config it holds.
public struct AutoencoderRef: Codable, Hashable, Sendable {
    public enum Kind: String, Codable, Sendable { case arroz, paella }
    /// `runs/emoji-vq/checkpoints/latest.safetensors`
    public var path: String
    /// The VQ class (nil: told from the tensor names — `vqmodule.*` is Arroz's, `vquantizer.*` Paella's).
    public var kind: Kind?
    /// The VQ config when `arroz.config` has none this code can read (default: seeds.md §6 tiny32).
    public var arroz: ArrozVQConfig?
    public var paella: PaellaVQConfig?

    public init(path: String, kind: Kind? = nil, arroz: ArrozVQConfig? = nil, paella: PaellaVQConfig? = nil) {
        (self.path, self.kind, self.arroz, self.paella) = (path, kind, arroz, paella)
    }
}

/// A frozen (eval-mode, no gradients) VQ autoencoder. Images are `[N, 3, S, S]` in [−1, 1] on this side; the
/// VQ models take [0, 1] (seeds.md: the seed feeds [0, 1] unnormalised).
public final class FrozenVQ {
    public let path: String
    public let kind: AutoencoderRef.Kind
    let arrozModel: ArrozVQModel?
    let paellaModel: PaellaVQModel?
    public let codebookSize: Int
    public let latentChannels: Int
    /// Image side ÷ token side.
    public let factor: Int
    /// Mean RGB per code `[K, 3]` (the checkpoint's `code2rgb`; nil when it has none).
    public let codeToRGB: CodeToRGB?
    /// rgb = W·z + b (the checkpoint's `latent2rgb.weight` / `.bias`; nil when it has none).
    public let latentToRGB: LatentToRGB?

    /// The VQ model as a layer (what was loaded).
    public var model: any Layer { (arrozModel as (any Layer)?) ?? paellaModel! }

    /// Opens `ref.path`; a missing file fails with one line naming the run to train first.
    public init(_ ref: AutoencoderRef, needs recipe: String = "emoji-vq") throws {
        guard FileManager.default.fileExists(atPath: ref.path) else {
            throw TrainError.badSetting(
                "autoencoder \(ref.path) does not exist (train the VQ first: arroz-studio train --recipe \(recipe))")
        }
        let ck = try CheckpointFile(path: ref.path)
        path = ref.path
        let names = Set(ck.file.names)
        let k: AutoencoderRef.Kind =
            ref.kind ?? (names.contains("vqmodule.q_step_counter") ? .arroz : names.contains { $0.hasPrefix("vquantizer.") } ? .paella : .arroz)
        kind = k
        var rng = ArrozRandom(seed: 0)
        let skip = ["ema.", "optim.", "latent2rgb.", "code2rgb"]
        switch k {
        case .arroz:
            let c: ArrozVQConfig = Self.find(in: ck.config) ?? ref.arroz ?? .tiny32
            try c.validate()
            let m = ArrozVQModel(c, rng: &rng)
            try m.load(from: ck.file, ignoring: skip)
            m.eval()
            (arrozModel, paellaModel) = (m, nil)
            (codebookSize, latentChannels, factor) = (c.codebookSize, c.latentChannels, c.downsamplingFactor)
        case .paella:
            let c: PaellaVQConfig = Self.find(in: ck.config) ?? ref.paella ?? .tiny32
            try c.validate()
            let m = PaellaVQModel(c, rng: &rng)
            try m.load(from: ck.file, ignoring: skip)
            m.eval()
            (arrozModel, paellaModel) = (nil, m)
            (codebookSize, latentChannels, factor) = (c.codebookSize, c.latentChannels, c.downsamplingFactor)
        }
        if names.contains("code2rgb"), let t = try? ck.file.tensor("code2rgb"), t.count == codebookSize * 3 {
            // (CodeToRGB's memberwise init is internal to ArrozModels; its Codable form is {"table": [...]})
            codeToRGB = try? JSONValue.object(["table": .array(t.scalars.map { .number(Double($0)) })]).decode(CodeToRGB.self)
        } else {
            codeToRGB = nil
        }
        if let w = try? ck.file.tensor("latent2rgb.weight"), let b = try? ck.file.tensor("latent2rgb.bias"),
            w.count == 3 * latentChannels, b.count == 3
        {
            latentToRGB = LatentToRGB(weight: w.scalars, bias: b.scalars)
        } else {
            latentToRGB = nil
        }
    }

    /// A VQ config stored in `arroz.config`: the whole object or one of its values (one level down).
    static func find<C: Decodable>(in json: String) -> C? {
        let data = Data(json.utf8)
        if let c = try? JSONDecoder().decode(C.self, from: data) { return c }
        guard let obj = try? JSONDecoder().decode(JSONValue.self, from: data), case .object(let o) = obj else { return nil }
        for key in o.keys.sorted() { if let c = try? o[key]!.decode(C.self) { return c } }
        return nil
    }

    private func unit(_ images: Tensor) -> Tensor { images * 0.5 + 0.5 }
    private func signed(_ images: Tensor) -> Tensor { (images * 2 - 1).clamp(min: -1, max: 1) }

    /// Code indices `[N, h, w]` of images `[N, 3, S, S]` in [−1, 1].
    public func indices(_ images: Tensor) -> Tensor {
        withNoGrad { arrozModel.map { $0.encode(unit(images)).indices } ?? paellaModel!.encode(unit(images)).indices }
    }

    /// Quantised latents `[N, C, h, w]` (what the decoder reads) of images in [−1, 1].
    public func latents(_ images: Tensor) -> Tensor {
        withNoGrad { arrozModel.map { $0.encode(unit(images)).quantized } ?? paellaModel!.encode(unit(images)).quantized }
    }

    /// Images in [−1, 1] from indices `[N, h, w]`.
    public func decode(indices: Tensor) -> Tensor {
        withNoGrad { signed(arrozModel.map { $0.decodeIndices(indices) } ?? paellaModel!.decodeIndices(indices)) }
    }

    /// Images in [−1, 1] from latents `[N, C, h, w]`.
    public func decode(latents: Tensor) -> Tensor {
        withNoGrad { signed(arrozModel.map { $0.decode(latents) } ?? paellaModel!.decode(latents)) }
    }

    /// The step preview of tokens: `code2rgb` per token, nearest-upsampled by the VQ factor, [−1, 1].
    public func preview(indices: Tensor) -> Tensor {
        let (N, h, w) = indices.shape3
        guard let table = codeToRGB else { return Tensor.zeros([N, 3, h * factor, w * factor]) }
        return upsampleNearest(signed(table(indices)), scale: factor)
    }

    /// The step preview of latents: `latent2rgb`, nearest-upsampled, [−1, 1].
    public func preview(latents: Tensor) -> Tensor {
        let (N, _, h, w) = latents.shape4
        guard let map = latentToRGB else { return Tensor.zeros([N, 3, h * factor, w * factor]) }
        return upsampleNearest(signed(map(latents)), scale: factor)
    }
}
