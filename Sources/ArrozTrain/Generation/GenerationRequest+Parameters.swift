// GenerationRequest+Parameters: the PNG `parameters` text chunk — written from the request on save, parsed back
// into the same request by `sample --from` and the studio's `l`, every field included.
import ArrozDiffusion
import ArrozTensor

/// Errors reading a `parameters` text: which field, its value, what is valid.
public enum ParametersError: Error, CustomStringConvertible, Equatable {
    case missing(source: String)
    case badField(source: String, field: String, value: String, valid: String)

    public var description: String {
        switch self {
        case .missing(let s):
            "\(s) has no arroz `parameters` text chunk (hint: only PNGs saved by arroz-studio carry settings)"
        case .badField(let s, let f, let v, let valid):
            "\(s): parameter \(f) has value \"\(v)\" (\(valid))"
        }
    }
}

extension GenerationRequest {
    /// A1111-style text: line 1 prompt A, line 2 `Prompt B: …`, line 3 `Key: value, …` with `Model` last (its
    /// name may contain commas); text values that may hold commas or quotes are JSON-quoted.
    ///
    ///     a red apple
    ///     Prompt B: a green apple
    ///     Mix: 0.35, Mix mode: normAwareSlerp, Steps: 20, Sampler: ddim, CFG scale: 3.5, Seed: 42, Size: 32x32,
    ///     Eta: 0.0, Count: 1, Frames: 1, Noise mix: 0.0, Noise seed B: 43, Model hash: 9f…, Model: default · emoji
    public var parametersText: String {
        var fields = [
            "Mix: \(mix)", "Mix mode: \(mixMode.rawValue)", "Steps: \(steps)", "Sampler: \(sampler.rawValue)",
            "CFG scale: \(cfg)", "Seed: \(seed)", "Size: \(size)x\(size)", "Eta: \(eta)", "Count: \(count)",
            "Frames: \(frames)", "Noise mix: \(noiseMix)",
        ]
        if let noiseSeedB { fields.append("Noise seed B: \(noiseSeedB)") }
        if let initImage {
            fields += ["Init image: \(quoted(initImage))", "Strength: \(strength)", "Invert: \(invert)"]
        }
        if let mask { fields.append("Mask: \(quoted(mask))") }
        if let outpaint { fields.append("Outpaint: \(outpaint.map(String.init).joined(separator: ","))") }
        if let variation { fields.append("Variation: \(variation)") }
        if let variationsOf { fields.append("Variations of: \(quoted(variationsOf))") }
        if precision != .fp32 { fields.append("Precision: \(precision)") }
        if !modelHash.isEmpty { fields.append("Model hash: \(modelHash)") }
        fields.append("Model: \(model)")
        return oneLine(promptA) + "\nPrompt B: " + oneLine(promptB) + "\n" + fields.joined(separator: ", ")
    }

