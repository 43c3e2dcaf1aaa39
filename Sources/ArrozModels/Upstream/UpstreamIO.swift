// UpstreamIO: what `import`, `forward` and `export --upstream` do — convert a seed state_dict into our checkpoint,
// run one method on named tensors, and write our weights back under the upstream names.
import ArrozNN
import ArrozTensor
import Foundation

/// A state_dict that does not fit the class built from the kwargs: each case names the key and both shapes.
public enum UpstreamLoadError: Error, CustomStringConvertible, Equatable {
    case missingKey(file: String, key: String, expected: [Int], similar: [String])
    case unexpectedKey(file: String, key: String, shape: [Int])
    case shapeMismatch(file: String, key: String, expected: [Int], found: [Int])
    case notUpstream(file: String, family: String)
    case badKwargsJSON(String)

    public var description: String {
        switch self {
        case .missingKey(let f, let k, let e, let similar):
            let hint = similar.isEmpty ? "" : " (the file has \(similar.prefix(3).joined(separator: ", ")))"
            return "\(f): missing key '\(k)' (the model expects shape \(e); the file has none)\(hint)"
        case .unexpectedKey(let f, let k, let s):
            return "\(f): unexpected key '\(k)' with shape \(s) (the model has no such tensor; "
                + "check --class and --kwargs)"
        case .shapeMismatch(let f, let k, let e, let s):
            return "\(f): key '\(k)': the model expects shape \(e), the file has \(s) (check --kwargs)"
        case .notUpstream(let f, let fam):
            return "\(f): a checkpoint of family '\(fam)', which has no upstream class (import writes family "
                + "'upstream'; the 'arroz' family exports as arroz.DiffusionModel)"
        case .badKwargsJSON(let d): return "--kwargs: \(d)"
        }
    }
}

public enum UpstreamIO {
    /// The checkpoint family of imported upstream models; `arroz.config` holds `{"class", "kwargs"}`.
    public static let family = "upstream"

    /// Parses `--kwargs` (a JSON object; empty string = `{}`).
    public static func parseKwargs(_ json: String) throws -> [String: UpstreamValue] {
        let text = json.trimmingCharacters(in: .whitespaces)
        if text.isEmpty { return [:] }
        do {
            return try JSONDecoder().decode([String: UpstreamValue].self, from: Data(text.utf8))
        } catch {
            throw UpstreamLoadError.badKwargsJSON(
                "not a JSON object of constructor arguments, e.g. '{\"c_hidden\": 128, \"down_levels\": [2, 4]}' "
                    + "(\(text.prefix(60)))")
        }
    }

    /// Builds `className` with `kwargs` (unknown class or kwarg: `UpstreamError` naming the valid ones).
    public static func build(_ className: String, kwargs: [String: UpstreamValue], seed: UInt64 = 0) throws
        -> any UpstreamModel
    {
        let type = try UpstreamRegistry.lookup(className)
        var rng = ArrozRandom(seed: seed)
        return try type.init(upstreamKwargs: kwargs, rng: &rng)
    }

    /// Checks every name and shape of `file` against `model` (strict: no missing, no extra key), then loads.
    public static func loadStrict(_ model: any Layer, from file: SafeTensorsFile) throws {
        let named = model.namedParameters()
        let ours = Set(named.map(\.0))
        for (name, t) in named {
            guard let e = file.entries[name] else {
                let leaf = name.split(separator: ".").last.map(String.init) ?? name
                let similar = file.names.filter { !ours.contains($0) && $0.hasSuffix("." + leaf) }
                throw UpstreamLoadError.missingKey(file: file.path, key: name, expected: t.shape, similar: similar)
            }
            guard e.shape == t.shape else {
                throw UpstreamLoadError.shapeMismatch(file: file.path, key: name, expected: t.shape, found: e.shape)
            }
        }
        for name in file.names where !ours.contains(name) {
            throw UpstreamLoadError.unexpectedKey(file: file.path, key: name, shape: file.entries[name]?.shape ?? [])
        }
        try model.load(from: file)
    }

    /// `import`: reads a seed state_dict (safetensors) into `className(**kwargs)` and writes our checkpoint.
    @discardableResult
    public static func importWeights(
        from weights: String, className: String, kwargs: [String: UpstreamValue], to out: String
    ) throws -> any UpstreamModel {
        let model = try build(className, kwargs: kwargs)
        try loadStrict(model, from: SafeTensorsFile(path: weights))
        try save(model, to: out)
        return model
    }

    /// Writes `model` as our checkpoint (family `upstream`, config = class + every kwarg).
    public static func save(_ model: any UpstreamModel, to out: String, step: Int = 0) throws {
        try Checkpoint.save(to: out, model: model, family: family, config: configJSON(model), step: step)
    }

    /// `{"class": …, "kwargs": {…}}` with sorted keys.
    public static func configJSON(_ model: any UpstreamModel) -> String {
        let name = kwargsJSON(["class": .string(type(of: model).upstreamClass)]).dropFirst().dropLast()
        return "{\(name),\"kwargs\":\(kwargsJSON(model.upstreamKwargs))}"
    }

