// ForwardCommand: `arroz-studio forward` — one method of an imported upstream model on named tensors.
import ArgumentParser
import ArrozModels
import Foundation

struct ForwardCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "forward",
        abstract: "Run one method of an imported upstream model on the tensors of a safetensors file.",
        discussion: """
            Inputs are named as the upstream call's arguments (x, r, c); token indices may be I64. Outputs are \
            `out`, or `out.0`, `out.1`, … for a tuple (`out.0.1` when nested); integer outputs are I64.
            """)

    @Option(help: "A checkpoint written by `arroz-studio import`.") var checkpoint: String
    @Option(help: "forward, encode, decode or decode_indices (what the class has).") var method = "forward"
    @Option(help: "Input tensors (.safetensors).") var inputs: String
    @Option(help: "Output tensors (.safetensors).") var out: String

    func validate() throws {
        try InputChecks.checkpointFile(checkpoint, "--checkpoint")
        try InputChecks.checkpointFile(inputs, "--inputs")
        try InputChecks.outputFile(out, "--out")
    }

    func run() throws {
        let outputs = try UpstreamIO.forward(checkpoint: checkpoint, method: method, inputs: inputs, out: out)
        for o in outputs {
            print("\(o.name.padding(toLength: 8, withPad: " ", startingAt: 0)) \(o.isInteger ? "I64" : "F32") \(o.tensor.shape)")
        }
        print("wrote \(out)")
    }
}
