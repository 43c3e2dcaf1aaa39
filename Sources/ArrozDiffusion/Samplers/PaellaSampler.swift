// PaellaSampler: Paella's token sampler — draw tokens from tempered logits, re-mask from fixed noise.
import ArrozTensor
import Foundation

/// Paella v3's token sampler.
///
/// Paella v3's sampler (dome272/Paella `src/utils.py`, `sample`; seeds.md §2.4) on a `TokenProcess`:
///
///     x = init_noise (uniform random tokens, the `from` argument);  t_i = linspace(t_start, t_end, S+1)
///     temp_i = linspace(T₀, T₁, S)
///     for i < S:
///         logits = u + s·(c − u)                       (`GuidedDenoiser.logits`, `[N, K, H, W]`)
///         x      ~ Categorical(softmax(logits / temp_i)) per token, over the K classes (axis 1)
///         if i < renoise_steps: x ← add_noise(x, t_{i+1}) with the replacement tokens taken from
///                               init_noise at the same positions (`renoise = .initialNoise`)
///
/// Defaults are the repository's: S = 12, renoise 11, temperature (1.0, 0.2), CFG 8 (set it on the
/// controls); the distributed script and the blog use temperature (0.7, 0.3). Paella v1's other renoise
/// sources are `.previous` (the step's input, its 'prev') and `.fresh` (new random tokens, its 'rand');
/// for v1 use a `TokenProcess` with `.cosine` rate and t running 0 → 1 (`tStart: 0, tEnd: 1`).
public struct PaellaSampler: Sampler {
    public enum Renoise: String, Codable, Sendable {
        case initialNoise
        case previous
        case fresh
    }

    public let process: TokenProcess
    public let grid: [Float]
    public let temperatures: [Float]
    public let renoiseSteps: Int
    public let renoise: Renoise

    public init(
        process: TokenProcess, steps: Int = 12, renoiseSteps: Int = 11,
        temperature: (Float, Float) = (1.0, 0.2),
        tStart: Float = 1, tEnd: Float = 0, renoise: Renoise = .initialNoise
    ) {
        precondition(steps >= 1, "PaellaSampler: steps \(steps) < 1")
        self.process = process
        grid = (0...steps).map { tStart + (tEnd - tStart) * Float($0) / Float(steps) }
        temperatures = (0..<steps).map {
            steps == 1
                ? temperature.0
                : temperature.0 + (temperature.1 - temperature.0) * Float($0) / Float(steps - 1)
        }
        self.renoiseSteps = renoiseSteps
        self.renoise = renoise
    }

    /// `start` `[N, H, W]` initial tokens (Paella: uniform random in 0..<K), kept as the renoise source.
    public func sample(
        _ model: GuidedDenoiser, from start: Tensor, rng: inout ArrozRandom, onStep: StepCallback?
    ) -> SampleResult? {
        let steps = grid.count - 1
        let driver = StepDriver(model: model, onStep: onStep, count: steps)
        let initNoise = start.detached()
        var x = initNoise
        var drawn = x
        for i in 0..<steps {
            guard driver.shouldContinue() else { return nil }
            let (logits, scale) = model.logits(x, t: grid[i])  // [N, K, H, W]
            let input = x
            drawn = sampleTokens(logits, temperature: temperatures[i], like: x, rng: &rng)
            x = drawn
            if i < renoiseSteps {
                let tNext = Tensor(shape: [x.shape[0]], repeating: grid[i + 1])
                let source: Tensor? =
                    renoise == .initialNoise ? initNoise : renoise == .previous ? input : nil
                x = process.addNoise(x, t: tNext, randomTokens: source, rng: &rng).noised
            }
            guard driver.report(i, t: grid[i], tNext: grid[i + 1], scale: scale, x: x, x0: drawn) else {
                return nil
            }
        }
        return SampleResult(sample: x, x0: drawn, steps: steps)
    }

    /// One categorical draw per token from softmax(logits / temperature) over axis 1 of `[N, K, ...]`.
    func sampleTokens(_ logits: Tensor, temperature: Float, like x: Tensor, rng: inout ArrozRandom) -> Tensor
    {
        let n = x.shape[0], positions = x.count / max(n, 1)
        let k = process.numLabels
        precondition(
            logits.shape == [n, k] + x.shape.dropFirst(),
            "PaellaSampler: logits\(logits.shape), want [N, K, ...] = \([n, k] + x.shape.dropFirst())")
        let out = Tensor.zeros(x.shape)
        let l = logits.data, o = out.mutableData
        var probs = [Float](repeating: 0, count: k)
        for r in 0..<n {
            for p in 0..<positions {
                // softmax over the K logits of this token, divided by the temperature, max-subtracted
                let base = r * k * positions + p
                var mx = -Float.infinity
                for c in 0..<k { mx = max(mx, l[base + c * positions] / temperature) }
                for c in 0..<k { probs[c] = exp(l[base + c * positions] / temperature - mx) }
                o[r * positions + p] = Float(probs.withUnsafeBufferPointer { rng.categorical($0) })
            }
        }
        return out
    }
}
