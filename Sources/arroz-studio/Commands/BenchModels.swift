// BenchModels: `arroz-studio bench models` — training images/s and sampling ms per CFG step, per model config.
import ArgumentParser
import ArrozDiffusion
import ArrozModels
import ArrozNN
import ArrozTensor
import ArrozText
import ArrozTrain
import Foundation

struct BenchModels: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models",
        abstract: "Training images/s (batch 32) and ms per sampling step (batch 2 = one CFG step).",
        discussion: "Compare with ../shared/bench/unet_bench.py run in the same sitting.")

    @Option(help: "Threads for our loops and split sgemms.") var threads = 2
    @Option(help: "Seconds per measurement.") var seconds = 3.0
    @Option(help: "Training batch size.") var batch = 32
    @Option(parsing: .upToNextOption, help: "Configs to run (default: all).") var only: [String] = []
    @Option(help: "Convolution backend: \(ConvBackends.all.map(\.name).joined(separator: ", ")).")
    var convBackend = ConvBackends.current.name
    @Flag(help: "Time by this process's CPU seconds ÷ threads, not the wall clock (for a busy machine).")
    var cpuTime = false
    @Option(help: "Compute precision of convolutions, matmuls and attention products: fp32 or bf16.")
    var precision = "fp32"
    @Flag(help: "Skip the training measurement (e.g. to profile sampling alone).") var noTrain = false
    @Flag(help: "Skip the sampling measurements (e.g. to profile training alone).") var noSample = false

    func validate() throws {
        guard Precision(rawValue: precision) != nil else {
            throw ValidationError("unknown precision '\(precision)'; choose fp32 or bf16")
        }
        guard ConvBackends.all.contains(where: { $0.name == convBackend }) else {
            throw ValidationError(
                "unknown conv backend '\(convBackend)'; choose one of: "
                    + ConvBackends.all.map(\.name).joined(separator: ", "))
        }
    }

    func run() throws {
        Threads.set(threads)
        Precision.default = Precision(rawValue: precision)!
        if let backend = ConvBackends.all.first(where: { $0.name == convBackend }) {
            ConvBackends.current = backend
        }
        var configs: [(String, ModelConfig)] = [
            ("pix32-add", .ddpm(.pix32Add)), ("lat16-add", .ddpm(.lat16Add)),
        ]
        for r in Recipes.names where !r.hasPrefix("shapes") {
            if let c = try? Recipes.make(r), let g = try? c.model.decode(GaussianSpec.self) { configs.append((r, g.network)) }
        }
        if !only.isEmpty { configs = configs.filter { only.contains($0.0) } }
        print(
            "arroz-studio bench models · \(threads) threads · \(Precision.effective)"
                + (Precision.default != Precision.effective ? " (bf16 unavailable: \(OneDNN.status))" : "")
                + " · conv backend \(ConvBackends.current.name)" + (cpuTime ? " · CPU-time clock" : ""))
        print("config          params     train img/s (b\(batch))   sample ms/step (b2)   fwd ms (b1)")
        print(String(repeating: "─", count: 86))
        for (name, cfg) in configs {
            var rng = ArrozRandom(seed: 0)
            let model = try cfg.makeModel(rng: &rng)
            let (C, S) = cfg.imageShape
            func cond(_ n: Int) -> Tensor {
                switch model.conditioning {
                case .classes(let k): return Tensor((0..<n).map { Float($0 % k) })
                case .embedding(let d): return Tensor.randn([n, d], rng: &rng)
                }
            }
            // Training: forward + MSE + backward + AdamW.
            let opt = AdamW(model, lr: 1e-4)
            let x = Tensor.randn([batch, C, S, S], rng: &rng)
            let t = Tensor.uniform([batch], low: 0.01, high: 0.99, rng: &rng)
            let c = cond(batch)
            let target = Tensor.randn([batch, C, S, S], rng: &rng)
            model.train()
            let trainSec = noTrain ? nil : time(round: seconds / 5) {
                opt.zeroGrad()
                let loss = mseLoss(model.predict(x, t: t, cond: c), target)
                loss.backward()
                opt.step()
            }
            model.eval()
            let x2 = Tensor.randn([2, C, S, S], rng: &rng), t2 = Tensor([0.5, 0.5]), c2 = cond(2)
            let sampleSec = noSample ? nil : time(round: seconds / 5) {
                _ = withNoGrad { model.predict(x2, t: t2, cond: c2) }
            }
            let x1 = Tensor.randn([1, C, S, S], rng: &rng), t1 = Tensor([0.5]), c1 = cond(1)
            let oneSec = noSample ? nil : time(round: seconds / 10) {
                _ = withNoGrad { model.predict(x1, t: t1, cond: c1) }
            }
            let params = String(format: "%.2fM", Double(model.parameterCount) / 1e6)
            print(name.padding(toLength: 16, withPad: " ", startingAt: 0)
                + params.padding(toLength: 11, withPad: " ", startingAt: 0)
                + column(trainSec.map { Double(batch) / $0.median }, width: 10, pad: 24)
                + column(sampleSec.map { $0.median * 1000 }, width: 10, pad: 22)
                + column(oneSec.map { $0.median * 1000 }, width: 8, pad: 8))
        }
        print("PyTorch reference on this machine (shared/bench/README.md): pix32-add 13.9 img/s training, 55 ms per CFG step.")
        try tokenFamilyRows()
        if only.isEmpty || only.contains("chain") { try benchChain() }
    }

    /// Per-call timing of `body` in rounds of `round` seconds, with this command's clock.
    private func time(round: Double, _ body: () -> Void) -> Timing {
        measure(round: round, wantClean: 3, maxRounds: 8, cpuTime: cpuTime, threads: threads, body)
    }

    /// `value` with one decimal right-aligned in `width`, or "–" when the measurement was skipped, padded on
    /// the right to `pad` characters.
    private func column(_ value: Double?, width: Int, pad: Int) -> String {
        let text = value.map { String(format: "%.1f", $0) } ?? "–"
        let cell = String(repeating: " ", count: max(0, width - text.count)) + text
        return cell.padding(toLength: max(pad, cell.count), withPad: " ", startingAt: 0)
    }
}

