// GaussianOracle: the exact denoiser for data x₀ ~ N(μ, s²) per dimension, and moment helpers for tests.
import ArrozDiffusion
import ArrozTensor

/// For x_t = a·x₀ + b·ε with x₀ ~ N(m, s²): E[x₀ | x_t] = m + (a·s² / (a²s² + b²))·(x_t − a·m),
/// and the matching ε̂ = (x_t − a·x̂₀) / b. The mean m is `cond[n, 0]` for a row with conditioning, else
/// `mean`; so an all-zero uncond row means m = 0. Counts its calls and the rows it saw.
final class GaussianOracle {
    let process: any GaussianProcess
    let mean: Float
    let std: Float
    let prediction: Prediction
    var calls = 0
    var rowsSeen: [Int] = []

    init(_ process: any GaussianProcess, mean: Float, std: Float, prediction: Prediction) {
        self.process = process
        self.mean = mean
        self.std = std
        self.prediction = prediction
    }

    var denoiser: Denoiser {
        { [self] x, t, cond in
            calls += 1
            rowsSeen.append(x.shape[0])
            let n = x.shape[0], row = x.count / n
            let out = Tensor.zeros(x.shape)
            let xs = x.data, o = out.mutableData, ts = t.data
            for r in 0..<n {
                let (a, b) = process.coefficients(at: ts[r])
                let m = cond.map { $0.data[r * ($0.count / n)] } ?? mean
                let k = a * std * std / (a * a * std * std + b * b)
                for j in r * row..<(r + 1) * row {
                    let x0 = m + k * (xs[j] - a * m)
                    o[j] = prediction == .x0 ? x0 : (xs[j] - a * x0) / b
                }
            }
            return out
        }
    }

    func model(cond: Tensor? = nil, controls: SamplerControls = SamplerControls()) -> GuidedDenoiser {
        GuidedDenoiser(denoiser, prediction: prediction, cond: cond, controls: controls)
    }

    /// N points of the exact marginal at time t: a·m + √(a²s² + b²)·z, shape [N, 1].
    func marginal(_ n: Int, at t: Float, mean m: Float? = nil, rng: inout ArrozRandom) -> Tensor {
        let (a, b) = process.coefficients(at: t)
        let sd = (a * a * std * std + b * b).squareRoot()
        return Tensor.randn([n, 1], mean: a * (m ?? mean), std: sd, rng: &rng)
    }
}

/// (mean, population variance) of all elements.
func moments(_ t: Tensor) -> (mean: Float, variance: Float) {
    var s = 0.0, ss = 0.0
    for v in t.data { s += Double(v) }
    let m = s / Double(t.count)
    for v in t.data { ss += (Double(v) - m) * (Double(v) - m) }
    return (Float(m), Float(ss / Double(t.count)))
}
