// PaellaTests: token noising rates and weights, and the token sampler's CFG, temperature and renoise rules.
import ArrozDiffusion
import ArrozTensor
import ArrozTestSupport
import Foundation
import Testing

@Suite struct PaellaTests {
    @Test func addNoiseReplacesAtRateT() {
        let p = TokenProcess(numLabels: 16)
        var rng = ArrozRandom(seed: 1)
        let x = Tensor(shape: [3, 40, 50], repeating: 3)
        let noise = Tensor(shape: [3, 40, 50], repeating: 7)
        let (noised, mask) = p.addNoise(x, t: Tensor([0, 0.3, 1]), randomTokens: noise, rng: &rng)
        let rows = (0..<3).map { r in Array(mask.scalars[r * 2000..<(r + 1) * 2000]) }
        #expect(rows[0].allSatisfy { $0 == 0 })
        #expect(abs(rows[1].reduce(0, +) / 2000 - 0.3) < 0.04)
        #expect(rows[2].allSatisfy { $0 == 1 })
        for j in 0..<6000 { #expect(noised.data[j] == (mask.data[j] == 1 ? 7 : 3)) }
        let fresh = p.addNoise(x, t: Tensor([1, 1, 1]), rng: &rng).noised
        #expect(fresh.data.allSatisfy { $0 >= 0 && $0 < 16 && $0 == $0.rounded() })
        #expect(Set(fresh.scalars).count > 8, "uniform random tokens")
        // v1: m = cos(r·π/2), so r = 0 replaces everything
        #expect(TokenProcess(numLabels: 4, rate: .cosine).maskRate(at: 0) == 1)
    }

    @Test func lossWeights() {
        // w = 1 − (1 − mask)·(1 − t)·0.7
        let w = TokenProcess(numLabels: 4).lossWeight(
            mask: Tensor([1, 0, 1, 0], shape: [2, 2]), t: Tensor([0.2, 0.9]))
        expectClose(w, [1, 1 - 0.8 * 0.7, 1, 1 - 0.1 * 0.7])
        var rng = ArrozRandom(seed: 2)
        let t = TokenProcess(numLabels: 4).sampleTimes(1000, rng: &rng)
        #expect(t.data.allSatisfy { $0 >= 0.001 && $0 <= 1 })
    }

    /// One step, no renoise: the token frequencies must follow softmax((u + s·(c − u)) / temp), with
    /// u and c fixed logits over K = 3 classes.
    @Test func oneStepFollowsGuidedTemperedSoftmax() {
        let (u, c): ([Float], [Float]) = ([0.0, 0.5, 1.0], [1.0, 0.2, 0.0])
        let model: Denoiser = { x, _, cond in
            let n = x.shape[0], hw = x.count / n
            let out = Tensor.zeros([n, 3] + x.shape.dropFirst())
            for r in 0..<n {
                let logits = cond!.data[r * cond!.count / n] == 0 ? u : c  // uncond rows are zeros
                for k in 0..<3 { for p in 0..<hw { out.mutableData[(r * 3 + k) * hw + p] = logits[k] } }
            }
            return out
        }
        let (s, temp): (Float, Float) = (2.5, 0.7)
        let controls = SamplerControls(guidanceScale: s)
        let guided = GuidedDenoiser(
            model, prediction: .x0, cond: Tensor(shape: [2, 1], repeating: 1),
            controls: controls)
        let sampler = PaellaSampler(
            process: TokenProcess(numLabels: 3), steps: 1, renoiseSteps: 0,
            temperature: (temp, temp))
        var rng = ArrozRandom(seed: 3)
        let out = sampler.sample(guided, from: Tensor.zeros([2, 50, 60]), rng: &rng)!
        let g = (0..<3).map { (u[$0] + s * (c[$0] - u[$0])) / temp }
        let z = g.map { exp($0) }.reduce(0, +)
        for k in 0..<3 {
            let freq = Float(out.sample.data.filter { $0 == Float(k) }.count) / 6000
            #expect(abs(freq - exp(g[k]) / z) < 0.02, "class \(k): \(freq) vs \(exp(g[k]) / z)")
        }
    }

    /// Renoise takes its replacement tokens from the fixed initial noise at a rate t_{i+1}; the last step
    /// (i = renoise_steps) is not renoised. A model that always predicts token 5 makes this visible.
    @Test func renoiseComesFromTheInitialNoise() {
        var inputs: [Tensor] = []
        let model: Denoiser = { x, _, _ in
            inputs.append(x.detached())
            let n = x.shape[0], hw = x.count / n
            let out = Tensor.zeros([n, 8] + x.shape.dropFirst())
            for r in 0..<n { for p in 0..<hw { out.mutableData[(r * 8 + 5) * hw + p] = 50 } }
            return out
        }
        var rng = ArrozRandom(seed: 4)
        let initial = Tensor.randint([2, 30, 30], low: 0, high: 5, rng: &rng)
        let sampler = PaellaSampler(process: TokenProcess(numLabels: 8), steps: 4, renoiseSteps: 3)
        #expect(sampler.grid == [1, 0.75, 0.5, 0.25, 0])
        var reported: [Float] = []
        let out = sampler.sample(GuidedDenoiser(model, prediction: .x0), from: initial, rng: &rng) { step in
            reported.append(step.t)
            return true
        }!
        #expect(reported == [1, 0.75, 0.5, 0.25])
        #expect(out.sample.data.allSatisfy { $0 == 5 }, "no renoise after the last step")
        for (i, x) in inputs.enumerated().dropFirst() {
            let fromNoise = (0..<x.count).filter { x.data[$0] != 5 }
            #expect(fromNoise.allSatisfy { x.data[$0] == initial.data[$0] })
            // re-masked at rate t_i; initial tokens are never 5, so every replaced token is visible
            #expect(abs(Float(fromNoise.count) / 1800 - sampler.grid[i]) < 0.05)
        }
    }
}
