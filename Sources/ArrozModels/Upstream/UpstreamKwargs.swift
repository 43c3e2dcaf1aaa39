// UpstreamKwargs: reads an upstream constructor's kwargs by name, with its defaults, naming every bad argument.
import ArrozNN
import ArrozTensor

/// The kwargs of one upstream constructor call: typed getters that fall back to the upstream default and
/// throw `UpstreamError` naming the argument and what it must be; unknown names are rejected up front.
public struct UpstreamKwargs {
    public let className: String
    public let values: [String: UpstreamValue]

    /// Checks that every name in `values` is one of `known` (the constructor's parameters).
    public init(_ className: String, _ values: [String: UpstreamValue], known: [String]) throws {
        for name in values.keys.sorted() where !known.contains(name) {
            throw UpstreamError.unknownKwarg(class: className, name: name, known: known)
        }
        self.className = className
        self.values = values
    }

    /// A positive integer (or ≥ `minimum`).
    public func int(_ name: String, _ defaultValue: Int, minimum: Int = 1) throws -> Int {
        guard let v = values[name], v != .null else { return defaultValue }
        guard case .int(let i) = v, i >= minimum else {
            throw UpstreamError.badKwarg(class: className, name: name, expected: "an integer ≥ \(minimum)")
        }
        return i
    }

    /// A finite number (integers accepted).
    public func double(_ name: String, _ defaultValue: Double, positive: Bool = false) throws -> Double {
        guard let v = values[name], v != .null else { return defaultValue }
        let d: Double
        switch v {
        case .int(let i): d = Double(i)
        case .double(let x): d = x
        default: throw UpstreamError.badKwarg(class: className, name: name, expected: "a number")
        }
        guard d.isFinite, !positive || d > 0 else {
            throw UpstreamError.badKwarg(
                class: className, name: name, expected: positive ? "a finite number > 0" : "a finite number")
        }
        return d
    }

    /// A non-empty list of integers ≥ `minimum`.
    public func ints(_ name: String, _ defaultValue: [Int], minimum: Int = 1) throws -> [Int] {
        guard let v = values[name], v != .null else { return defaultValue }
        let bad = UpstreamError.badKwarg(
            class: className, name: name, expected: "a non-empty list of integers ≥ \(minimum)")
        guard case .array(let a) = v, !a.isEmpty else { throw bad }
        return try a.map { e -> Int in
            guard case .int(let i) = e, i >= minimum else { throw bad }
            return i
        }
    }

    /// A list of lists of integers ≥ 0 (Python ranges given as lists), e.g. attention block indices.
    public func intLists(_ name: String, _ defaultValue: [[Int]]) throws -> [[Int]] {
        guard let v = values[name], v != .null else { return defaultValue }
        let bad = UpstreamError.badKwarg(
            class: className, name: name, expected: "a list of lists of block indices (integers ≥ 0)")
        guard case .array(let a) = v else { throw bad }
        return try a.map { inner -> [Int] in
            guard case .array(let b) = inner else { throw bad }
            return try b.map { e -> Int in
                guard case .int(let i) = e, i >= 0 else { throw bad }
                return i
            }
        }
    }
}

extension UpstreamValue {
    /// `[Int]` as a JSON list.
    public static func ints(_ a: [Int]) -> UpstreamValue { .array(a.map { .int($0) }) }
}

/// Input checks shared by the upstream classes' `callUpstream`.
public enum UpstreamInputs {
    /// The tensor `name` of `inputs`, of rank `rank`, with the listed axes fixed (`[1: 4]` = 4 channels).
    public static func require(
        _ inputs: [String: Tensor], _ name: String, method: String, rank: Int, fixed: [Int: Int] = [:],
        describe: String
    ) throws -> Tensor {
        guard let t = inputs[name] else {
            throw UpstreamError.missingInput(method: method, name: name, expected: describe)
        }
        guard t.rank == rank, fixed.allSatisfy({ t.shape[$0.key] == $0.value }), t.shape.allSatisfy({ $0 > 0 })
        else { throw UpstreamError.badInput(method: method, name: name, shape: t.shape, expected: describe) }
        return t
    }

    /// Checks that `t`'s values are whole numbers in 0..<upper (token indices).
    public static func requireIndices(_ t: Tensor, _ name: String, method: String, upper: Int) throws {
        for v in t.data where !(v >= 0 && v < Float(upper) && v == v.rounded()) {
            throw UpstreamError.badInput(
                method: method, name: name, shape: t.shape,
                expected: "whole-number indices in 0..<\(upper) (found \(v))")
        }
    }

    /// Throws unless `method` is one of `known`.
    public static func requireMethod(_ method: String, of className: String, known: [String]) throws {
        guard known.contains(method) else {
            throw UpstreamError.unknownMethod(class: className, name: method, known: known)
        }
    }
}
