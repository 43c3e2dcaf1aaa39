// InterpolationTests: lerp/slerp endpoints, norms, and the slerp midpoint's closed form; the sampler menu.
import ArrozDiffusion
import ArrozTensor
import ArrozTestSupport
import Foundation
import Testing

@Suite struct InterpolationTests {
    let a = Tensor([3, 0, 0, 1, 1, 0], shape: [2, 3])
    let b = Tensor([0, 1, 0, -1, 1, 0], shape: [2, 3])

    @Test(arguments: InterpolationMode.allCases)
    func endpoints(mode: InterpolationMode) {
        expectClose(Interpolation.mix(a, b, 0, mode: mode), a, rtol: 1e-6, atol: 1e-6)
        expectClose(Interpolation.mix(a, b, 1, mode: mode), b, rtol: 1e-6, atol: 1e-6)
    }

    @Test func slerpMidpointClosedForm() {
        // unit vectors at angle θ: slerp(½) = (a + b) / (2·cos(θ/2))
        let u = Tensor([1, 0, 0]), v = Tensor([Float(cos(1.0)), Float(sin(1.0)), 0])
        let mid = Interpolation.slerp(u, v, 0.5)
        let c = Float(2 * cos(0.5))
        expectClose(mid, [(1 + Float(cos(1.0))) / c, Float(sin(1.0)) / c, 0], rtol: 1e-6, atol: 1e-6)
        // row 1 of a, b: (1,1,0) and (−1,1,0) are 90° apart with equal norms √2 → (0, √2, 0)
        let m = Interpolation.slerp(a, b, 0.5)
        expectClose(Array(m.scalars[3...]), [0, Float(2).squareRoot(), 0], rtol: 1e-6, atol: 1e-6)
    }

    @Test func normAwareSlerpLerpsTheNorm() {
        // row 0: |a| = 3, |b| = 1, 90° apart: direction (cos 45°·w..), norm (1 − w)·3 + w·1
        for w: Float in [0.25, 0.5, 0.8] {
            let m = Interpolation.normAwareSlerp(a, b, w)
            let row = Array(m.scalars[0..<3])
            let norm = row.map { $0 * $0 }.reduce(0, +).squareRoot()
            #expect(abs(norm - ((1 - w) * 3 + w * 1)) < 1e-5)
            let phi = Double(w) * Double.pi / 2  // the direction turns linearly from a to b
            expectClose(row.map { $0 / norm }, [Float(cos(phi)), Float(sin(phi)), 0], rtol: 1e-5, atol: 1e-6)
        }
        // plain slerp does not lerp the norm: at w = ½ it is (3 + 1)/(2·cos 45°)·... ≠ 2
        let plain = Array(Interpolation.slerp(a, b, 0.5).scalars[0..<3])
        #expect(abs(plain.map { $0 * $0 }.reduce(0, +).squareRoot() - 2) > 0.1)
    }

    @Test func parallelRowsFallBackToLerp() {
        let x = Tensor([1, 2, 3]), y = Tensor([2, 4, 6])
        expectClose(Interpolation.slerp(x, y, 0.5), [1.5, 3, 4.5], rtol: 1e-6)
        expectClose(Interpolation.normAwareSlerp(x, y, 0.5), [1.5, 3, 4.5], rtol: 1e-6)
    }

    @Test func noiseSlerpKeepsGaussianNorm() {
        // the reason to slerp noise (Keras `interpolate_two_points`): the midpoint of two independent
        // N(0, I) draws keeps |x| ≈ √D, while lerp shrinks it by about cos 45° = 0.707.
        var rng = ArrozRandom(seed: 8)
        let p = Tensor.randn([1, 4096], rng: &rng), q = Tensor.randn([1, 4096], rng: &rng)
        let n = { (t: Tensor) in t.scalars.map { $0 * $0 }.reduce(0, +).squareRoot() / 64 }
        #expect(abs(n(Interpolation.slerp(p, q, 0.5)) - 1) < 0.05)
        #expect(abs(n(Interpolation.lerp(p, q, 0.5)) - 0.707) < 0.05)
    }
}

