// InspectCommand: `arroz-studio inspect` — a checkpoint's config, metadata and parameter table.
import ArgumentParser
import ArrozNN
import ArrozTrain
import Foundation

struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect", abstract: "Show a checkpoint's config, metadata and parameter table.")

    @Argument(help: "A checkpoint (.safetensors) or a run directory.") var path: String
    @Flag(help: "List every tensor (default: the model's, grouped).") var all = false

    func validate() throws { _ = try InputChecks.checkpointOrRun(path, "path") }

    func run() throws {
        let file = try InputChecks.checkpointOrRun(path, "path")
        let st = try SafeTensorsFile(path: file)
        print("file      \(file)")
        if let ck = try? CheckpointFile(path: file), let info = try? CheckpointInfo(ck) {
            print("family    \(info.family)   format \(ck.format)   step \(info.step)")
            if let run = info.run {
                print("run       \(run.name) (recipe \(run.recipe)) · data \(run.data.dataset) \(run.data.channels)×\(run.data.imageSize)² · "
                    + "conditioning \(run.conditioning.kind.rawValue)"
                    + (run.conditioning.kind == .text ? " (\(run.conditioning.encoder))" : ""))
                print("optimizer \(run.optimizer.kind.rawValue) lr \(run.optimizer.lr) · batch \(run.batchSize) · sampler \(run.sampling.sampler.rawValue) \(run.sampling.steps) steps cfg \(run.sampling.cfg)")
            }
            if !info.classes.isEmpty { print("classes   \(info.classes.joined(separator: ", "))") }
            print("config    \(info.spec.text)")
        } else {
            print("(no arroz metadata: a plain safetensors file)")
            for (k, v) in st.metadata.sorted(by: { $0.key < $1.key }) { print("meta      \(k) = \(v.prefix(100))") }
        }
        let names = st.names
        let model = names.filter { all || (!$0.hasPrefix("ema.") && !$0.hasPrefix("optim.")) }
        var total = 0
        print("")
        print("tensor".padding(toLength: 56, withPad: " ", startingAt: 0) + "dtype  shape")
        for n in model {
            guard let e = st.entries[n] else { continue }
            total += e.shape.reduce(1, *)
            print(n.padding(toLength: 56, withPad: " ", startingAt: 0) + "\(e.dtype.rawValue.padding(toLength: 6, withPad: " ", startingAt: 0)) \(e.shape)")
        }
        let ema = names.filter { $0.hasPrefix("ema.") }.count
        let opt = names.filter { $0.hasPrefix("optim.") }.count
        print("")
        print("\(model.count) tensors, \(total) values\(all ? "" : " (model)") · \(ema) EMA tensors · \(opt) optimizer tensors")
    }
}
