// DiscreteSchedule: a DDPM-style table of T betas and their cumulative ᾱ, indexed by integer timestep.
import ArrozTensor
import Foundation

/// A discrete DDPM-style ᾱ table indexed by integer timestep.
///
/// A discrete variance-preserving schedule: β_0…β_{T−1}, α_i = 1 − β_i, ᾱ_i = ∏_{j≤i} α_j, and
/// x_i = √ᾱ_i·x₀ + √(1 − ᾱ_i)·ε. Time is the index i as a Float; index −1 means clean data (ᾱ = 1).
///
/// Betas: `.linear(start, end)` is `linspace(start, end, T)` (Ho et al. 2020 use 1e-4 → 0.02 over 1000;
/// cclddg uses 0.3 → 0.9 over 5, seeds.md §3.2); `.cosine(s)` is Nichol & Dhariwal (2021) eq. 17,
/// β_i = min(1 − ᾱ(i+1)/ᾱ(i), 0.999) with ᾱ(τ) = cos²(((τ/T) + s)/(1 + s)·π/2).
public struct DiscreteSchedule: VariancePreservingProcess, Codable, Hashable {
    public enum Betas: Codable, Hashable, Sendable {
        case linear(start: Double, end: Double)
        case cosine(s: Double)
    }

    public let betas: [Double]
    public let alphasCumprod: [Double]
    public var count: Int { betas.count }

    public init(_ kind: Betas = .linear(start: 1e-4, end: 0.02), steps: Int = 1000) {
        precondition(steps >= 1, "DiscreteSchedule: steps \(steps) < 1")
        switch kind {
        case .linear(let a, let b):
            betas = steps == 1 ? [a] : (0..<steps).map { a + (b - a) * Double($0) / Double(steps - 1) }
        case .cosine(let s):
            func f(_ tau: Double) -> Double {
                pow(cos((tau / Double(steps) + s) / (1 + s) * Double.pi / 2), 2)
            }
            betas = (0..<steps).map { min(1 - f(Double($0 + 1)) / f(Double($0)), 0.999) }
        }
        var acc = 1.0
        alphasCumprod = betas.map { beta in
            acc *= 1 - beta
            return acc
        }
    }

    /// ᾱ at index t (rounded to the nearest integer); t < 0 is clean data, ᾱ = 1.
    public func alphaBar(at t: Float) -> Double {
        let i = Int(t.rounded())
        if i < 0 { return 1 }
        precondition(i < count, "DiscreteSchedule.alphaBar: index \(i) outside 0..<\(count)")
        return alphasCumprod[i]
    }

    /// Uniform integer timesteps in 0..<T, one per row (DDPM training).
    public func sampleTimes(_ count: Int, rng: inout ArrozRandom) -> Tensor {
        Tensor((0..<count).map { _ in Float(rng.int(0, self.count)) })
    }

    /// The strided timesteps a sampler visits, ending at −1 (clean).
    ///
    /// "Trailing" spacing (Lin et al. 2024, Table 2; diffusers `timestep_spacing="trailing"`):
    /// t_i = round(T − i·T/S) − 1 for i = 0…S−1, then −1 (clean). S = T gives T−1, …, 0, −1.
    public func timeGrid(steps: Int) -> [Float] {
        precondition(
            steps >= 1 && steps <= count, "DiscreteSchedule.timeGrid: steps \(steps) not in 1...\(count)")
        let ratio = Double(count) / Double(steps)
        return (0..<steps).map { Float((Double(count) - Double($0) * ratio).rounded() - 1) } + [-1]
    }
}
