// EvalCommand: `arroz-studio eval` — train the Fashion-MNIST judge, and score a model's samples with it.
import ArgumentParser
import ArrozData
import ArrozDiffusion
import ArrozImage
import ArrozTensor
import ArrozTrain
import Foundation

struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Measure sample quality: a Fashion-MNIST classifier trained with our engine judges generated images.",
        subcommands: [EvalClassifier.self, EvalFashion.self, EvalDenoise.self, EvalPrompts.self])
}

struct EvalClassifier: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "classifier", abstract: "Train the Fashion-MNIST judge and report its test accuracy.")

    @Option(help: "Epochs over the 60,000 training images, 1 to 1000.") var epochs = 3
    @Option(help: "Where to save it.") var out = "runs/fashion-classifier.safetensors"
    @Option(help: "Threads, 1 to 256.") var threads = ProcessInfo.processInfo.activeProcessorCount

    func validate() throws {
        _ = try InputChecks.threads(threads)
        try InputChecks.int(epochs, "--epochs", 1...1000)
        guard !out.isEmpty else { throw ValidationError("--out: give a file name") }
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: out, isDirectory: &isDir), isDir.boolValue {
            throw ValidationError("--out: \(out) is a directory (give a file name inside it)")
        }
    }

    func run() throws {
        Threads.set(try InputChecks.threads(threads))
        let bar = Progress(total: epochs * (60_000 / 64), label: "classifier", json: false)
        let judge = try FashionJudge.train(epochs: epochs) { step, _, loss in
            bar.update(step, fields: [("loss", String(format: "%.3f", loss))])
        }
        bar.finish()
        let acc = try judge.testAccuracy()
        try FileManager.default.createDirectory(
            atPath: (out as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try judge.save(out)
        print(String(format: "test accuracy %.2f%% (10,000 images) · saved %@", acc * 100, out))
    }
}

struct EvalFashion: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fashion",
        abstract: "Sample N images (equal per class) and report how many the judge classifies as asked.")

    @Option(name: .customLong("run"), help: "Run directory.") var runDir: String?
    @Option(help: "Checkpoint file.") var checkpoint: String?
    @Option(help: "Classifier (from `eval classifier`).") var classifier = "runs/fashion-classifier.safetensors"
    @Option(help: "Images in total, 1 to 1000000.") var n = 500
    @Option(help: "Guidance scale, 0 to 50.") var cfg: Float = 3
    @Option(help: "Sampler (default: the run's; \(SamplerKind.choices)).") var sampler: String?
    @Option(help: "Steps, 1 to 1000 (default: the run's).") var steps: Int?
    @Option(help: "Seed, \(InputChecks.seedRange).") var seed: UInt64 = 1
    @Option(help: "Save a grid of the first samples here.") var grid: String?
    @Option(help: "Threads, 1 to 256.") var threads = ProcessInfo.processInfo.activeProcessorCount
    @Flag(help: "Print one JSON line.") var json = false

    func validate() throws {
        _ = try InputChecks.threads(threads)
        try InputChecks.int(n, "--n", 1...1_000_000)
        try InputChecks.float(cfg, "--cfg", GenerationRequest.cfgRange)
        if let steps { try InputChecks.int(steps, "--steps", GenerationRequest.stepRange) }
        if let sampler { _ = try InputChecks.sampler(sampler) }
        if let grid { try InputChecks.outputFile(grid, "--grid") }
        if checkpoint == nil && runDir == nil { throw ValidationError("give --run DIR or --checkpoint FILE") }
        if checkpoint != nil || runDir != nil { _ = try InputChecks.checkpoint(run: runDir, checkpoint: checkpoint) }
        guard FileManager.default.fileExists(atPath: classifier) else {
            throw ValidationError("--classifier: \(classifier) does not exist (hint: run `arroz-studio eval classifier` first)")
        }
        try InputChecks.checkpointFile(classifier, "--classifier")
    }

    func run() throws {
        Threads.set(try InputChecks.threads(threads))
        let (ck, _) = try InputChecks.checkpoint(run: runDir, checkpoint: checkpoint)
        let judge: FashionJudge
        do { judge = try FashionJudge(path: classifier) } catch { throw ValidationError("--classifier: \(error)") }
        let model = try LoadedModel(path: ck, encoder: Encoders.make)
        guard model.pipeline.outputShape.size == 32 else {
            let n = model.pipeline.outputShape.size
            throw ValidationError("eval fashion: \(ck) makes \(n)×\(n) images; the judge reads 32×32 Fashion-MNIST-sized images")
        }
        let classes = FashionMNIST.classes
        var p = model.request(prompt: classes[0], seed: seed)
        p.cfg = cfg
        if let sampler { p.sampler = try parseSampler(sampler) }
        if let steps { p.steps = steps }
        do { try p.validate(for: model.pipeline) } catch let e as GenerationError { throw ValidationError("\(e)") }
        var right = [Int](repeating: 0, count: classes.count), asked = right
        let batch = 50
        var done = 0
        var firstImages: [RGBImage] = []
        let bar = Progress(total: n, label: "eval", json: false)
        while done < n {
            let m = min(batch, n - done)
            let wanted = (0..<m).map { (done + $0) % classes.count }
            // one request per image: image k of the run starts from seed + k, as `sample --seed` would
            let requests = wanted.enumerated().map { i, w in
                var r = p
                r.promptA = classes[w]
                r.seed = seed &+ UInt64(done + i)
                return r
            }
            guard let x = try model.generate(requests, batching: .batched) else { throw ExitCode.failure }
            let images = RGBImage.images(fromBatch: x)
            if firstImages.count < 40 { firstImages += images.prefix(40 - firstImages.count) }
            let pred = judge.classify(x.shape[1] == 1 ? x : greyBatch(images))
            for (w, got) in zip(wanted, pred) {
                asked[w] += 1
                if w == got { right[w] += 1 }
            }
            done += m
            bar.update(done)
        }
        bar.finish()
        let acc = Double(right.reduce(0, +)) / Double(n)
        if let grid { try savePNG(ImageGrid.contactSheet(firstImages, columns: 10), grid, text: ["parameters": p.parametersText]) }
        if json {
            emit(["event": "eval", "accuracy": acc, "n": n, "cfg": cfg, "step": model.info?.step ?? 0, "checkpoint": ck])
            return
        }
        print(String(format: "%d samples at CFG %.1f, %@ %d steps, checkpoint step %d", n, cfg, p.sampler.rawValue, p.steps, model.info?.step ?? 0))
        for (i, c) in classes.enumerated() {
            print("  \(c.padding(toLength: 12, withPad: " ", startingAt: 0)) \(right[i])/\(asked[i])")
        }
        print(String(format: "classified as asked: %.1f%%", acc * 100))
    }

    func greyBatch(_ images: [RGBImage]) -> Tensor {
        Tensor.stackGrey(images)
    }
}

extension Tensor {
    /// `[N, 1, H, W]` grey tensors in [−1, 1].
    static func stackGrey(_ images: [RGBImage]) -> Tensor {
        concat(images.map { $0.greyTensor().unsqueezed(0) }, axis: 0)
    }
}