    /// Reads ``parametersText`` back; `source` names the file in errors. Fields missing from older PNGs take
    /// their defaults; a present field that does not parse or is out of range is an error naming it.
    public init(parametersText text: String, source: String) throws {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard lines.count >= 3, lines[1].hasPrefix("Prompt B: ") else {
            throw ParametersError.missing(source: source)
        }
        let values = parseFields(Substring(lines[2]))
        func bad(_ key: String, _ v: String, _ valid: String) -> ParametersError {
            .badField(source: source, field: key, value: v, valid: valid)
        }
        func get<T>(_ key: String, required: Bool = true, valid: String, _ parse: (String) -> T?) throws -> T? {
            guard let v = values[key] else {
                if required { throw bad(key, "", "missing; " + valid) }
                return nil
            }
            guard let x = parse(v) else { throw bad(key, v, valid) }
            return x
        }
        let float = "a number"
        let size = try get("Size", valid: "WIDTHxHEIGHT, e.g. 32x32") { s -> Int? in
            let p = s.split(separator: "x").map { Int($0) }
            guard p.count == 2, let w = p[0], let h = p[1], w == h else { return nil }
            return w
        }!
        guard let samplerName = values["Sampler"] else {
            throw bad("Sampler", "", "missing; one of \(SamplerKind.choices)")
        }
        guard let kind = SamplerKind(name: samplerName) else {
            throw bad("Sampler", samplerName, "one of \(SamplerKind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        self.init(
            promptA: lines[0], promptB: String(lines[1].dropFirst("Prompt B: ".count)),
            mix: try get("Mix", valid: float) { Float($0) }!,
            model: try get("Model", valid: "a model name or checkpoint path") { $0.isEmpty ? nil : $0 }!,
            sampler: kind,
            steps: try get("Steps", valid: "a whole number") { Int($0) }!,
            cfg: try get("CFG scale", valid: float) { Float($0) }!,
            seed: try get("Seed", valid: "a whole number from 0 to 2^64 − 1") { UInt64($0) }!,
            size: size,
            eta: try get("Eta", required: false, valid: float) { Float($0) } ?? 0)
        if let m = try get("Mix mode", required: false, valid: "one of \(InterpolationMode.allCases.map(\.rawValue).joined(separator: ", "))", {
            InterpolationMode(rawValue: $0)
        }) { mixMode = m }
        count = try get("Count", required: false, valid: "a whole number") { Int($0) } ?? 1
        frames = try get("Frames", required: false, valid: "a whole number") { Int($0) } ?? 1
        noiseMix = try get("Noise mix", required: false, valid: float) { Float($0) } ?? 0
        noiseSeedB = try get("Noise seed B", required: false, valid: "a whole number") { UInt64($0) }
        initImage = try get("Init image", required: false, valid: "a quoted path") { unquoted($0) }
        strength = try get("Strength", required: false, valid: float) { Float($0) } ?? 0.6
        variationsOf = try get("Variations of", required: false, valid: "a quoted path") { unquoted($0) }
        invert = try get("Invert", required: false, valid: "true or false") { Bool($0) } ?? false
        mask = try get("Mask", required: false, valid: "a quoted path") { unquoted($0) }
        outpaint = try get("Outpaint", required: false, valid: "left,top,right,bottom whole numbers") { s -> [Int]? in
            let p = s.split(separator: ",", omittingEmptySubsequences: false).map { Int($0) }
            return p.count == 4 && p.allSatisfy { $0 != nil } ? p.map { $0! } : nil
        }
        variation = try get("Variation", required: false, valid: float) { Float($0) }
        modelHash = values["Model hash"] ?? ""
        precision = try get("Precision", required: false, valid: "fp32 or bf16") { Precision(rawValue: $0) } ?? .fp32
        if precision == .bf16 && !Precision.bf16Available {
            throw bad(
                "Precision", "bf16",
                "bf16 products need oneDNN on a CPU with AVX512-BF16 or AMX, which this machine lacks: its pixels cannot be redrawn here")
        }
        do {
            try validate(naming: { $0.key })
        } catch let e as GenerationError {
            throw ParametersError.badField(source: source, field: e.field, value: e.value, valid: e.valid)
        }
    }
}

/// `Key: value, Key: value, …, Model: rest of line`; quoted values may contain ", ".
private func parseFields(_ line: Substring) -> [String: String] {
    var values: [String: String] = [:]
    var rest = line
    while !rest.isEmpty {
        guard let colon = rest.range(of: ": ") else { break }
        let key = String(rest[..<colon.lowerBound]).trimmingSpaces()
        var after = rest[colon.upperBound...]
        if key == "Model" {
            values[key] = String(after)
            break
        }
        if after.first == "\"", let (value, end) = scanQuoted(after) {
            values[key] = value
            after = after[end...]
            rest = after.hasPrefix(", ") ? after.dropFirst(2) : after
            continue
        }
        let end = after.range(of: ", ")
        values[key] = String(after[..<(end?.lowerBound ?? after.endIndex)])
        rest = end.map { after[$0.upperBound...] } ?? ""
    }
    return values
}

/// A JSON-style quoted string at the start of `s` (with its quotes, kept for `unquoted`) and where it ends.
private func scanQuoted(_ s: Substring) -> (String, Substring.Index)? {
    var i = s.index(after: s.startIndex)
    while i < s.endIndex {
        if s[i] == "\\" {
            i = s.index(after: i)
            if i < s.endIndex { i = s.index(after: i) }
            continue
        }
        if s[i] == "\"" {
            let end = s.index(after: i)
            return (String(s[s.startIndex..<end]), end)
        }
        i = s.index(after: i)
    }
    return nil
}

private func quoted(_ s: String) -> String {
    var out = "\""
    for ch in s {
        switch ch {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        default: out.append(ch)
        }
    }
    return out + "\""
}

private func unquoted(_ s: String) -> String? {
    guard s.count >= 2, s.first == "\"", s.last == "\"" else { return nil }
    var out = ""
    var escape = false
    for ch in s.dropFirst().dropLast() {
        if escape {
            out.append(ch == "n" ? "\n" : ch)
            escape = false
        } else if ch == "\\" {
            escape = true
        } else {
            out.append(ch)
        }
    }
    return escape ? nil : out
}

private func oneLine(_ s: String) -> String { s.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: " ") }

extension String {
    fileprivate func trimmingSpaces() -> String {
        var s = Substring(self)
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}
