// SeedKwargs: reads an upstream constructor's kwargs (`[String: UpstreamValue]`) by name and type, with the
// upstream default when absent, and rejects names the class does not take (Paella, cclddg).
import ArrozTensor

/// A typed reader over one upstream class's kwargs. Every `int`/`ints`/… call names one accepted argument;
/// `finish()` throws `unknownKwarg` for any name never asked for.
struct SeedKwargs {
    let className: String
    let values: [String: UpstreamValue]
    private(set) var known: [String] = []

    init(_ className: String, _ values: [String: UpstreamValue]) {
        self.className = className
        self.values = values
    }

    private mutating func raw(_ name: String) -> UpstreamValue? {
        known.append(name)
        guard let v = values[name], v != .null else { return nil }
        return v
    }

    private func bad(_ name: String, _ expected: String) -> UpstreamError {
        .badKwarg(class: className, name: name, expected: expected)
    }

    mutating func int(_ name: String, _ def: Int) throws -> Int {
        guard let v = raw(name) else { return def }
        switch v {
        case .int(let i): return i
        case .double(let d) where d == d.rounded(): return Int(d)
        default: throw bad(name, "an integer")
        }
    }

    mutating func double(_ name: String, _ def: Double) throws -> Double {
        guard let v = raw(name) else { return def }
        switch v {
        case .int(let i): return Double(i)
        case .double(let d): return d
        default: throw bad(name, "a number")
        }
    }

    mutating func bool(_ name: String, _ def: Bool) throws -> Bool {
        guard let v = raw(name) else { return def }
        switch v {
        case .bool(let b): return b
        case .int(let i) where i == 0 || i == 1: return i == 1
        default: throw bad(name, "true or false")
        }
    }

    /// A list of integers; booleans count as 0/1 (cclddg's `is_attn=(False, True)`).
    mutating func ints(_ name: String, _ def: [Int]) throws -> [Int] {
        guard let v = raw(name) else { return def }
        guard case .array(let a) = v else { throw bad(name, "a list of integers") }
        return try a.map {
            switch $0 {
            case .int(let i): return i
            case .bool(let b): return b ? 1 : 0
            case .double(let d) where d == d.rounded(): return Int(d)
            default: throw bad(name, "a list of integers")
            }
        }
    }

    /// A list of numbers, or one number repeated `count` times (Paella's `dropout=0.1` or `[0.1, 0, 0]`).
    mutating func doubles(_ name: String, _ def: Double, count: Int) throws -> [Double] {
        guard let v = raw(name) else { return Array(repeating: def, count: count) }
        switch v {
        case .int(let i): return Array(repeating: Double(i), count: count)
        case .double(let d): return Array(repeating: d, count: count)
        case .array(let a):
            return try a.map {
                switch $0 {
                case .int(let i): return Double(i)
                case .double(let d): return d
                default: throw bad(name, "a number or a list of numbers")
                }
            }
        default: throw bad(name, "a number or a list of numbers")
        }
    }

    mutating func strings(_ name: String, _ def: [String]) throws -> [String] {
        guard let v = raw(name) else { return def }
        guard case .array(let a) = v else { throw bad(name, "a list of strings") }
        return try a.map {
            guard case .string(let s) = $0 else { throw bad(name, "a list of strings") }
            return s
        }
    }

    /// Throws for the first kwarg no reader asked for.
    func finish() throws {
        for name in values.keys.sorted() where !known.contains(name) {
            throw UpstreamError.unknownKwarg(class: className, name: name, known: known)
        }
    }
}

/// Helpers for `callUpstream`: named inputs with shape checks.
enum SeedInputs {
    static func required(_ inputs: [String: Tensor], _ method: String, _ name: String, _ expected: String)
        throws
        -> Tensor
    {
        guard let t = inputs[name] else {
            throw UpstreamError.missingInput(method: method, name: name, expected: expected)
        }
        return t
    }

    static func check(
        _ t: Tensor, _ method: String, _ name: String, _ expected: String, _ ok: ([Int]) -> Bool
    ) throws {
        guard ok(t.shape) else {
            throw UpstreamError.badInput(method: method, name: name, shape: t.shape, expected: expected)
        }
    }

    /// Whether every value is a whole number in `0..<k` (token indices sent as floats).
    static func areIndices(_ t: Tensor, below k: Int) -> Bool {
        t.scalars.allSatisfy { $0 >= 0 && $0 < Float(k) && $0 == $0.rounded() }
    }
}