    /// The kwargs as a JSON object with sorted keys (what `export` prints).
    public static func kwargsJSON(_ kwargs: [String: UpstreamValue]) -> String {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys]
        return (try? enc.encode(kwargs)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    private struct StoredConfig: Decodable {
        let `class`: String
        let kwargs: [String: UpstreamValue]
    }

    /// Opens a checkpoint written by `import` (or by `save`), or one of our `arroz` family: rebuilds the class
    /// from its metadata, loads the weights (EMA weights when the checkpoint has them and `ema`).
    public static func loadCheckpoint(_ path: String, ema: Bool = true) throws -> any UpstreamModel {
        let ck = try CheckpointFile(path: path)
        let model: any UpstreamModel
        if ck.family == family {
            let stored = try ck.config(as: StoredConfig.self)
            model = try build(stored.class, kwargs: stored.kwargs)
        } else if ck.family == ModelFamily.arroz.rawValue, case .arroz(let c) = try ck.config(as: ModelConfig.self) {
            // our own trained Arroz generator (exportable when it has the seed's 4 channels)
            var rng = ArrozRandom(seed: 0)
            let g = ArrozGenerator(c, rng: &rng)
            model = c.v5 == nil ? g : ArrozGeneratorV5(g)
        } else {
            throw UpstreamLoadError.notUpstream(file: path, family: ck.family)
        }
        if ema && ck.hasEMA { try ck.restoreEMA(into: model) } else { try ck.restore(model: model) }
        return model
    }

    /// Reads every tensor of a safetensors file (integers as whole-number Float32).
    public static func readTensors(_ path: String) throws -> [String: Tensor] {
        let f = try SafeTensorsFile(path: path)
        var out: [String: Tensor] = [:]
        for n in f.names { out[n] = try f.tensor(n) }
        return out
    }

    /// Writes outputs as safetensors: F32, integer outputs as I64.
    public static func writeOutputs(_ outputs: [UpstreamOutput], to path: String) throws {
        var w = SafeTensorsWriter()
        for o in outputs {
            if o.isInteger { w.add(o.name, int64: o.tensor.data.map { Int64($0) }, shape: o.tensor.shape) }
            else { w.add(o.name, o.tensor) }
        }
        try w.write(to: path)
    }

    /// `forward`: runs `method` of the checkpoint's model on the tensors of `inputs`, writes `out`.
    @discardableResult
    public static func forward(checkpoint: String, method: String, inputs: String, out: String) throws
        -> [UpstreamOutput]
    {
        let model = try loadCheckpoint(checkpoint)
        let outputs = try model.callUpstream(method, try readTensors(inputs))
        try writeOutputs(outputs, to: out)
        return outputs
    }

    /// Buffers PyTorch keeps as int64 (written as I64 so `load_state_dict` sees the dtype it has).
    static func isIntegerBuffer(_ name: String) -> Bool {
        name.hasSuffix("num_batches_tracked") || name.hasSuffix("q_step_counter")
    }

    /// `export --upstream`: the model's tensors under the upstream state_dict names (what
    /// `model.load_state_dict(load_file(path), strict=True)` takes); returns the kwargs JSON.
    /// Throws if the upstream class built from the model's kwargs would not have exactly its names and shapes
    /// (e.g. a pixel-space ArrozGenerator with 3 channels: `arroz.DiffusionModel` hard-codes 4).
    @discardableResult
    public static func exportUpstream(_ model: any UpstreamModel, to out: String) throws -> String {
        let rebuilt = try build(type(of: model).upstreamClass, kwargs: model.upstreamKwargs)
        let theirs = Dictionary(uniqueKeysWithValues: rebuilt.namedParameters().map { ($0.0, $0.1.shape) })
        let ours = model.namedParameters()
        for (name, t) in ours {
            guard let s = theirs[name] else {
                throw UpstreamLoadError.unexpectedKey(file: out, key: name, shape: t.shape)
            }
            guard s == t.shape else {
                throw UpstreamLoadError.shapeMismatch(file: out, key: name, expected: s, found: t.shape)
            }
        }
        if let missing = rebuilt.namedParameters().first(where: { n, _ in !ours.contains { $0.0 == n } }) {
            throw UpstreamLoadError.missingKey(file: out, key: missing.0, expected: missing.1.shape, similar: [])
        }
        var w = SafeTensorsWriter(metadata: [
            "upstream.class": type(of: model).upstreamClass, "upstream.kwargs": kwargsJSON(model.upstreamKwargs),
        ])
        for (name, t) in model.namedParameters() {
            if isIntegerBuffer(name) { w.add(name, int64: t.data.map { Int64($0) }, shape: t.shape) }
            else { w.add(name, t) }
        }
        try w.write(to: out)
        return kwargsJSON(model.upstreamKwargs)
    }

    /// `export --upstream` from a checkpoint file.
    @discardableResult
    public static func exportUpstream(checkpoint: String, to out: String) throws -> (className: String, kwargs: String) {
        let model = try loadCheckpoint(checkpoint)
        return (type(of: model).upstreamClass, try exportUpstream(model, to: out))
    }
}
