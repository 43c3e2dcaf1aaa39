// BenchModels+Chain: the Arroz Con Cosas chain's rows of `bench models` — the latent generator (§6, on 8²×4
// latents) and the prior (§6) in training items/s and ms per sampling step, and the whole text → image latency
// (prior DDPM 60 at CFG 3 → generator DDIM 20 at CFG 3 → quantise → VQ decode) on fresh weights.
import ArrozDiffusion
import ArrozModels
import ArrozNN
import ArrozTensor
import ArrozTrain
import Foundation

extension BenchModels {
    /// The chain's section (fresh §6 networks; the VQ tiny32 and the prior are saved to a temp dir so the
    /// pipeline opens them as it would a trained run's).
    func benchChain() throws {
        let clock: (Double, () -> Void) -> Timing = { round, body in
            measure(round: round, wantClean: 3, maxRounds: 8, cpuTime: cpuTime, threads: threads, body)
        }
        func ms(_ t: Timing?) -> String { t.map { String(format: "%.1f", $0.median * 1000) } ?? "–" }
        var rng = ArrozRandom(seed: 0)
        let recipe = try Recipes.make("emoji-latent")
        var spec = try recipe.model.decode(LatentSpec.self)
        let g = ArrozGenerator(spec.generator, rng: &rng)
        var pcfg = ArrozPriorConfig.tiny(embedding: 384)
        pcfg.embeddingDimension = spec.generator.conditionDimension
        let prior = ArrozPrior(pcfg, rng: &rng)
        let (C, s, D) = (spec.generator.inChannels, spec.generator.imageSize, spec.generator.conditionDimension)

        print("\nArroz Con Cosas chain (fresh weights) · train items/s (b\(batch)) · sample ms/step (b2 = one CFG step)")
        print(String(repeating: "─", count: 86))
        // Generator: ε-MSE step on latents (the VQ encode of the batch is not included).
        let optG = AdamW(g, lr: 1e-4)
        let z = Tensor.randn([batch, C, s, s], rng: &rng), eps = Tensor.randn([batch, C, s, s], rng: &rng)
        let tt = Tensor.uniform([batch], low: 0.01, high: 0.99, rng: &rng), cc = Tensor.randn([batch, D], rng: &rng)
        g.train()
        let gTrain = noTrain ? nil : clock(seconds / 5) {
            optG.zeroGrad()
            mseLoss(g(z, r: tt, c: cc), eps).backward()
            optG.step()
        }
        g.eval()
        let z2 = Tensor.randn([2, C, s, s], rng: &rng), c2 = Tensor.randn([2, D], rng: &rng)
        let gStep = noSample ? nil : clock(seconds / 5) { _ = withNoGrad { g(z2, r: Tensor([0.5, 0.5]), c: c2) } }
        print(row("emoji-latent", g.parameterCount, gTrain.map { Double(batch) / $0.median }, ms(gStep)))
        // Prior: ε-MSE step on (scaled) image embeddings given text embeddings.
        let optP = AdamW(prior, lr: 1e-4)
        let e = Tensor.randn([batch, D], rng: &rng), pe = Tensor.randn([batch, D], rng: &rng)
        prior.train()
        let pTrain = noTrain ? nil : clock(seconds / 5) {
            optP.zeroGrad()
            mseLoss(prior(e, r: tt, c: cc), pe).backward()
            optP.step()
        }
        prior.eval()
        let e2 = Tensor.randn([2, D], rng: &rng)
        let pStep = noSample ? nil : clock(seconds / 5) { _ = withNoGrad { prior(e2, r: Tensor([0.5, 0.5]), c: c2) } }
        print(row("emoji-prior", prior.parameterCount, pTrain.map { Double(batch) / $0.median }, ms(pStep)))
        guard !noSample else { return }
        // The whole chain at 20 generator steps, one image, through LatentPipeline.
        let dir = NSTemporaryDirectory() + "arroz-bench-chain-\(ProcessInfo.processInfo.processIdentifier)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let vqConfig = ArrozVQConfig.tiny32
        try Checkpoint.save(to: dir + "/vq.safetensors", model: ArrozVQModel(vqConfig, rng: &rng), family: "vq",
                            config: vqConfig, step: 0)
        let pspec = PriorSpec(prior: pcfg, imageEncoder: dir + "/none")
        try Checkpoint.save(to: dir + "/prior.safetensors", model: prior, family: PriorSpec.familyName,
                            config: try pspec.spec.text, step: 0)
        (spec.autoencoder, spec.imageEncoder, spec.prior) = (dir + "/vq.safetensors", nil, dir + "/prior.safetensors")
        let pipe = try LatentPipeline(generator: g, spec: spec)
        var plan = GenerationPlan(
            cond: Tensor.randn([1, D], rng: &rng).l2Normalized(), noise: Tensor.randn([1, C, s, s], rng: &rng),
            sampler: SamplerSettings(kind: .ddim, steps: 20), cfg: 3, samplerSeed: 1)
        plan.strength = 1
        let full = clock(seconds / 3) { _ = try? pipe.run(plan, controls: SamplerControls(guidanceScale: 3), onStep: nil) }
        let priorOnly = clock(seconds / 5) { _ = try? pipe.imageEmbeddings(plan) }
        print("text → image (b1, DDIM 20, CFG 3): \(ms(full)) ms, of which prior DDPM 60: \(ms(priorOnly)) ms "
              + "(MiniLM encode of the prompt not included)")
    }

    private func row(_ name: String, _ params: Int, _ train: Double?, _ step: String) -> String {
        let p = String(format: "%.2fM", Double(params) / 1e6)
        let t = train.map { String(format: "%.1f", $0) } ?? "–"
        return name.padding(toLength: 16, withPad: " ", startingAt: 0) + p.padding(toLength: 11, withPad: " ", startingAt: 0)
            + String(repeating: " ", count: max(0, 10 - t.count)) + t + String(repeating: " ", count: 14)
            + String(repeating: " ", count: max(0, 10 - step.count)) + step
    }
}
