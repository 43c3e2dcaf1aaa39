// ImageToImage: start a sampler part-way down its grid from a noised clean input (SDEdit).
import ArrozTensor

/// Image-to-image by partial noising.
///
/// SDEdit (Meng et al. 2022), with diffusers' `strength` convention: of a grid's S updates, keep the last
/// k = ⌈strength·S⌉ (at least 1), and start from x = a(t_s)·x₀ + b(t_s)·ε at the first kept time t_s.
/// strength 1 is the whole grid (from an almost fully noised x₀), small strengths keep more of x₀. Paella's
/// "structural morphing" (noise to a rate, then run the last steps) is the token-space analogue.
public enum ImageToImage {
    /// The last ⌈strength·S⌉ updates of `grid` (S = grid.count − 1), as a grid of k + 1 points.
    public static func tail(of grid: [Float], strength: Float) -> [Float] {
        precondition(grid.count >= 2, "ImageToImage.tail: grid needs ≥ 2 points, got \(grid.count)")
        precondition(strength > 0 && strength <= 1, "ImageToImage.tail: strength \(strength) not in (0, 1]")
        let steps = grid.count - 1
        let k = min(steps, max(1, Int((strength * Float(steps)).rounded(.up))))
        return Array(grid.suffix(k + 1))
    }

    /// x = a(t)·x₀ + b(t)·ε at the tail's first time t: the point a sampler on that tail starts from.
    public static func start(
        _ x0: Tensor, process: any GaussianProcess, grid tail: [Float], rng: inout ArrozRandom
    ) -> Tensor {
        let t = Tensor(shape: [x0.shape[0]], repeating: tail[0])
        return process.diffuse(x0, t: t, noise: Tensor.randn(x0.shape, rng: &rng))
    }
}