@Suite struct SamplerMenuTests {
    @Test func menusAndDefaults() {
        #expect(
            SamplerKind.available(for: Diffuzz()) == [.ddpm, .ddim, .euler, .eulerAncestral, .dpmpp2m, .heun])
        #expect(
            SamplerKind.available(for: KerasProcess()) == [.euler, .eulerAncestral, .dpmpp2m, .keras, .heun])
        #expect(SamplerKind.defaultKind(for: Diffuzz()) == .ddpm)
        #expect(SamplerKind.defaultKind(for: KerasProcess()) == .keras)
        #expect(SamplerKind.keras.defaultSteps == 35 && SamplerKind.ddpm.defaultSteps == 20)
        #expect(Set(SamplerKind.allCases.map(\.displayName)).count == SamplerKind.allCases.count)
        #expect(SamplerKind(name: "DPM++ 2M") == .dpmpp2m && SamplerKind(name: "dpm++2m") == .dpmpp2m)
        #expect(
            SamplerKind(name: "euler-a") == .eulerAncestral
                && SamplerKind(name: "Euler_Ancestral") == .eulerAncestral)
        #expect(SamplerKind(name: "DDIM") == .ddim && SamplerKind(name: "plms") == nil)
        for kind in SamplerKind.allCases { #expect(SamplerKind(name: kind.rawValue) == kind) }
    }

    @Test func factoryBuildsAndRejects() throws {
        let ddim = try makeSampler(SamplerSettings(kind: .ddim), process: Diffuzz())
        #expect(ddim is DDIMSampler && ddim.grid.count == 21)
        let keras = try makeSampler(SamplerSettings(kind: .keras), process: KerasProcess())
        #expect(keras.grid.count == 35)
        #expect(throws: SamplerError.self) {
            try makeSampler(SamplerSettings(kind: .ddpm), process: KerasProcess())
        }
        #expect(throws: SamplerError.self) {
            try makeSampler(SamplerSettings(kind: .keras), process: Diffuzz())
        }
        #expect(throws: SamplerError.self) {
            try makeSampler(SamplerSettings(kind: .ddim, steps: 0), process: Diffuzz())
        }
        #expect(throws: SamplerError.self) {
            try makeSampler(SamplerSettings(kind: .ddim, steps: 6), process: DiscreteSchedule(steps: 5))
        }
        let paella = try makeSampler(SamplerSettings(kind: .paella), tokens: TokenProcess(numLabels: 8))
        #expect(paella.grid.count == 13 && (paella as? PaellaSampler)?.renoiseSteps == 11)
        #expect(throws: SamplerError.self) {
            try makeSampler(SamplerSettings(kind: .paella), process: Diffuzz())
        }
        #expect(SamplerKind.paella.defaultSteps == 12)
        let json = try JSONEncoder().encode(SamplerSettings(kind: .eulerAncestral, steps: 12))
        #expect(String(decoding: json, as: UTF8.self).contains("\"euler_a\""))
        #expect(try JSONDecoder().decode(SamplerSettings.self, from: json).steps == 12)
    }

    /// cclddg's loop with its N = 5 table: 5 generator calls at t = 5…1; with an exact x̂₀ for N(μ, s²)
    /// at every step the last x̂₀ has the data's mean.
    @Test func ddgSamplerWalksTheTable() {
        let table = DiscreteSchedule(.linear(start: 0.3, end: 0.9), steps: 5)
        var ts: [Float] = []
        let mu: Float = 0.4
        let g: Denoiser = { x, t, _ in
            ts.append(t.data[0])
            return Tensor(shape: x.shape, repeating: mu)
        }
        var rng = ArrozRandom(seed: 1)
        let sampler = DDGSampler(schedule: table)
        let out = sampler.sample(
            GuidedDenoiser(g, prediction: .x0), from: Tensor.randn([4, 2], rng: &rng),
            rng: &rng)!
        #expect(ts == [5, 4, 3, 2, 1])
        expectClose(out.sample, [Float](repeating: mu, count: 8))
    }
}

@Suite struct ConditioningDropoutTests {
    @Test func perSampleAndPerBatch() {
        var rng = ArrozRandom(seed: 6)
        let cond = Tensor(shape: [2000, 3], repeating: 1)
        let (c, dropped) = dropConditioning(cond, probability: 0.15, granularity: .perSample, rng: &rng)
        let rate = Float(dropped.filter { $0 }.count) / 2000
        #expect(abs(rate - 0.15) < 0.03)
        for r in 0..<2000 { #expect(c.data[r * 3] == (dropped[r] ? 0 : 1)) }
        var sizes = Set<Int>()
        for _ in 0..<40 {
            let d = dropConditioning(
                Tensor.ones([8, 2]), probability: 0.5, granularity: .perBatch, rng: &rng)
            sizes.insert(d.dropped.filter { $0 }.count)
        }
        #expect(sizes == [0, 8], "a whole batch or nothing")
    }

    @Test func droppedRowsTakeTheUnconditionalInput() {
        var rng = ArrozRandom(seed: 1)
        let uncond = Tensor([7, 8], shape: [1, 2])
        let (c, dropped) = dropConditioning(
            Tensor.ones([4, 2]), probability: 1, granularity: .perSample, uncond: uncond, rng: &rng)
        #expect(dropped.allSatisfy { $0 })
        #expect(c.scalars == [7, 8, 7, 8, 7, 8, 7, 8])
    }
}
