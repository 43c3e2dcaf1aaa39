// DDGObjective: cclddg's training step (`train_cclddg.py`, seeds.md §3.2) with two optimizers in one objective —
// D on real (x_t, x_{t−1}) vs fake (x_t, x̂_{t−1}) pairs by BCE plus lazy R1 (finite differences), then G by BCE
// plus MSE reconstruction, the adversarial term only after a reconstruction-only warm-up.
import ArrozDiffusion
import ArrozModels
import ArrozNN
import ArrozTensor

final class DDGObjective: TrainingObjective {
    let run: RunConfig
    let spec: DDGSpec
    let nets: DDGNets
    let vq: FrozenVQ
    let schedule: DiscreteSchedule
    let optG: any AdamFamilyOptimizer
    let optD: any AdamFamilyOptimizer
    let ema: EMA?
    let conditioner: Conditioner

    init(run: RunConfig, spec: DDGSpec, context: ObjectiveContext) throws {
        try spec.validate()
        self.run = run
        self.spec = spec
        vq = try FrozenVQ(spec.autoencoder)
        try DDGFamily.check(spec, vq)
        var rng = context.initRNG
        nets = DDGNets(spec, rng: &rng)
        schedule = spec.schedule()
        optG = run.optimizer.make(nets.generator.trainableNamedParameters())
        optD = run.optimizer.make(nets.discriminator.trainableNamedParameters(), lr: spec.discriminatorLR)
        ema = run.optimizer.makeEMA(nets.generator)
        conditioner = try Conditioner.make(run, classNames: context.classNames, encoder: context.encoder)
        guard case .text(let D) = conditioner.kind, D == spec.generator.cloobDim else {
            throw TrainError.badSetting(
                "model: cloob_dim is \(spec.generator.cloobDim) but the text encoder gives \(conditioner.kind) (set cloob_dim to its width)")
        }
        nets.train()
    }

    var weights: any Layer { nets }
    var optimizers: [String: any AdamFamilyOptimizer] { ["g": optG, "d": optD] }

    /// `[B, 1, 1, 1]` rows of f(t_b).
    func perRow(_ t: [Int], _ f: (Int) -> Double) -> Tensor {
        Tensor(t.map { Float(f($0)) }, shape: [t.count, 1, 1, 1])
    }

    func step(_ batch: TrainingBatch, lr: Float, step: Int, rng: inout ArrozRandom) throws -> ObjectiveStep {
        let (G, D) = (nets.generator, nets.discriminator)
        let x0 = vq.latents(batch.images)  // [B, C, h, w]
        let B = x0.shape[0]
        var cond = try conditioner.condition(labels: batch.labels, captions: batch.captions)  // [B, D]
        cond = conditioner.dropout(cond, p: run.conditioning.dropout, perBatch: run.conditioning.perBatch, rng: &rng)
        // t ~ U{1, …, N−1}; x_{t−1} ~ q(x_{t−1} | x₀), x_t ~ q(x_t | x_{t−1})
        let ts = (0..<B).map { _ in rng.int(1, spec.nSteps) }
        let t = Tensor(ts.map(Float.init))
        let ab = schedule.alphasCumprod, betas = schedule.betas
        let sqrtAB = perRow(ts) { ab[$0 - 1].squareRoot() }, sqrt1mAB = perRow(ts) { (1 - ab[$0 - 1]).squareRoot() }
        let xtm1 = x0 * sqrtAB + Tensor.randn(x0.shape, rng: &rng) * sqrt1mAB
        let xt = xtm1 * perRow(ts) { (1 - betas[$0]).squareRoot() } + Tensor.randn(x0.shape, rng: &rng) * perRow(ts) { betas[$0].squareRoot() }
        let z = Tensor.randn([B, spec.generator.zDim], rng: &rng)
        let eps2 = Tensor.randn(x0.shape, rng: &rng)
        let lrD = lr * spec.discriminatorLR / max(run.optimizer.lr, 1e-12)
        let adversarial = step >= spec.warmupSteps

        // Discriminator: real pairs to 1, fake pairs (x̂_{t−1} from a detached x̂₀) to 0, lazy R1 on x_t.
        optD.lr = lrD
        optD.zeroGrad()
        let real = D(concat([xt, xtm1], axis: 1), t: t, c: cond)
        let fakeX = withNoGrad { G(xt, t: t, c: cond, z: z) * sqrtAB + eps2 * sqrt1mAB }
        let fake = D(concat([xt, fakeX], axis: 1), t: t, c: cond)
        let dl = DDGLosses.discriminator(real: real, fake: fake)
        let dValue = dl.total.item
        guard dValue.isFinite else {
            optD.zeroGrad()
            throw TrainError.nonFiniteLoss(step: step, loss: dValue, checkpoint: nil)
        }
        dl.total.backward()
        var r1: Float = 0
        if spec.r1Gamma > 0 && step % spec.r1Every == 0 {
            r1 = r1PenaltyFiniteDifference(
                x: xt, parameters: optD.parameters.map(\.tensor), gamma: spec.r1Gamma
            ) { D(concat([$0, xtm1], axis: 1), t: t, c: cond) }
        }
        _ = gradientNorm(optD.parameters.map(\.tensor), clip: run.optimizer.gradClip)
        optD.step()
        optD.zeroGrad()

        // Generator: x̂₀ = G(x_t, t, c, z); BCE(D(x_t ⊕ x̂_{t−1}), 1) + λ·MSE(x̂₀, x₀) (reconstruction alone in warm-up).
        optG.lr = lr
        optG.zeroGrad()
        let x0Hat = G(xt, t: t, c: cond, z: z)
        let fakeG = adversarial ? D(concat([xt, x0Hat * sqrtAB + eps2 * sqrt1mAB], axis: 1), t: t, c: cond) : nil
        let gl = DDGLosses.generator(fake: fakeG, x0Hat: x0Hat, x0: x0, reconScale: spec.reconScale)
        let gValue = gl.total.item
        guard gValue.isFinite else {
            optG.zeroGrad()
            optD.zeroGrad()
            throw TrainError.nonFiniteLoss(step: step, loss: gValue, checkpoint: nil)
        }
        gl.total.backward()
        optD.zeroGrad()  // G's adversarial term reaches D's parameters too; D does not learn from it
        let norm = gradientNorm(optG.parameters.map(\.tensor), clip: run.optimizer.gradClip)
        optG.step()
        optG.zeroGrad()
        ema?.update(G, step: step + 1)
        var fields: [String: Float] = [
            "d_loss": dValue, "g_adv": gl.adversarial?.item ?? 0, "recon": gl.reconstruction.item,
        ]
        if r1 > 0 { fields["r1"] = r1 }
        return ObjectiveStep(loss: gValue, gradNorm: norm, fields: fields)
    }

    func pipeline() throws -> any GenerationPipeline {
        guard let ema else { return try DDGPipeline(generator: nets.generator, spec: spec, vq: vq) }
        var r = ArrozRandom(seed: 0)
        let copy = DDGUNet(spec.generator, rng: &r)
        ema.copy(into: copy)
        copy.eval()
        return try DDGPipeline(generator: copy, spec: spec, vq: vq)
    }
}
