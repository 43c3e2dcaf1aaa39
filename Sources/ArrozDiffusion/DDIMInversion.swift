// DDIMInversion: run deterministic DDIM backwards, from clean data up to the noise that DDIM maps back to it.
import ArrozTensor

/// DDIM inversion: encodes x₀ into the starting noise of a DDIM(η = 0) run on the same grid.
///
/// Song et al. 2021 §4.3 (DDIM as an ODE that can be run in either direction), in the form of diffusers'
/// `DDIMInverseScheduler`: walking the grid upwards, each step evaluates the network at the *target* time
/// with x still at the lower level (the usual approximation, so the model is never called at the grid's
/// clean end):
///
///     ε̂ = f(x, t_up);   x̂₀ = (x − √(1 − ᾱ_low)·ε̂)/√ᾱ_low;   x ← √ᾱ_up·x̂₀ + √(1 − ᾱ_up)·ε̂
///
/// Arroz-Con-Cosas's README promised "DDIM inversion for style transfer" and never shipped it
/// (seeds.md §1.6).
/// Guidance applies as in sampling (a scale of 1 is the usual choice for faithful reconstructions).
public struct DDIMInversion {
    public let process: any VariancePreservingProcess
    /// The sampling grid (descending in noise); inversion walks it from its last point to its first.
    public let grid: [Float]

    public init(process: any VariancePreservingProcess, steps: Int = 50) {
        self.process = process
        self.grid = process.timeGrid(steps: steps)
    }

    public init(process: any VariancePreservingProcess, grid: [Float]) {
        precondition(grid.count >= 2, "DDIMInversion: grid needs ≥ 2 points, got \(grid.count)")
        self.process = process
        self.grid = grid
    }

    /// The x at `grid[0]` that DDIM on `grid` maps back to ≈ `x0`, or nil when cancelled.
    ///
    /// The callback sees step k with t = the level left and tNext = the level reached.
    public func invert(_ model: GuidedDenoiser, _ x0: Tensor, onStep: StepCallback? = nil) -> Tensor? {
        let steps = grid.count - 1
        let driver = StepDriver(model: model, onStep: onStep, count: steps)
        var x = x0.detached()
        for k in 0..<steps {
            guard driver.shouldContinue() else { return nil }
            let (low, up) = (grid[steps - k], grid[steps - k - 1])
            let (out, scale) = model(x, t: up)
            let abLow = process.alphaBar(at: low), abUp = process.alphaBar(at: up)
            // an x₀-predicting network's ε̂ is taken at x's own level (at ᾱ = 1 it is undefined: use t_up)
            let level = model.prediction == .x0 && abLow < 1 ? low : up
            let (_, eps) = process.split(x, prediction: out, kind: model.prediction, at: level)
            // x̂₀ = (x − √(1 − ᾱ_low)·ε̂)/√ᾱ_low;   x ← √ᾱ_up·x̂₀ + √(1 − ᾱ_up)·ε̂
            let r = (abUp / abLow).squareRoot()
            let ce = (1 - abUp).squareRoot() - r * (1 - abLow).squareRoot()
            let x0Hat = combine([
                (Float(1 / abLow.squareRoot()), x),
                (Float(-(1 - abLow).squareRoot() / abLow.squareRoot()), eps),
            ])
            x = combine([(Float(r), x), (Float(ce), eps)])
            guard driver.report(k, t: low, tNext: up, scale: scale, x: x, x0: x0Hat) else { return nil }
        }
        return x
    }
}
