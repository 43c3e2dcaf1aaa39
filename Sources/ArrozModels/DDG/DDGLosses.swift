// DDGLosses: cclddg's GAN losses (`train_cclddg.py`): BCE on the discriminator's probabilities for both
// players, MSE reconstruction for the generator, and the R1 penalty by finite differences (no double backward).
import ArrozNN
import ArrozTensor

// MARK: - bce
// ℓ = −[y·log p + (1 − y)·log(1 − p)], each log clamped at −100 as `F.binary_cross_entropy` does.

/// `F.binary_cross_entropy(p, full_like(p, target))`, mean over elements, on probabilities `p` (any shape).
public func ddgBCE(_ p: Tensor, target: Float) -> Tensor {
    precondition(target >= 0 && target <= 1, "ddgBCE: target \(target) outside [0, 1]")
    var terms: [Tensor] = []
    if target > 0 { terms.append(p.log().clamp(min: -100) * target) }
    if target < 1 { terms.append((1 - p).log().clamp(min: -100) * (1 - target)) }
    let s = terms.count == 1 ? terms[0] : terms[0] + terms[1]
    return -s.mean()
}

/// The two players' losses as `train_cclddg.py` computes them (seeds.md §3.2).
public enum DDGLosses {
    /// Discriminator: BCE(D(x_t ⊕ x_{t−1}), 1) on real pairs and BCE(D(x_t ⊕ sg(x̂_{t−1})), 0) on fake ones.
    /// The seed back-propagates both and steps once, so their sum is the D loss. `real`/`fake` `[N, 1]`.
    public static func discriminator(real: Tensor, fake: Tensor) -> (
        real: Tensor, fake: Tensor, total: Tensor
    ) {
        let r = ddgBCE(real, target: 1), f = ddgBCE(fake, target: 0)
        return (r, f, r + f)
    }

    /// Generator: BCE(D(x_t ⊕ x̂_{t−1}), 1) + λ·MSE(x̂₀, x₀), λ = `recon_loss_scale` (1). `fake` `[N, 1]`;
    /// `x0Hat`, `x0` the same shape. `adversarial: false` gives the reconstruction-only warm-up loss.
    public static func generator(
        fake: Tensor?, x0Hat: Tensor, x0: Tensor, reconScale: Float = 1
    ) -> (adversarial: Tensor?, reconstruction: Tensor, total: Tensor) {
        let rec = mseLoss(x0Hat, x0)
        guard let fake else { return (nil, rec, rec * reconScale) }
        let adv = ddgBCE(fake, target: 1)
        return (adv, rec, adv + rec * reconScale)
    }
}

// MARK: - R1 by finite differences
// P(θ) = (γ/2)·mean_n ‖g_n‖²,  g = ∇_x Σ D(x; θ)           (train_cclddg.py lines 235–239; DDGAN's R1)
// ∇_θ P = (γ/N)·H_θx·g,  H_θx = ∂²ΣD/∂θ∂x, and a Hessian-vector product is a directional derivative of ∇_θ:
//   H_θx·g ≈ [∇_θ ΣD(x + εg) − ∇_θ ΣD(x − εg)] / (2ε)       (central difference, error O(ε²))
// so three first-order backward passes (g, then the two shifted gradients) replace PyTorch's double backward.

/// The R1 penalty of `train_cclddg.py` without double backward (our autograd has none): computes
/// P = (γ/2)·mean_n ‖∇_x Σ D(x)‖² and **adds** ∇_θ P into the `parameters`' gradients by a central finite
/// difference of ∇_θ ΣD along g = ∇_x ΣD (a Hessian-vector product; seeds.md §5 "finite-difference R1").
///
/// - Parameters:
///   - x: the input the penalty differentiates against (`x_t`, the conditioning half); not modified.
///   - parameters: D's trainable tensors; gradients already there (e.g. from the real/fake BCE) are kept.
///   - gamma: γ (cclddg 1; NVlabs DDGAN 0.02 every 15 steps).
///   - relativeStep: the shift εg has RMS `relativeStep`·max(RMS(x), 1e-3).
///   - discriminator: D's forward as a function of `x` (the other input half and t, c fixed inside).
/// - Returns: the penalty value P.
@discardableResult
public func r1PenaltyFiniteDifference(
    x: Tensor, parameters: [Tensor], gamma: Float, relativeStep: Float = 1e-2,
    discriminator: (Tensor) -> Tensor
) -> Float {
    let N = x.shape[0]
    let saved = parameters.map { $0.grad }
    func gradients(at input: Tensor) -> (dx: Tensor?, dtheta: [Tensor?]) {
        for p in parameters { p.grad = nil }
        let out = discriminator(input)
        out.sum().backward()
        return (input.grad, parameters.map { $0.grad })
    }
    let x0 = x.detached()
    x0.requiresGrad = true
    guard let g = gradients(at: x0).dx else {
        for (p, s) in zip(parameters, saved) { p.grad = s }
        return 0
    }
    let gv = g.scalars, xv = x.scalars
    let per = gv.count / N
    var penalty: Double = 0
    for n in 0..<N {
        var s: Double = 0
        for i in (n * per)..<((n + 1) * per) { s += Double(gv[i]) * Double(gv[i]) }
        penalty += s
    }
    penalty *= Double(gamma) / 2 / Double(N)
    let rms = { (v: [Float]) in
        (v.reduce(0) { $0 + Double($1) * Double($1) } / Double(max(v.count, 1))).squareRoot()
    }
    let gRMS = rms(gv)
    guard gRMS > 0 else {
        for (p, s) in zip(parameters, saved) { p.grad = s }
        return Float(penalty)
    }
    let eps = Double(relativeStep) * max(rms(xv), 1e-3) / gRMS
    func shifted(_ sign: Double) -> Tensor {
        Tensor(zip(xv, gv).map { Float(Double($0) + sign * eps * Double($1)) }, shape: x.shape)
    }
    let plus = withNoGrad { shifted(1) }, minus = withNoGrad { shifted(-1) }
    let gp = gradients(at: plus).dtheta
    let gm = gradients(at: minus).dtheta
    let scale = Double(gamma) / Double(N) / (2 * eps)
    for (k, p) in parameters.enumerated() {
        p.grad = saved[k]
        guard let a = gp[k], let b = gm[k] else { continue }
        let (av, bv) = (a.scalars, b.scalars)
        let d = Tensor(zip(av, bv).map { Float(Double($0 - $1) * scale) }, shape: p.shape)
        p.accumulateGrad(d)
    }
    return Float(penalty)
}
