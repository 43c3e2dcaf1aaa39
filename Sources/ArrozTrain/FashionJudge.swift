// FashionJudge: trains and applies the Fashion-MNIST classifier that scores generated images (`arroz-studio eval`).
import ArrozData
import ArrozImage
import ArrozModels
import ArrozNN
import ArrozTensor
import Foundation

/// A `FashionClassifier` trained with our engine on Fashion-MNIST train, saved as safetensors.
public final class FashionJudge {
    public let model: FashionClassifier

    public init(model: FashionClassifier) { self.model = model }

    /// Loads a saved classifier.
    public convenience init(path: String) throws {
        var rng = ArrozRandom(seed: 0)
        let m = FashionClassifier(rng: &rng)
        try m.load(from: SafeTensorsFile(path: path))
        m.eval()
        self.init(model: m)
    }

    /// Trains on the train split: AdamW lr 1e-3 (cosine to 0), batch 64, `epochs` passes, random flips.
    /// `onProgress(step, total, loss)` reports every step.
    public static func train(
        epochs: Int = 3, batchSize: Int = 64, seed: UInt64 = 0, limit: Int? = nil,
        onProgress: (Int, Int, Float) -> Void = { _, _, _ in }
    ) throws -> FashionJudge {
        let data = try FashionMNIST(split: .train, size: 32)
        let n = min(limit ?? data.count, data.count)
        var rng = ArrozRandom(seed: seed)
        let model = FashionClassifier(rng: &rng)
        let opt = AdamW(model, lr: 1e-3, weightDecay: 1e-4)
        let stepsPerEpoch = n / batchSize
        let total = epochs * stepsPerEpoch
        let schedule = WarmupSchedule(baseLR: 1e-3, warmupSteps: 50, decay: .cosine(totalSteps: total, minLR: 1e-5))
        var step = 0
        model.train()
        for _ in 0..<epochs {
            var order = Array(0..<n)
            order.shuffle(using: &rng)
            for b in 0..<stepsPerEpoch {
                let idx = Array(order[(b * batchSize)..<((b + 1) * batchSize)])
                let x = batchImages(idx.map { data.example($0).image }, flip: &rng)
                let y = Tensor(idx.map { Float(data.label($0)) })
                opt.lr = schedule.lr(at: step)
                opt.zeroGrad()
                let loss = crossEntropy(model(x, rng: &rng), y)
                loss.backward()
                opt.step()
                step += 1
                onProgress(step, total, loss.item)
            }
        }
        model.eval()
        return FashionJudge(model: model)
    }

    /// `[N, 1, 32, 32]` grey tensors in [−1, 1] from images (optionally flipped at random).
    static func batchImages(_ images: [RGBImage], flip rng: inout ArrozRandom, flips: Bool = true) -> Tensor {
        let x = Tensor.zeros([images.count, 1, 32, 32])
        let o = x.mutableData
        for (i, im) in images.enumerated() {
            let g = (im.width == 32 && im.height == 32 ? im : im.resized(width: 32, height: 32)).greyTensor()
            let src = g.data
            let f = flips && rng.bernoulli(0.5)
            for y in 0..<32 { for xx in 0..<32 { o[i * 1024 + y * 32 + xx] = src[y * 32 + (f ? 31 - xx : xx)] } }
        }
        return x
    }

    /// Predicted class per image of `x` `[N, 1, 32, 32]`.
    public func classify(_ x: Tensor) -> [Int] {
        var rng = ArrozRandom(seed: 0)
        model.eval()
        var out: [Int] = []
        let N = x.shape[0]
        var i = 0
        while i < N {
            let n = min(256, N - i)
            let chunk = x.slice(axis: 0, start: i, end: i + n)
            let logits = withNoGrad { model(chunk, rng: &rng) }
            out += logits.argmax(axis: 1).scalars.map { Int($0) }
            i += n
        }
        return out
    }

    /// Accuracy on the test split (10,000 images).
    public func testAccuracy(limit: Int? = nil) throws -> Double {
        let data = try FashionMNIST(split: .test, size: 32)
        let n = min(limit ?? data.count, data.count)
        var rng = ArrozRandom(seed: 0)
        let x = Self.batchImages((0..<n).map { data.example($0).image }, flip: &rng, flips: false)
        let pred = classify(x)
        let right = (0..<n).filter { pred[$0] == data.label($0) }.count
        return Double(right) / Double(n)
    }

    public func save(_ path: String) throws {
        try model.saveSafeTensors(to: path, metadata: ["arroz.classifier": "fashion-mnist"])
    }
}
