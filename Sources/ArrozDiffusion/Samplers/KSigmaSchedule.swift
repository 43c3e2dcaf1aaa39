// KSigmaSchedule: a process's time grid seen as k-diffusion noise levels σ_k = b/a, ending at σ = 0.
import ArrozTensor

/// A process's grid as k-diffusion noise levels σ_k = b/a.
///
/// The variance-exploding view the k-diffusion solvers work in (Karras et al. 2022; k-diffusion's
/// `CompVisDenoiser` / `DiscreteEpsDDPMDenoiser` wrappers): x_k = x_t / a(t) = x₀ + σ·ε with σ = b(t)/a(t).
/// For a variance-preserving process σ = √((1 − ᾱ)/ᾱ).
///
/// The model is evaluated at the process's own grid times t_0 … t_{S−1} (`timeGrid(steps:)` without its last
/// point), with input x_t = a(t_i)·x_k. The schedule then ends at σ_S = 0 as k-diffusion's `get_sigmas`
/// does (`append_zero`), so the last update returns x̂₀ — unlike Arroz's own grid, whose clamp leaves
/// σ = 0.01.
public struct KSigmaSchedule {
    public let process: any GaussianProcess
    /// The times the model is evaluated at, then the grid's last time (where σ is taken as 0).
    public let times: [Float]
    /// σ_0 … σ_{S−1} from the grid, then σ_S = 0.
    public let sigmas: [Float]

    public init(process: any GaussianProcess, steps: Int) {
        self.init(process: process, grid: process.timeGrid(steps: steps))
    }

    public init(process: any GaussianProcess, grid: [Float]) {
        precondition(grid.count >= 2, "KSigmaSchedule: grid needs ≥ 2 points, got \(grid.count)")
        self.process = process
        self.times = grid
        self.sigmas = grid.dropLast().map { process.kSigma(at: $0) } + [0]
    }

    public var steps: Int { sigmas.count - 1 }

    /// x_k = x_t / a(t_0) for a start point x_t given in the process's space at t_0.
    func toK(_ x: Tensor) -> Tensor { combine([(1 / process.coefficients(at: times[0]).signal, x)]) }

    /// The process-space x at the end of step i (σ_{i+1}); after the last step σ = 0 and x_k is the sample.
    func fromK(_ xk: Tensor, after i: Int) -> Tensor {
        i + 1 == steps ? xk : combine([(process.coefficients(at: times[i + 1]).signal, xk)])
    }

    /// D(x_k; σ_i): x̂₀ of the guided model evaluated at t_i on a(t_i)·x_k, plus the scale it used.
    func denoise(_ model: GuidedDenoiser, _ xk: Tensor, step i: Int) -> (x0: Tensor, scale: Float) {
        let t = times[i]
        let x = combine([(process.coefficients(at: t).signal, xk)])
        let (out, scale) = model(x, t: t)
        return (process.split(x, prediction: out, kind: model.prediction, at: t).x0, scale)
    }
}
