// SampleRequest+Parameters: the PNG `parameters` text chunk — written on save, read back to reproduce.

/// Errors reading a `parameters` text.
public enum ParametersError: Error, CustomStringConvertible, Equatable {
    case missing(source: String)
    case badField(source: String, field: String, value: String)

    public var description: String {
        switch self {
        case .missing(let s):
            "\(s) has no arroz `parameters` text chunk (hint: only PNGs saved by arroz-studio carry settings)"
        case .badField(let s, let f, let v):
            "\(s): parameter \(f) has value \"\(v)\" (hint: fix or remove the field)"
        }
    }
}

extension SampleRequest {
    /// A1111-style text: line 1 prompt A, line 2 `Prompt B: …`, line 3 `Key: value, …`.
    ///
    ///     a red apple
    ///     Prompt B: a green apple
    ///     Mix: 0.35, Steps: 20, Sampler: ddim, CFG scale: 3.5, Seed: 42, Size: 32x32, Eta: 0.0, Model: toy
    public var parametersText: String {
        let fields = [
            "Mix: \(mix)", "Steps: \(steps)", "Sampler: \(sampler)", "CFG scale: \(cfg)", "Seed: \(seed)",
            "Size: \(width)x\(height)", "Eta: \(eta)", "Model: \(model)",
        ]
        return oneLine(promptA) + "\nPrompt B: " + oneLine(promptB) + "\n" + fields.joined(separator: ", ")
    }

    /// Reads ``parametersText`` back. Unknown keys are ignored; `Model` is last so it may contain commas.
    public init(parametersText text: String, source: String) throws {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard lines.count >= 3, lines[1].hasPrefix("Prompt B: ") else {
            throw ParametersError.missing(source: source)
        }
        var values: [String: String] = [:]
        var rest = Substring(lines[2])
        while !rest.isEmpty {
            guard let colon = rest.range(of: ": ") else { break }
            let key = String(rest[..<colon.lowerBound]).trimmingCharactersSpaces()
            let after = rest[colon.upperBound...]
            if key == "Model" {
                values[key] = String(after)
                break
            }
            let end = after.range(of: ", ")
            values[key] = String(after[..<(end?.lowerBound ?? after.endIndex)])
            rest = end.map { after[$0.upperBound...] } ?? ""
        }
        func get<T>(_ key: String, _ parse: (String) -> T?) throws -> T {
            guard let v = values[key] else {
                throw ParametersError.badField(source: source, field: key, value: "")
            }
            guard let x = parse(v) else {
                throw ParametersError.badField(source: source, field: key, value: v)
            }
            return x
        }
        let size = try get("Size") { s -> (Int, Int)? in
            let p = s.split(separator: "x").compactMap { Int($0) }
            return p.count == 2 ? (p[0], p[1]) : nil
        }
        self.init(
            promptA: lines[0], promptB: String(lines[1].dropFirst("Prompt B: ".count)),
            mix: try get("Mix") { Float($0) }, model: try get("Model") { $0 },
            sampler: try get("Sampler") { $0 },
            steps: try get("Steps") { Int($0) }, cfg: try get("CFG scale") { Float($0) },
            seed: try get("Seed") { UInt64($0) }, width: size.0, height: size.1,
            eta: try get("Eta") { Float($0) })
    }
}

private func oneLine(_ s: String) -> String { s.replacingOccurrences(of: "\n", with: " ") }

extension String {
    fileprivate func trimmingCharactersSpaces() -> String {
        var s = Substring(self)
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }

    fileprivate func replacingOccurrences(of target: String, with replacement: String) -> String {
        split(separator: Character(target), omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