// MARK: - Token and GAN families (emoji-paella, emoji-ddg)

/// A stand-in text encoder of MiniLM's width (bench rows must not need the MiniLM weights).
private final class BenchEncoder: PromptEncoder {
    let name = "bench"
    let dimension = 384
    func encode(_ prompts: [String]) throws -> PromptEmbedding {
        var rng = ArrozRandom(seed: UInt64(prompts.count))
        return PromptEmbedding(pooled: Tensor.randn([prompts.count, 384], rng: &rng))
    }
}

extension BenchModels {
    /// emoji-paella and emoji-ddg through their families: a training step of the objective (VQ encode, network
    /// forward + backward, optimizer(s); the GAN: D and G, no R1 step) at batch `batch`, and the full sample
    /// of one image (the recipe's steps with CFG, decode included) by wall clock and by CPU time ÷ threads.
    /// The VQ is the tiny32 config with random weights (timing does not depend on them).
    func tokenFamilyRows() throws {
        let rows = ["emoji-paella", "emoji-ddg"].filter { only.isEmpty || only.contains($0) }
        guard !rows.isEmpty else { return }
        let dir = NSTemporaryDirectory() + "arroz-bench-tokens-\(ProcessInfo.processInfo.processIdentifier)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var rng = ArrozRandom(seed: 1)
        let vq = ArrozVQModel(.tiny32, rng: &rng)
        let vqPath = dir + "/vq.safetensors"
        try Checkpoint.save(to: vqPath, model: vq, family: "vq", config: ArrozVQConfig.tiny32, step: 0)
        print("")
        print("config          params     train img/s (b\(batch))   full sample ms, wall / CPU÷threads (b1, decode incl.)")
        print(String(repeating: "─", count: 86))
        for name in rows {
            guard var run = FamilyRegistry.recipes.first(where: { $0.name == name }).map({ try? $0.make(name) }) ?? nil else { continue }
            guard case .object(var o) = run.model.json, case .object(var ae)? = o["autoencoder"] else { continue }
            ae["path"] = .string(vqPath)
            o["autoencoder"] = .object(ae)
            run.model = ModelSpec(family: run.model.family, json: .object(o))
            run.batchSize = batch
            let family = try run.model.owner()
            let objective = try family.makeObjective(
                run, context: ObjectiveContext(classNames: nil, encoder: { _ in BenchEncoder() }, initRNG: ArrozRandom(seed: 0)))
            let images = Tensor.uniform([batch, 3, 32, 32], low: -1, high: 1, rng: &rng)
            let tb = TrainingBatch(images: images, captions: (0..<batch).map { "emoji \($0 % 7)" }, labels: Array(repeating: nil, count: batch))
            var stepRNG = ArrozRandom(seed: 2)
            var k = 1  // past any warm-up would need steps; the GAN's adversarial path runs from warm-up's end
            let trainSec = noTrain ? nil : time(round: seconds / 5) {
                _ = try? objective.step(tb, lr: run.optimizer.lr, step: k * 1000 + 1, rng: &stepRNG)
                k += 1
            }
            let ck = dir + "/\(name).safetensors"
            try Checkpoint.save(to: ck, model: objective.weights, family: run.model.family, config: run.model.text, step: 0, ema: objective.ema)
            let pipeline = try family.openPipeline(try CheckpointFile(path: ck), spec: run.model, ema: true)
            var plan = GenerationPlan(
                cond: Tensor.randn([1, 384], rng: &rng), noise: Tensor.randn([1] + pipeline.noiseShape, rng: &rng),
                sampler: SamplerSettings(kind: run.sampling.sampler, steps: run.sampling.steps), cfg: run.sampling.cfg, samplerSeed: 0)
            plan.strength = 1
            let controls = SamplerControls(guidanceScale: run.sampling.cfg)
            let sample = { _ = try? pipeline.run(plan, controls: controls, onStep: nil) }
            let wall = noSample ? nil : measure(round: seconds / 5, wantClean: 3, maxRounds: 8, cpuTime: false, threads: threads, sample)
            let cpu = noSample ? nil : measure(round: seconds / 5, wantClean: 3, maxRounds: 8, cpuTime: true, threads: threads, sample)
            let params = String(format: "%.2fM", Double(objective.weights.parameterCount) / 1e6)
            print(name.padding(toLength: 16, withPad: " ", startingAt: 0)
                + params.padding(toLength: 11, withPad: " ", startingAt: 0)
                + column(trainSec.map { Double(batch) / $0.median }, width: 10, pad: 24)
                + column(wall.map { $0.median * 1000 }, width: 10, pad: 12)
                + column(cpu.map { $0.median * 1000 }, width: 8, pad: 8)
                + "  (\(run.sampling.steps) steps, CFG \(run.sampling.cfg))")
        }
    }
}
