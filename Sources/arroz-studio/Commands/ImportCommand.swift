// ImportCommand: `arroz-studio import` — a seed's PyTorch state_dict (safetensors) into our checkpoint format.
import ArgumentParser
import ArrozModels
import Foundation

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Convert a state_dict saved from a seed's PyTorch class into an arroz checkpoint.",
        discussion: """
            Classes: \(UpstreamRegistry.classes.map { $0.upstreamClass }.joined(separator: ", ")).
            The kwargs are the upstream constructor's, by its names; missing ones take its defaults. Every key \
            and shape must match (load_state_dict strict=True). Save the weights in Python with
            safetensors.torch.save_file({k: v.contiguous() for k, v in model.state_dict().items()}, "w.safetensors").
            """)

    @Argument(help: "The state_dict as .safetensors.") var weights: String
    @Option(name: .customLong("class"), help: "The upstream class, e.g. arroz.DiffusionModel.") var className: String
    @Option(help: "Constructor kwargs as a JSON object, e.g. '{\"c_hidden\": 128, \"down_levels\": [2, 4]}'.")
    var kwargs: String = "{}"
    @Option(help: "Output checkpoint (.safetensors).") var out: String

    func validate() throws {
        try InputChecks.checkpointFile(weights, "weights")
        let known = UpstreamRegistry.classes.map { $0.upstreamClass }
        guard known.contains(className) else {
            throw ValidationError("--class: unknown class '\(className)' (choices: \(known.joined(separator: ", ")))")
        }
        do { _ = try UpstreamIO.parseKwargs(kwargs) } catch { throw ValidationError("--kwargs: \(error)") }
        try InputChecks.outputFile(out, "--out")
    }

    func run() throws {
        let kw = try UpstreamIO.parseKwargs(kwargs)
        let model = try UpstreamIO.importWeights(from: weights, className: className, kwargs: kw, to: out)
        let n = model.namedParameters().reduce(0) { $0 + $1.1.count }
        print("wrote \(out): \(className) \(UpstreamIO.kwargsJSON(model.upstreamKwargs)), "
              + "\(model.namedParameters().count) tensors, \(n) values")
    }
}
