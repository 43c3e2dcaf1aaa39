// SampleCommand: `arroz-studio sample` — images from a model into a PNG whose `parameters` chunk reproduces them
// (`--from`), plus image-to-image (SDEdit) and DDIM inversion of an init image.
import ArgumentParser
import ArrozDiffusion
import ArrozImage
import ArrozTensor
import ArrozTrain
import Foundation

struct SampleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sample",
        abstract: "Sample images into a PNG (settings in its `parameters` text chunk; `--from` reproduces them).",
        discussion: """
            Without --run or --checkpoint, the bundled default model draws.
            Examples:
              arroz-studio sample --prompt "red apple" --out apple.png
              arroz-studio sample --run runs/fashion-ddpm --prompt "Ankle boot" --n 4 --cfg 3 --out boots.png
              arroz-studio sample --prompt "grinning face" --prompt-b "smiling face with sunglasses" --mix 0.4
              arroz-studio sample --from boots.png                      # reproduce an image from its parameters
              arroz-studio sample --image apple.png --strength 0.6 --prompt "green apple"   # image to image
              arroz-studio sample --image apple.png --invert --prompt "red apple"           # DDIM inversion
              arroz-studio sample --image a.png --mask m.png --prompt "red apple"   # inpaint (token models)
              arroz-studio sample --image a.png --outpaint 8,0,0,0 --prompt "red apple"       # outpaint left
              arroz-studio sample --image a.png --variation 0.5 --prompt "red apple"          # variation
            """)

    @Option(name: .customLong("run"), help: "Run directory (uses its latest checkpoint).") var runDir: String?
    @Option(help: "Checkpoint file.") var checkpoint: String?
    @Option(name: .long, help: "Prompt, class name, or embedding file; repeat for several.") var prompt: [String] = []
    @Option(help: "Prompt B, mixed in by --mix.") var promptB: String?
    @Option(help: "A→B conditioning mix, 0 to 1.") var mix: Float?
    @Option(help: "How embeddings mix: \(InterpolationMode.choices).") var mixMode: String?
    @Option(help: "Slerp the starting noise towards --noise-seed-b, 0 to 1.") var noiseMix: Float?
    @Option(help: "Seed of the noise --noise-mix moves towards, \(InputChecks.seedRange).") var noiseSeedB: UInt64?
    @Option(help: "Images per prompt (seeds seed, seed+1, …), 1 to 64.") var n: Int?
    @Option(help: "Sampler (\(SamplerKind.choices)).") var sampler: String?
    @Option(help: "Sampling steps, 1 to 1000.") var steps: Int?
    @Option(help: "Classifier-free guidance scale, 0 to 50.") var cfg: Float?
    @Option(help: "DDIM / Euler-ancestral eta, 0 to 1.") var eta: Float?
    @Option(help: "Seed, \(InputChecks.seedRange).") var seed: UInt64?
    @Option(help: "Init image (PNG) for image-to-image or --invert.") var image: String?
    @Option(help: "Image-to-image strength in (0, 1]: how much of the schedule re-runs.") var strength: Float?
    @Flag(help: "DDIM-invert --image into its starting noise, then sample from that noise.") var invert = false
    @Option(help: "Inpainting: a PNG whose white pixels mark what to repaint in --image.") var mask: String?
    @Option(help: "Outpainting: left,top,right,bottom pixels to add around --image (it shrinks into the rest).")
    var outpaint: String?
    @Option(help: "Structural variation of --image: how far its tokens are noised, above 0, at most 1.") var variation: Float?
    @Option(help: "Variations of this PNG: condition on its image embedding instead of a prompt (latent models with an image encoder).")
    var variations: String?
    @Option(help: "Output PNG.") var out = "sample.png"
    @Option(help: "Upscale the saved image by this integer factor (nearest), 1 to 16.") var scale = 1
    @Option(help: "Reproduce the image whose PNG parameters are in this file.") var from: String?
    @Flag(help: "Use the live weights instead of the EMA weights.") var noEma = false
    @Option(help: "Threads, 1 to 256.") var threads = ProcessInfo.processInfo.activeProcessorCount
    @Option(help: "Compute precision: fp32 (default) or bf16 (convolutions, matmuls, attention; needs oneDNN).")
    var precision: String?

    func validate() throws {
        _ = try InputChecks.threads(threads)
        try InputChecks.int(scale, "--scale", 1...16)
        if let n { try InputChecks.int(n, "--n", GenerationRequest.countRange) }
        if let steps { try InputChecks.int(steps, "--steps", GenerationRequest.stepRange) }
        if let cfg { try InputChecks.float(cfg, "--cfg", GenerationRequest.cfgRange) }
        if let eta { try InputChecks.float(eta, "--eta", 0...1) }
        if let mix { try InputChecks.float(mix, "--mix", 0...1) }
        if let noiseMix { try InputChecks.float(noiseMix, "--noise-mix", 0...1) }
        if let strength {
            guard strength.isFinite, strength > 0, strength <= 1 else {
                throw ValidationError("--strength: \(InputChecks.number(Double(strength))) is not valid (a number above 0, at most 1)")
            }
        }
        if let sampler { _ = try InputChecks.sampler(sampler) }
        if let mixMode, InterpolationMode(rawValue: mixMode) == nil {
            throw ValidationError("--mix-mode: unknown mode '\(mixMode)' (choices: \(InterpolationMode.choices))")
        }
        if invert && image == nil { throw ValidationError("--invert needs --image (the PNG to invert)") }
        if let variation {
            guard variation.isFinite, variation > 0, variation <= 1 else {
                throw ValidationError("--variation: \(InputChecks.number(Double(variation))) is not valid (a number above 0, at most 1)")
            }
        }
        _ = try outpaintMargins()
        for (flag, given) in [("--mask", mask != nil), ("--outpaint", outpaint != nil), ("--variation", variation != nil)]
        where given && image == nil {
            throw ValidationError("\(flag) needs --image (the PNG to edit)")
        }
        if let mask { try InputChecks.png(mask, "--mask", what: "a PNG mask (white = repaint)") }
        if let variations { try InputChecks.png(variations, "--variations", what: "a PNG image") }
        if from == nil && prompt.isEmpty && variations == nil { throw ValidationError("give at least one --prompt (or --from image.png)") }
        try InputChecks.outputFile(out, "--out")
        for p in prompt { try InputChecks.prompt(p, "--prompt") }
        if let promptB { try InputChecks.prompt(promptB, "--prompt-b") }
        if let image { try InputChecks.png(image, "--image", what: "a PNG image") }
        if let from { try InputChecks.inputFile(from, "--from", what: "a PNG saved by arroz-studio") }
        if let checkpoint { try InputChecks.checkpointFile(checkpoint, "--checkpoint") }
    }

    func run() throws {
        Threads.set(try InputChecks.threads(threads))
        try InputChecks.precision(precision)
        let (base, checkpointPath, modelName) = try baseRequest()
        let model = try LoadedModel(path: checkpointPath, name: modelName, ema: !noEma, encoder: Encoders.make)
        let requests = try requestsFor(base, model: model)
        // (after the checks, so a refused PNG gets one error line, not a warning as well)
        if !base.modelHash.isEmpty && !model.hash.isEmpty && base.modelHash != model.hash {
            FileHandle.standardError.write(Data(
                "warning: \(from ?? "the PNG") was made with a different model (hash \(base.modelHash)); \(checkpointPath) has hash \(model.hash): the pixels will differ\n".utf8))
        }
        let bar = Progress(total: requests[0].steps, label: "sample", json: false)
        let onStep: (PipelineStep) -> Bool = { s in
            bar.total = s.count
            bar.update(s.index + 1)
            return true
        }
        let grid: RGBImage
        if requests.count == 1 && scale == 1 {
            // The path the studio's round-trip test runs: request → images → the request's own sheet.
            guard let g = try Reproduce.render(requests[0], model: model, onStep: onStep) else { throw ExitCode.failure }
            grid = g
        } else {
            guard let images = try model.generate(requests, onStep: onStep) else { throw ExitCode.failure }
            var pics = RGBImage.images(fromBatch: images)
            pics = pics.map { $0.resized(width: $0.width * scale, height: $0.height * scale, filter: .nearest) }
            grid = requests.count == 1
                ? requests[0].sheet(pics) : ImageGrid.contactSheet(pics, columns: requests[0].rows, padding: 2)
        }
        bar.finish()
        // One request reproduces exactly from its PNG; several prompts record the first (every image k of a
        // prompt reproduces alone with --seed seed+k).
        let text = requests[0].parametersText
        try savePNG(grid, out, text: ["parameters": text])
        print("wrote \(out) (\(grid.width)x\(grid.height))\n\(text)")
    }

    /// `--outpaint left,top,right,bottom` as four whole numbers ≥ 0 (nil without the option); the image side is
    /// checked against the model later, in the request's validation.
    func outpaintMargins() throws -> [Int]? {
        guard let outpaint else { return nil }
        let parts = outpaint.split(separator: ",", omittingEmptySubsequences: false).map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 4, parts.allSatisfy({ ($0 ?? -1) >= 0 }), parts.contains(where: { $0! > 0 }) else {
            throw ValidationError("--outpaint: '\(outpaint)' is not valid (left,top,right,bottom: four whole numbers ≥ 0, not all 0)")
        }
        return parts.map { $0! }
    }

    /// The request the PNG (`--from`) or the flags describe, and the checkpoint it runs on.
    func baseRequest() throws -> (GenerationRequest, path: String, name: String) {
        var r: GenerationRequest
        let path: String, name: String
        if let from {
            do {
                r = try Reproduce.request(fromPNG: from)
            } catch ParametersError.badField(let source, let field, let value, let valid) {
                // A value that does not parse says only "a number": add the field's range.
                let range = Self.parameterRanges[field].map { valid.contains($0) ? valid : valid + ": " + $0 } ?? valid
                throw ValidationError("--from: \(ParametersError.badField(source: source, field: field, value: value, valid: range))")
            } catch {
                throw ValidationError("--from: \(error)")
            }
            if runDir != nil || checkpoint != nil {
                (path, name) = try InputChecks.checkpoint(run: runDir, checkpoint: checkpoint)
            } else {
                guard let p = ModelReference.resolve(r.model, defaultModel: DefaultModel.path) else {
                    throw ValidationError(
                        "--from: the model '\(r.model)' named in \(from) is not here (give --run DIR or --checkpoint FILE)")
                }
                try InputChecks.checkpointFile(p, "--from: the Model in \(from)")
                (path, name) = (p, r.model)
            }
            if let initImage = r.initImage, image == nil {
                try InputChecks.png(initImage, "--from: the Init image in \(from)", what: "the init image the PNG names")
            }
            if !prompt.isEmpty { r.promptA = prompt[0] }
        } else {
            (path, name) = try InputChecks.checkpoint(run: runDir, checkpoint: checkpoint)
            r = GenerationRequest(promptA: prompt.first ?? "", model: name, sampler: .ddim, steps: 0, cfg: -1, seed: 0, size: 0)
        }
        return (r, path, name)
    }

    /// One request per prompt: the base with the flags given explicitly on top, completed from the model's run.
    func requestsFor(_ base: GenerationRequest, model: LoadedModel) throws -> [GenerationRequest] {
        var r = base
        let defaults = model.request(prompt: r.promptA)
        if from == nil {
            r.sampler = defaults.sampler
            r.steps = defaults.steps
            r.cfg = defaults.cfg
            r.eta = defaults.eta
        }
        // A PNG keeps its own size, so a PNG made by a model of another size is an error, not a silent redraw.
        if from == nil { r.size = model.pipeline.outputShape.size }
        r.modelHash = model.hash
        r.model = model.name
        if precision != nil { r.precision = Precision.effective }  // the flag over a PNG's own Precision
        if let promptB { r.promptB = promptB }
        if let mix { r.mix = mix }
        if let mixMode {
            guard let m = InterpolationMode(rawValue: mixMode) else {
                throw ValidationError("--mix-mode: unknown mode '\(mixMode)' (choices: \(InterpolationMode.choices))")
            }
            r.mixMode = m
        }
        if let seed { r.seed = seed }
        if let noiseMix { r.noiseMix = noiseMix }
        if let noiseSeedB { r.noiseSeedB = noiseSeedB }
        if let n { r.count = n }
        if let sampler { r.sampler = try InputChecks.sampler(sampler) }
        if let steps { r.steps = steps }
        if let cfg { r.cfg = cfg }
        if let eta { r.eta = eta }
        if let image {
            r.initImage = image
            r.invert = invert
            if invert && sampler == nil { r.sampler = .ddim }
        }
        if let strength { r.strength = strength }
        if let variations { r.variationsOf = variations }
        if invert, r.initImage != nil { r.strength = 1 }
        if let mask { r.mask = mask }
        if let m = try outpaintMargins() { r.outpaint = m }
        if let variation { r.variation = variation }
        do {
            if let from {
                try r.validate(for: model.pipeline, naming: { $0.key })
                _ = from
            } else {
                try r.validate(for: model.pipeline)
            }
        } catch let e as GenerationError {
            throw ValidationError(from.map { "--from: \($0): parameter \(e)" } ?? "\(e)")
        }
        let prompts = prompt.isEmpty ? [r.promptA] : prompt
        return prompts.map { p in
            var q = r
            q.promptA = p
            return q
        }
    }
}

extension SampleCommand {
    /// The valid range of each numeric `parameters` field, for messages about a value that does not parse.
    static let parameterRanges: [String: String] = [
        "Mix": "0 to 1", "Noise mix": "0 to 1", "Eta": "0 to 1", "Strength": "above 0, at most 1",
        "Steps": "1 to \(GenerationRequest.stepRange.upperBound)", "CFG scale": "0 to 50",
        "Count": "1 to \(GenerationRequest.countRange.upperBound)", "Frames": "1 to \(GenerationRequest.framesRange.upperBound)",
        "Seed": InputChecks.seedRange, "Noise seed B": InputChecks.seedRange,
    ]
}

/// A sampler option, for the commands that take one.
func parseSampler(_ name: String) throws -> SamplerKind { try InputChecks.sampler(name) }
