// ImageToImageTests: SDEdit tails and starts, and DDIM inversion round trips on the exact Gaussian denoiser.
import ArrozDiffusion
import ArrozTensor
import ArrozTestSupport
import Testing

@Suite struct ImageToImageTests {
    @Test func tailsFollowTheStrengthConvention() {
        let grid = Diffuzz().timeGrid(steps: 20)
        #expect(ImageToImage.tail(of: grid, strength: 1) == grid)
        #expect(ImageToImage.tail(of: grid, strength: 0.5) == Array(grid.suffix(11)))
        #expect(ImageToImage.tail(of: grid, strength: 0.01).count == 2, "at least one update")
        #expect(ImageToImage.tail(of: grid, strength: 0.33).count == 8)  // ⌈6.6⌉ = 7 updates
    }

    /// On the Gaussian oracle, SDEdit from data points is exact in distribution: the noised start has the
    /// process's marginal at t_s, so the output must again be N(μ, s²) (DPM++ 2M: small solver error).
    @Test func imageToImageOfDataStaysOnTheData() throws {
        let p = Diffuzz()
        let oracle = GaussianOracle(p, mean: 0.7, std: 0.5, prediction: .epsilon)
        var rng = ArrozRandom(seed: 12)
        let x0 = Tensor.randn([8000, 1], mean: 0.7, std: 0.5, rng: &rng)
        let tail = ImageToImage.tail(of: p.timeGrid(steps: 20), strength: 0.6)
        let sampler = try makeSampler(SamplerSettings(kind: .dpmpp2m), process: p, grid: tail)
        #expect(sampler.grid == tail)
        let start = ImageToImage.start(x0, process: p, grid: tail, rng: &rng)
        let out = sampler.sample(oracle.model(), from: start, rng: &rng)!
        let (m, v) = moments(out.sample)
        #expect(abs(m - 0.7) < 0.03 && abs(v / 0.25 - 1) < 0.06, "mean \(m), variance \(v)")
        #expect(oracle.calls == 12)
    }

    /// invert-then-sample is a first-order approximation of the identity: the round-trip error must be small
    /// and shrink with the step count (≈ 1/S), for ε- and x₀-predicting networks, on both VP processes.
    @Test(arguments: [Prediction.epsilon, .x0])
    func ddimInversionRoundTrips(prediction: Prediction) {
        for process in [Diffuzz() as any VariancePreservingProcess, DiscreteSchedule(steps: 1000)] {
            let oracle = GaussianOracle(process, mean: 0.3, std: 0.6, prediction: prediction)
            let x0 = Tensor([-1.2, -0.3, 0.3, 0.9, 1.8], shape: [5, 1])
            func roundTripError(_ steps: Int) -> Float {
                let inversion = DDIMInversion(process: process, steps: steps)
                let noise = inversion.invert(oracle.model(), x0)!
                var rng = ArrozRandom(seed: 0)
                let back = DDIMSampler(process: process, grid: inversion.grid)
                    .sample(oracle.model(), from: noise, rng: &rng)!
                return zip(back.sample.scalars, x0.scalars).map { abs($0 - $1) }.max()!
            }
            let (coarse, fine) = (roundTripError(25), roundTripError(200))
            #expect(fine < 0.03, "\(type(of: process)) \(prediction): error \(fine) at 200 steps")
            #expect(fine < coarse / 4, "\(type(of: process)) \(prediction): \(coarse) → \(fine)")
        }
    }

    @Test func invertedNoiseFollowsTheMarginal() {
        // the inverted points keep the data's z-scores at the top of the grid: (x − a·μ)/√(a²s² + b²)
        let p = Diffuzz()
        let oracle = GaussianOracle(p, mean: 0.3, std: 0.6, prediction: .epsilon)
        let x0 = Tensor([-1.2, -0.3, 0.3, 0.9, 1.8], shape: [5, 1])
        let inversion = DDIMInversion(process: p, steps: 200)
        let noise = inversion.invert(oracle.model(), x0)!
        let (a, b) = p.coefficients(at: inversion.grid[0])
        let sd = (a * a * 0.36 + b * b).squareRoot()
        expectClose(
            noise.scalars.map { ($0 - a * 0.3) / sd }, x0.scalars.map { ($0 - 0.3) / 0.6 }, rtol: 0,
            atol: 0.05)
    }
}
