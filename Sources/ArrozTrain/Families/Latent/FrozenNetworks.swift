// FrozenNetworks: another run's network opened read-only from its checkpoint path — the VQ autoencoder (with its
// latent2rgb preview map), the contrastive image encoder, the prior — found by the network's own config and
// state_dict names, so it does not matter which family or prefix wrote the file.
import ArrozModels
import ArrozNN
import ArrozTensor
import Foundation

enum FrozenNetworks {
    /// The checkpoint at `path`, or one line naming the recipe to train first.
    static func open(_ path: String, what: String, train recipe: String) throws -> CheckpointFile {
        guard FileManager.default.fileExists(atPath: path) else {
            throw TrainError.badSetting(
                "\(what) checkpoint '\(path)' does not exist (train `arroz-studio train --recipe \(recipe)` first, "
                    + "or set the path in the model config)")
        }
        return try CheckpointFile(path: path)
    }

    /// The first object in the checkpoint's `arroz.config` (or its run state's model) that has all of `keys`
    /// and decodes as `T` — the network config wherever the writing family nests it.
    static func findConfig<T: Decodable>(_ type: T.Type, in ck: CheckpointFile, keys: [String]) -> T? {
        var docs: [JSONValue] = []
        if let j = try? JSONDecoder().decode(JSONValue.self, from: Data(ck.config.utf8)) { docs.append(j) }
        if let s = ck.trainState, let j = try? JSONDecoder().decode(JSONValue.self, from: Data(s.utf8)) {
            docs.append(j)
        }
        func search(_ v: JSONValue) -> T? {
            switch v {
            case .object(let o):
                if keys.allSatisfy({ o[$0] != nil }), let t = try? v.decode(T.self) { return t }
                for k in o.keys.sorted() { if let t = search(o[k]!) { return t } }
                return nil
            case .array(let a):
                for e in a { if let t = search(e) { return t } }
                return nil
            default: return nil
            }
        }
        for d in docs { if let t = search(d) { return t } }
        return nil
    }

    /// The state_dict prefix under which the checkpoint holds the network whose name `anchor` is (the EMA copy
    /// `ema.<prefix>` when present): "" for a file of that network alone, `vq.` / `autoencoder.` when nested.
    static func prefix(of anchor: String, in ck: CheckpointFile) -> String? {
        let hits = ck.file.names.filter { $0.hasSuffix(anchor) }.map { String($0.dropLast(anchor.count)) }
        let plain = hits.filter { !$0.hasPrefix("ema.") && !$0.hasPrefix("optim.") }.sorted { $0.count < $1.count }
        guard let p = plain.first else { return nil }
        return hits.contains("ema." + p) ? "ema." + p : p
    }

    /// Loads `model` from `ck` under `prefix` (other networks in the file are ignored; every model key must be there).
    static func load(_ model: any Layer, from ck: CheckpointFile, prefix: String, what: String) throws {
        let report = try model.load(from: ck.file, prefix: prefix, strict: false)
        guard report.missing.isEmpty else {
            throw TrainError.badSetting(
                "\(what) checkpoint '\(ck.path)' lacks \(report.missing.count) tensors (first: \(report.missing[0]))")
        }
        model.eval()
    }

    /// The VQ autoencoder of `path` (eval, frozen) and its latent2rgb map when the file stores one
    /// (`latent2rgb.weight` `[3, C]` or `[3, C, 1, 1]`, `latent2rgb.bias` `[3]`, fitted to images in [−1, 1]).
    static func autoencoder(_ path: String) throws -> (vq: ArrozVQModel, latent2rgb: LatentToRGB?) {
        let ck = try open(path, what: "autoencoder", train: "emoji-vq")
        guard let config = findConfig(
            ArrozVQConfig.self, in: ck, keys: ["levels", "hidden", "latentChannels", "codebookSize"])
        else {
            throw TrainError.badSetting("'\(path)' is not an Arroz VQ autoencoder checkpoint (no ArrozVQConfig in arroz.config)")
        }
        var rng = ArrozRandom(seed: 0)
        let vq = ArrozVQModel(config, rng: &rng)
        guard let p = prefix(of: "vqmodule.vquantizer.codebook.weight", in: ck) else {
            throw TrainError.badSetting("'\(path)' has no VQ codebook (vqmodule.vquantizer.codebook.weight)")
        }
        try load(vq, from: ck, prefix: p, what: "autoencoder")
        var map: LatentToRGB?
        if let wName = ck.file.names.first(where: { $0.hasSuffix("latent2rgb.weight") && !$0.hasPrefix("optim.") }),
            let w = try? ck.file.tensor(wName),
            let b = try? ck.file.tensor(String(wName.dropLast("weight".count)) + "bias"),
            w.count == 3 * config.latentChannels, b.count == 3
        {
            map = LatentToRGB(weight: Array(w.data), bias: Array(b.data))
        }
        return (vq, map)
    }

