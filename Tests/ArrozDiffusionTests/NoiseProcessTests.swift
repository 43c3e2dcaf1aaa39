// NoiseProcessTests: the schedules match their formulas at the points seeds.md gives.
import ArrozDiffusion
import ArrozTensor
import ArrozTestSupport
import Foundation
import Testing

@Suite struct NoiseProcessTests {
    @Test func arrozCosineAlphaBar() {
        // torch: s=0.008; (cos((t+s)/(1+s)·π/2)² / cos(s/(1+s)·π/2)²).clamp(1e-4, 0.9999), float64
        let p = Diffuzz()
        let ts: [Float] = [0, 0.1, 0.25, 0.5, 0.75, 0.9, 1]
        let want = [
            0.9999, 0.972092737113969, 0.8470121613269047, 0.49384359044063775, 0.1442721023857358,
            0.024091724140085854, 0.0001,
        ]
        expectClose(ts.map { Float(p.alphaBar(at: $0)) }, want.map { Float($0) }, rtol: 1e-5, atol: 1e-7)
        let (a, b) = p.coefficients(at: 0.5)
        #expect(abs(a * a + b * b - 1) < 1e-6)
    }

    @Test func arrozGridSkipsOne() {
        // torch.linspace(1, 0, 22)[1:] for T = 20
        let g = Diffuzz().timeGrid(steps: 20)
        #expect(g.count == 21)
        expectClose(Array(g.prefix(3)), [0.9523809552192688, 0.9047619104385376, 0.8571428656578064])
        #expect(g.last == 0)
        let g1 = Diffuzz(gridIncludesOne: true).timeGrid(steps: 4)
        #expect(g1 == [1, 0.75, 0.5, 0.25, 0])
    }

    @Test func diffuseIsTheForwardProcess() {
        let p = Diffuzz()
        let x0 = Tensor([1, 2, -1, 0.5], shape: [2, 2])
        let noise = Tensor([0.3, -0.7, 1.1, 0.2], shape: [2, 2])
        let t = Tensor([0.25, 0.9])
        let xt = p.diffuse(x0, t: t, noise: noise)
        let a0 = Float(0.8470121613269047.squareRoot()), b0 = Float((1 - 0.8470121613269047).squareRoot())
        let a1 = Float(0.024091724140085854.squareRoot()), b1 = Float((1 - 0.024091724140085854).squareRoot())
        expectClose(
            xt, [a0 * 1 + b0 * 0.3, a0 * 2 - b0 * 0.7, -a1 + b1 * 1.1, a1 * 0.5 + b1 * 0.2], rtol: 1e-5)
    }

    @Test func trainingBatchTargets() {
        var rng = ArrozRandom(seed: 3)
        let x0 = Tensor.randn([64, 3], rng: &rng)
        let (xt, t, target) = Diffuzz().trainingBatch(x0, prediction: .epsilon, rng: &rng)
        #expect(t.data.allSatisfy { $0 > 0 && $0 <= 1 })
        // the target is the noise: x_t = a·x₀ + b·target
        let rebuilt = Diffuzz().diffuse(x0, t: t, noise: target)
        expectClose(rebuilt, xt)
        let keras = KerasProcess().trainingBatch(x0, prediction: .x0, rng: &rng)
        expectClose(keras.target, x0)
        #expect(keras.t.data.allSatisfy { $0 >= 0 && $0 < 1 })
    }

    @Test func kerasProcessAndGrid() {
        // numpy: nl = 1 - np.power(np.arange(0.0001, 0.99, 1/35), 1/3); nl[-1] = 0.01
        let g = KerasProcess().timeGrid(steps: 35)
        #expect(g.count == 35)
        expectClose(
            Array(g.prefix(5)),
            [
                0.9535841116638722, 0.6939330440726285, 0.6146040905354936,
                0.5589174628867751, 0.5145729990180408,
            ], rtol: 1e-5)
        expectClose(
            Array(g.suffix(4)), [0.03961015337402041, 0.02939361460789136, 0.019387741032845796, 0.01],
            rtol: 1e-4)
        #expect(KerasProcess().timeGrid(steps: 100).count == 99)  // len(np.arange(0.0001, 0.99, 0.01))
        let (a, b) = KerasProcess().coefficients(at: 0.3)
        #expect(a == 0.7 && b == 0.3)
    }

    @Test func kerasTrainingSigmaIsTruncatedHalfNormal() {
        // |n|/3 with n ~ N(0,1) given |n| < 3: mean = (2φ(0) − 2φ(3))/(3·(2Φ(3) − 1)) ≈ 0.2623
        var rng = ArrozRandom(seed: 11)
        let s = KerasProcess().sampleTimes(20000, rng: &rng)
        #expect(abs(moments(s).mean - 0.2623) < 0.005)
        #expect(s.data.allSatisfy { $0 >= 0 && $0 < 1 })
    }

    @Test func percentileMatchesNumpy() {
        // np.percentile(np.abs([0.1, -2.5, 0.3, 1.7, -0.2, 3.0, 0.05]), q) for q = 99.5, 50, 90
        let v: [Float] = [0.1, 2.5, 0.3, 1.7, 0.2, 3.0, 0.05]
        expectClose([percentile(v, 99.5), percentile(v, 50), percentile(v, 90)], [2.985, 0.3, 2.7])
        let th = dynamicThreshold(Tensor([0.1, -2.5, 0.3, 1.7, -0.2, 3.0, 0.05]))
        expectClose(th, [0.1, -2.5, 0.3, 1.7, -0.2, 2.985, 0.05].map { $0 / 2.985 }, rtol: 1e-5)
        let small = dynamicThreshold(Tensor([0.5, -0.9]))  // percentile < 1: s = 1, unchanged
        expectClose(small, [0.5, -0.9])
    }

    @Test func discreteTables() {
        // cclddg: β = linspace(0.3, 0.9, 5); ᾱ = cumprod(1 − β) (seeds.md §3.2)
        let ddg = DiscreteSchedule(.linear(start: 0.3, end: 0.9), steps: 5)
        expectClose(ddg.alphasCumprod.map { Float($0) }, [0.7, 0.385, 0.154, 0.0385, 0.00385], rtol: 1e-5)
        #expect(ddg.alphaBar(at: -1) == 1)
        let ddpm = DiscreteSchedule()
        #expect(ddpm.betas.first == 1e-4 && abs(ddpm.betas.last! - 0.02) < 1e-12)
        #expect(ddpm.timeGrid(steps: 4) == [999, 749, 499, 249, -1])
        #expect(DiscreteSchedule(steps: 10).timeGrid(steps: 10) == [9, 8, 7, 6, 5, 4, 3, 2, 1, 0, -1])
        let cosine = DiscreteSchedule(.cosine(s: 0.008), steps: 1000)
        // improved-DDPM cosine: ᾱ_i = f(i+1)/f(0) while no β hits the 0.999 clip
        let f = { (tau: Double) in pow(cos((tau / 1000 + 0.008) / 1.008 * Double.pi / 2), 2) }
        #expect(abs(cosine.alphasCumprod[499] - f(500) / f(0)) < 1e-9)
        #expect(cosine.betas.last == 0.999)
    }
}
