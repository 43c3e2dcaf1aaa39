// Layer+SafeTensors: load a layer's tensors from a safetensors file by state_dict name, and save them.
import ArrozTensor

/// What a non-strict load did.
public struct LoadReport: Sendable, Equatable {
    /// Model names that were loaded.
    public var loaded: [String]
    /// Model names absent from the file (left as they were).
    public var missing: [String]
    /// File names under the prefix that the model does not have.
    public var unexpected: [String]
}

extension Layer {
    /// Loads every parameter and buffer from `file`, where the model's name `n` is stored as `prefix + n`
    /// (PyTorch `load_state_dict` semantics). Converts any supported dtype to Float32.
    ///
    /// Shapes must match exactly. With `strict`, a missing model key or an unexpected file key under `prefix`
    /// throws `keysMismatch` listing both; without, they are reported. Nothing is written unless every check
    /// passes, so a failed load leaves the model untouched. File keys starting with one of `ignoring` are not
    /// counted as unexpected (a checkpoint's `ema.` and `optim.` sections).
    @discardableResult
    public func load(
        from file: SafeTensorsFile, prefix: String = "", strict: Bool = true, ignoring: [String] = []
    ) throws -> LoadReport {
        let named = namedParameters().map { (name: $0.0, tensor: $0.1) }
        return try file.load(into: named, prefix: prefix, strict: strict, ignoring: ignoring)
    }

    /// Adds every tensor as `prefix + name` to `writer`.
    public func add(to writer: inout SafeTensorsWriter, prefix: String = "") {
        for (name, t) in namedParameters() { writer.add(prefix + name, t) }
    }

    /// Writes the layer's tensors (F32, state_dict names) to `path` atomically.
    public func saveSafeTensors(to path: String, metadata: [String: String] = [:]) throws {
        var w = SafeTensorsWriter(metadata: metadata)
        add(to: &w)
        try w.write(to: path)
    }
}

extension SafeTensorsFile {
    /// Loads `prefix + name` into each tensor of `named`; the engine of `Layer.load` (same rules), also used
    /// for EMA shadows and optimizer moments.
    @discardableResult
    public func load(
        into named: [NamedParameter], prefix: String = "", strict: Bool = true, ignoring: [String] = []
    ) throws -> LoadReport {
        var report = LoadReport(loaded: [], missing: [], unexpected: [])
        var plan: [(Tensor, Entry)] = []
        var used = Set<String>()
        for (name, t) in named {
            let key = prefix + name
            guard let e = entries[key] else {
                report.missing.append(key)
                continue
            }
            guard e.shape == t.shape else {
                throw SafeTensorsError.shapeMismatch(
                    file: path, tensor: key, expected: t.shape, found: e.shape)
            }
            plan.append((t, e))
            used.insert(key)
            report.loaded.append(name)
        }
        report.unexpected = names.filter { key in
            key.hasPrefix(prefix) && !used.contains(key)
                && !ignoring.contains { key.hasPrefix($0) && !prefix.hasPrefix($0) }
        }
        if strict && (!report.missing.isEmpty || !report.unexpected.isEmpty) {
            throw SafeTensorsError.keysMismatch(
                file: path, prefix: prefix, missing: report.missing, unexpected: report.unexpected)
        }
        for (t, e) in plan { copy(e, into: t.storage.pointer) }
        return report
    }
}
