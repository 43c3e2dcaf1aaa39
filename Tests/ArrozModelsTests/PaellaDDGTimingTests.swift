// PaellaDDGTimingTests: wall-clock medians of the Paella and cclddg networks at seeds.md §6's small configs.
// Off unless ARROZ_TOKENS_BENCH=1 (meaningful only in a release build on an idle machine):
//   swift build -c release --build-tests && ARROZ_TOKENS_BENCH=1 swift test -c release --skip-build \
//       --filter PaellaDDGTimingTests
import ArrozModels
import ArrozNN
import ArrozTensor
import Foundation
import Testing

@Suite(.enabled(if: ProcessInfo.processInfo.environment["ARROZ_TOKENS_BENCH"] == "1"))
struct PaellaDDGTimingTests {
    /// Median wall time of `body` in ms over `rounds` runs after one warm-up.
    static func median(_ rounds: Int = 7, _ body: () -> Void) -> Double {
        body()
        var ts: [Double] = []
        for _ in 0..<rounds {
            let t0 = DispatchTime.now().uptimeNanoseconds
            body()
            ts.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6)
        }
        return ts.sorted()[rounds / 2]
    }

    @Test func smallConfigs() throws {
        var rng = ArrozRandom(seed: 1)
        print("threads \(Threads.count)")
        // cclddg §6 generator, 8²×4 latents: one CFG step = one batch-2 call; the sampler takes 4–5 of them.
        let g = DDGUNet(.smallGenerator, rng: &rng)
        g.eval()
        let x2 = Tensor.randn([2, 4, 8, 8], rng: &rng), c2 = Tensor.randn([2, 384], rng: &rng)
        let z2 = Tensor.randn([2, 8], rng: &rng), t2 = Tensor([4, 4])
        let gStep = Self.median { _ = withNoGrad { g(x2, t: t2, c: c2, z: z2) } }
        print(
            String(
                format: "cclddg.UNet small, batch 2 (one CFG step) forward: %.2f ms; 4 steps %.1f ms", gStep,
                4 * gStep))
        // One GAN iteration at batch 32: G forward+backward and three D passes (real, fake, generator's).
        let d = DDGDiscriminator(.smallDiscriminator, rng: &rng)
        let x = Tensor.randn([32, 4, 8, 8], rng: &rng), c = Tensor.randn([32, 384], rng: &rng)
        let z = Tensor.randn([32, 8], rng: &rng), t = Tensor((0..<32).map { Float(1 + $0 % 4) })
        let iter = Self.median(3) {
            let x0 = g(x, t: t, c: c, z: z)
            let real = d(concat([x, x], axis: 1), t: t, c: c)
            let fake = d(concat([x, x0.detached()], axis: 1), t: t, c: c)
            DDGLosses.discriminator(real: real, fake: fake).total.backward()
            let adv = d(concat([x, x0], axis: 1), t: t, c: c)
            DDGLosses.generator(fake: adv, x0Hat: x0, x0: x).total.backward()
        }
        print(String(format: "cclddg small GAN iteration, batch 32 (G fwd+bwd, 3 D passes): %.0f ms", iter))
        // Paella §6, 8×8 tokens: a sampling step with CFG (batch 2) and a training step at batch 32.
        let p = Paella(.small, rng: &rng)
        p.eval()
        let tok2 = Tensor.randint([2, 8, 8], low: 0, high: 512, rng: &rng)
        let b2 = Tensor.randn([2, 6, 384], rng: &rng), clip2 = Tensor.randn([2, 384], rng: &rng)
        let pStep = Self.median { _ = withNoGrad { p(tok2, r: Tensor([0.5, 0.5]), byt5: b2, clip: clip2) } }
        print(
            String(
                format: "paella.Paella small, batch 2 (one CFG step) forward at 8×8 tokens: %.2f ms", pStep))
        p.train()
        let tok = Tensor.randint([32, 8, 8], low: 0, high: 512, rng: &rng)
        let b = Tensor.randn([32, 6, 384], rng: &rng), clip = Tensor.randn([32, 384], rng: &rng)
        let r = Tensor.uniform([32], rng: &rng)
        let train = Self.median(3) {
            paellaLoss(logits: p(tok, r: r, byt5: b, clip: clip), targets: tok).backward()
        }
        print(String(format: "paella.Paella small training step, batch 32 (fwd+bwd): %.0f ms", train))
    }
}
