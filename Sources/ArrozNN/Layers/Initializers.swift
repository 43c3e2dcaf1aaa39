// Initializers: PyTorch's torch.nn.init functions (uniform, normal, zeros, xavier, kaiming) on our tensors.
import ArrozTensor
import Foundation

/// In-place weight initialisers with `torch.nn.init` semantics. All random draws take an explicit generator.
///
/// Fan computation matches `torch.nn.init._calculate_fan_in_and_fan_out`: for a weight `[A, B, k…]`,
/// fan_in = B·∏k and fan_out = A·∏k (so a ConvTranspose2d weight `[Cin, Cout/g, kh, kw]` has fan_in
/// Cout/g·kh·kw).
public enum Init {
    /// `(fanIn, fanOut)` of a weight of rank ≥ 2.
    public static func fans(_ shape: [Int]) -> (fanIn: Int, fanOut: Int) {
        precondition(shape.count >= 2, "Init.fans: needs rank >= 2, got \(shape)")
        let receptive = shape.dropFirst(2).reduce(1, *)
        return (shape[1] * receptive, shape[0] * receptive)
    }

    /// Sets every element to `value` (`nn.init.constant_`).
    public static func constant(_ t: Tensor, _ value: Float) {
        let d = t.mutableData
        for i in 0..<d.count { d[i] = value }
    }

    /// `nn.init.zeros_` — for the zero-initialised output layers of the seeds.
    public static func zeros(_ t: Tensor) { constant(t, 0) }

    /// `nn.init.ones_`.
    public static func ones(_ t: Tensor) { constant(t, 1) }

    /// U(low, high) (`nn.init.uniform_`).
    public static func uniform(_ t: Tensor, low: Float, high: Float, rng: inout ArrozRandom) {
        let d = t.mutableData
        for i in 0..<d.count { d[i] = rng.uniform(low, high) }
    }

    /// N(mean, std²) (`nn.init.normal_`).
    public static func normal(_ t: Tensor, mean: Float = 0, std: Float = 1, rng: inout ArrozRandom) {
        rng.fillNormal(t.mutableData, mean: mean, std: std)
    }

    /// N(mean, std²) redrawn until inside [a, b] (`nn.init.trunc_normal_`, absolute bounds).
    public static func truncatedNormal(
        _ t: Tensor, mean: Float = 0, std: Float = 1, a: Float = -2, b: Float = 2, rng: inout ArrozRandom
    ) {
        precondition(a < b, "Init.truncatedNormal: empty range [\(a), \(b)]")
        let d = t.mutableData
        for i in 0..<d.count {
            var v: Float
            repeat { v = mean + std * rng.normal() } while v < a || v > b
            d[i] = v
        }
    }

    /// Xavier/Glorot uniform: U(±gain·√(6 / (fan_in + fan_out))) (`nn.init.xavier_uniform_`).
    public static func xavierUniform(_ t: Tensor, gain: Float = 1, rng: inout ArrozRandom) {
        let (fi, fo) = fans(t.shape)
        let bound = gain * (6 / Float(fi + fo)).squareRoot()
        uniform(t, low: -bound, high: bound, rng: &rng)
    }

    /// Xavier/Glorot normal: N(0, gain²·2 / (fan_in + fan_out)) (`nn.init.xavier_normal_`).
    public static func xavierNormal(_ t: Tensor, gain: Float = 1, rng: inout ArrozRandom) {
        let (fi, fo) = fans(t.shape)
        normal(t, std: gain * (2 / Float(fi + fo)).squareRoot(), rng: &rng)
    }

    /// Kaiming uniform with leaky-ReLU slope `a`, fan_in mode (`nn.init.kaiming_uniform_`):
    /// gain = √(2 / (1 + a²)), bound = gain·√(3 / fan_in). With a = √5 (PyTorch's Linear/Conv default) the
    /// bound is exactly 1/√fan_in.
    public static func kaimingUniform(_ t: Tensor, a: Float = 0, rng: inout ArrozRandom) {
        let fanIn = fans(t.shape).fanIn
        let gain = (2 / (1 + a * a)).squareRoot()
        let bound = gain * (3 / Float(max(fanIn, 1))).squareRoot()
        uniform(t, low: -bound, high: bound, rng: &rng)
    }

    /// Kaiming normal, fan_in mode: N(0, 2 / ((1 + a²)·fan_in)) (`nn.init.kaiming_normal_`).
    public static func kaimingNormal(_ t: Tensor, a: Float = 0, rng: inout ArrozRandom) {
        let fanIn = fans(t.shape).fanIn
        normal(t, std: (2 / ((1 + a * a) * Float(max(fanIn, 1)))).squareRoot(), rng: &rng)
    }

    /// PyTorch's default for Linear/Conv layers (`reset_parameters`): weight kaiming-uniform with a = √5,
    /// i.e. U(±1/√fan_in), and bias U(±1/√fan_in).
    public static func pytorchDefault(weight: Tensor, bias: Tensor?, rng: inout ArrozRandom) {
        kaimingUniform(weight, a: Float(5).squareRoot(), rng: &rng)
        if let bias {
            let fanIn = fans(weight.shape).fanIn
            let bound = fanIn > 0 ? 1 / Float(fanIn).squareRoot() : 0
            uniform(bias, low: -bound, high: bound, rng: &rng)
        }
    }
}
