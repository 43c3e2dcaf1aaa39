// TrajectoryTests: deterministic samplers on a nonlinear stand-in network, pinned to numpy to 1e-4.
import ArrozDiffusion
import ArrozTensor
import ArrozTestSupport
import Foundation
import Testing

/// The numbers come from `Tests/Fixtures/diffusion_reference.py` ("deterministic trajectories"), which
/// re-implements each update in float64 from the reference formulas. They pin grids, clamps and orders.
@Suite struct TrajectoryTests {
    let start = Tensor([-1.5, -0.4, 0.0, 0.3, 1.1, 2.0], shape: [6, 1])

    /// ε(x, t) = 0.5·x·(1 − t) + 0.2·sin(3x)
    let epsNet: Denoiser = { x, t, _ in
        Tensor(zip(x.scalars, t.scalars).map { 0.5 * $0 * (1 - $1) + 0.2 * sin(3 * $0) }, shape: x.shape)
    }

    func run(_ sampler: any Sampler, _ net: @escaping Denoiser, _ prediction: Prediction) -> [Float] {
        var rng = ArrozRandom(seed: 0)
        return sampler.sample(GuidedDenoiser(net, prediction: prediction), from: start, rng: &rng)!.sample
            .scalars
    }

    /// Also checked once against Arroz-Con-Cosas's own `Diffuzz.sample(..., sampler='ddim')` in torch float64
    /// (revision b574524, whose grid is `linspace(t_start, 0, T+1)`: with t_start = T/(T+1) it is the
    /// 0752984 grid `linspace(1, 0, T+2)[1:]`, and with t_start = 1 it is `gridIncludesOne`). Same digits.
    @Test func arrozDDIM() {
        // traj_ddim(8)
        let want = [
            -5.94717994521481, -0.8387874573731192, 0.0, 0.40278116647691997, 4.10841861858921,
            7.775715601314716,
        ]
        expectClose(
            run(DDIMSampler(process: Diffuzz(), steps: 8), epsNet, .epsilon), want.map { Float($0) },
            rtol: 1e-4, atol: 1e-5)
    }

    @Test func arrozDDIMOnTheGridThatIncludesOne() {
        // Diffuzz.sample(model, x, timesteps=8, t_start=1.0) at b574524, torch float64; ᾱ(1) = 1e-4 makes the
        // first x̂₀ = (x − 0.99995·ε̂)/0.01, hence the large values
        let want = [
            -110.3313950516973, -14.445455191241665, 0.0, 9.789450113137567, 73.86760834901538,
            134.20549283477308,
        ]
        expectClose(
            run(DDIMSampler(process: Diffuzz(gridIncludesOne: true), steps: 8), epsNet, .epsilon),
            want.map { Float($0) }, rtol: 1e-4, atol: 1e-4)
    }

    @Test func euler() {
        // traj_k('euler', 8)
        let want = [
            -5.9189227205370925, -0.8339834729254665, 0.0, 0.3987576060664305, 4.087884581332356,
            7.73994724080358,
        ]
        expectClose(
            run(EulerSampler(process: Diffuzz(), steps: 8), epsNet, .epsilon), want.map { Float($0) },
            rtol: 1e-4, atol: 1e-5)
    }

    @Test func dpmpp2m() {
        // traj_k('dpm2m', 8)
        let want = [
            -5.5934076221634115, -0.7744889128738617, 0.0, 0.36049768234056134, 3.8641439025479065,
            7.325233345810727,
        ]
        expectClose(
            run(DPMPP2MSampler(process: Diffuzz(), steps: 8), epsNet, .epsilon), want.map { Float($0) },
            rtol: 1e-4, atol: 1e-5)
    }

    @Test func heun() {
        // traj_heun(8)
        let want = [
            -5.214416433084404, -0.6911943753482959, 0.0, 0.32149811831890546, 3.7431168408536055,
            6.9962691078879145,
        ]
        expectClose(
            run(HeunSampler(process: Diffuzz(), steps: 8), epsNet, .epsilon), want.map { Float($0) },
            rtol: 1e-4, atol: 1e-5)
    }

    @Test func kerasWithThresholding() {
        // traj_keras(10): x̂₀(x, σ) = 1.3·x·(1 − σ) + 0.1, thresholded over the batch of 6 every step; also
        // checked once against the seed's own `Diffuser.reverse_diffusion` (class_guidance 1): same digits
        let net: Denoiser = { x, t, _ in
            Tensor(zip(x.scalars, t.scalars).map { 1.3 * $0 * (1 - $1) + 0.1 }, shape: x.shape)
        }
        let want = [
            -0.3581645887281422, 0.07463330214057544, 0.23201435336556359, 0.3500501417843047,
            0.6648122442342812, 1.0,
        ]
        expectClose(run(KerasSampler(steps: 10), net, .x0), want.map { Float($0) }, rtol: 1e-4, atol: 1e-5)
    }
}