    /// The contrastive image encoder of `path` (eval, frozen).
    static func imageEncoder(_ path: String) throws -> ImageEncoder {
        let ck = try open(path, what: "image encoder", train: "emoji-clip")
        guard let config = findConfig(
            ImageEncoderConfig.self, in: ck, keys: ["widths", "embeddingDimension", "imageSize"])
        else {
            throw TrainError.badSetting("'\(path)' is not an image encoder checkpoint (no ImageEncoderConfig in arroz.config)")
        }
        var rng = ArrozRandom(seed: 0)
        let enc = ImageEncoder(config, rng: &rng)
        guard let p = prefix(of: "logit_scale", in: ck) else {
            throw TrainError.badSetting("'\(path)' has no image encoder tensors (logit_scale)")
        }
        try load(enc, from: ck, prefix: p, what: "image encoder")
        return enc
    }
}

extension LatentToRGB {
    /// A map fitted at open time when the autoencoder's checkpoint has none: 16 random code grids (fixed seed)
    /// decoded by the autoencoder itself, in [−1, 1] — no dataset needed, and the same map on every open.
    static func fitted(to vq: ArrozVQModel, latentSide s: Int) -> LatentToRGB {
        var rng = ArrozRandom(seed: 0x1A7E_2A6B)
        let n = 16, K = vq.config.codebookSize
        let idx = Tensor((0..<(n * s * s)).map { _ in Float(Int(rng.uniform() * Float(K)) % K) }, shape: [n, s, s])
        return withNoGrad {
            let z = vq.quantizer.lookup(idx, channelsAxis1: true)                   // [n, C, s, s]
            let images = vq.decode(z).clamp(min: 0, max: 1) * 2 - 1                  // [n, 3, S, S]
            return LatentToRGB.fit(latents: z, images: images)
        }
    }
}

extension ArrozVQModel {
    /// Latent `[N, C, h, w]` → its nearest codebook entries (exact codebook rows, no straight-through sum):
    /// the seed's `vqmodel.vqmodule(latent)` before `decode`.
    func snapToCodes(_ z: Tensor) -> Tensor {
        withNoGrad {
            let (N, _, h, w) = z.shape4
            let r = quantizer.quantizeChannels(z)
            return quantizer.lookup(Tensor(r.indices.map(Float.init), shape: [N, h, w]), channelsAxis1: true)
        }
    }

    /// Images `[N, 3, H, W]` in [−1, 1] → quantised latents `[N, C, H/f, W/f]` (what the generator trains on).
    func quantisedLatents(_ images: Tensor) -> Tensor {
        withNoGrad { snapToCodes(encodeLatent((images + 1) * 0.5)) }
    }

    /// Latents → images in [−1, 1]: quantise first, decode, clamp (the seed's sampling tail).
    func decodeToImages(_ z: Tensor) -> Tensor {
        withNoGrad { (decode(snapToCodes(z)).clamp(min: 0, max: 1) * 2 - 1) }
    }
}

extension FrozenNetworks {
    /// What the image encoder is fed: the batch's own [−1, 1] images at the encoder's size (the contrastive
    /// family trains it on the loader's batches as they come).
    static func encoderInput(_ images: Tensor) -> Tensor { images }
}

extension FrozenNetworks {
    /// The latent2rgb map stored in the autoencoder's checkpoint, if any (nil when the file is unreadable too).
    static func storedLatentToRGB(_ path: String) -> LatentToRGB? { try? autoencoder(path).latent2rgb }
}
