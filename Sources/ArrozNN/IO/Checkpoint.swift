// Checkpoint: the arroz training bundle — weights, EMA, optimizer moments, RNG, run state in one file.
import ArrozTensor
import Foundation

/// Writes the checkpoint bundle of ARCHITECTURE §5 as one safetensors file that Python's `safetensors` reads:
///
///     <name>                          model weights and buffers under their state_dict names (F32)
///     ema.<name>                      EMA shadow weights
///     optim.<name>.exp_avg / .exp_avg_sq          Adam moments (labelled optimizers: optim.<label>.<name>…)
///     __metadata__  arroz.format      integer version (`Checkpoint.formatVersion`)
///                   arroz.family      model family (`keras`, `arroz`, `prior`, `paella`, `ddg`)
///                   arroz.config      the model config as JSON
///                   arroz.step        optimizer steps taken
///                   arroz.train_state free-form JSON the training loop needs to resume (optional)
///                   arroz.ema         {"decay": β, "start_step": n}
///                   arroz.optim       {label: {"kind", "lr", "beta1", "beta2", "eps", "weight_decay",
///                                      "steps": {name: step}}}
///                   arroz.rng.<name>  xoshiro256** state, four 16-digit hex words
///
/// The write goes to a temporary sibling, is fsynced and renamed, so a crash never leaves a half checkpoint.
public enum Checkpoint {
    /// The version this build writes and the newest it reads.
    public static let formatVersion = 1

    public static func save(
        to path: String, model: Layer, family: String, config: String, step: Int, ema: EMA? = nil,
        optimizers: [String: AdamFamilyOptimizer] = [:], rngs: [String: ArrozRandom] = [:],
        trainState: String? = nil
    ) throws {
        var meta: [String: String] = [
            "arroz.format": String(formatVersion), "arroz.family": family, "arroz.config": config,
            "arroz.step": String(step),
        ]
        if let trainState { meta["arroz.train_state"] = trainState }
        var w = SafeTensorsWriter()
        for (name, t) in model.namedParameters() {
            precondition(
                !name.hasPrefix("ema.") && !name.hasPrefix("optim."),
                "Checkpoint.save: model tensor '\(name)' collides with the ema./optim. sections")
            w.add(name, t)
        }
        if let ema {
            for (name, t) in ema.shadow { w.add("ema." + name, t) }
            meta["arroz.ema"] = json(["decay": Double(ema.decay), "start_step": ema.startStep])
        }
        var optimInfo: [String: Any] = [:]
        for (label, opt) in optimizers {
            let prefix = optimPrefix(label)
            var steps: [String: Int] = [:]
            for (p, s) in zip(opt.parameters, opt.states) {
                w.add(prefix + p.name + ".exp_avg", s.expAvg)
                w.add(prefix + p.name + ".exp_avg_sq", s.expAvgSq)
                steps[p.name] = s.step
            }
            optimInfo[label] =
                [
                    "kind": opt.kind, "lr": Double(opt.lr), "beta1": Double(opt.beta1),
                    "beta2": Double(opt.beta2),
                    "eps": Double(opt.eps), "weight_decay": Double(opt.weightDecay), "steps": steps,
                ] as [String: Any]
        }
        if !optimizers.isEmpty { meta["arroz.optim"] = json(optimInfo) }
        for (name, rng) in rngs {
            meta["arroz.rng." + name] = rng.state.map { hex16($0) }.joined(separator: ",")
        }
        w.metadata = meta
        try w.write(to: path)
    }

    /// Saves with the config encoded from a Codable value (sorted keys, so equal configs give equal bytes).
    public static func save<Config: Encodable>(
        to path: String, model: Layer, family: String, config: Config, step: Int, ema: EMA? = nil,
        optimizers: [String: AdamFamilyOptimizer] = [:], rngs: [String: ArrozRandom] = [:],
        trainState: String? = nil
    ) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let text = String(decoding: try encoder.encode(config), as: UTF8.self)
        try save(
            to: path, model: model, family: family, config: text, step: step, ema: ema,
            optimizers: optimizers,
            rngs: rngs, trainState: trainState)
    }

    static func optimPrefix(_ label: String) -> String { label.isEmpty ? "optim." : "optim.\(label)." }

    static func json(_ value: Any) -> String {
        guard let data = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys]) else {
            preconditionFailure("Checkpoint: metadata is not JSON-serialisable: \(value)")
        }
        return String(decoding: data, as: UTF8.self)
    }

    static func hex16(_ x: UInt64) -> String {
        let h = String(x, radix: 16)
        return String(repeating: "0", count: 16 - h.count) + h
    }
}
