// UpstreamModel: a network built like one of the seeds' PyTorch classes — its constructor kwargs by their
// upstream names, its state_dict names, and its methods callable on named tensors (import, forward, export).
import ArrozNN
import ArrozTensor

/// A JSON value as an upstream constructor takes it (`{"c_hidden": 128, "levels": [1, 2], ...}`).
public enum UpstreamValue: Hashable, Sendable, Codable {
    case int(Int)
    case double(Double)
    case bool(Bool)
    case string(String)
    case array([UpstreamValue])
    case null

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let i = try? c.decode(Int.self) { self = .int(i) }
        else if let d = try? c.decode(Double.self) { self = .double(d) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else { self = .array(try c.decode([UpstreamValue].self)) }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .int(let i): try c.encode(i)
        case .double(let d): try c.encode(d)
        case .bool(let b): try c.encode(b)
        case .string(let s): try c.encode(s)
        case .array(let a): try c.encode(a)
        case .null: try c.encodeNil()
        }
    }
}

/// What went wrong building or calling an upstream class; each case names the argument and the valid values.
public enum UpstreamError: Error, CustomStringConvertible, Equatable {
    case unknownClass(String, known: [String])
    case unknownKwarg(class: String, name: String, known: [String])
    case badKwarg(class: String, name: String, expected: String)
    case unknownMethod(class: String, name: String, known: [String])
    case missingInput(method: String, name: String, expected: String)
    case badInput(method: String, name: String, shape: [Int], expected: String)

    public var description: String {
        switch self {
        case .unknownClass(let c, let known):
            "unknown upstream class '\(c)' (known: \(known.joined(separator: ", ")))"
        case .unknownKwarg(let c, let n, let known):
            "\(c): unknown constructor argument '\(n)' (known: \(known.joined(separator: ", ")))"
        case .badKwarg(let c, let n, let e): "\(c): constructor argument '\(n)' must be \(e)"
        case .unknownMethod(let c, let n, let known):
            "\(c): no method '\(n)' (known: \(known.joined(separator: ", ")))"
        case .missingInput(let m, let n, let e): "\(m): missing input tensor '\(n)' (\(e))"
        case .badInput(let m, let n, let s, let e): "\(m): input '\(n)' has shape \(s), expected \(e)"
        }
    }
}

/// One named output of an upstream call: `out`, or `out.0`, `out.1.0` for (nested) tuples. Integer outputs
/// (token indices) are written as I64.
public struct UpstreamOutput {
    public var name: String
    public var tensor: Tensor
    public var isInteger: Bool
    public init(_ name: String, _ tensor: Tensor, isInteger: Bool = false) {
        (self.name, self.tensor, self.isInteger) = (name, tensor, isInteger)
    }
}

/// A network that mirrors an upstream PyTorch class (`arroz.VQModel`, `paella.Paella`, `cclddg.UNet`, …):
/// built from that class's constructor kwargs (missing ones take the upstream defaults), with parameters under
/// its state_dict names, so `load_state_dict(strict=True)` works both ways.
public protocol UpstreamModel: Layer {
    /// The class as the CLI names it, `module.Class`.
    static var upstreamClass: String { get }
    /// The methods `callUpstream` accepts (`forward`, `encode`, `decode`, `decode_indices`, …).
    static var upstreamMethods: [String] { get }
    /// Builds with fresh weights; unknown or ill-typed kwargs throw `UpstreamError`.
    init(upstreamKwargs: [String: UpstreamValue], rng: inout ArrozRandom) throws
    /// Every constructor argument that rebuilds this model, defaults included.
    var upstreamKwargs: [String: UpstreamValue] { get }
    /// Runs one method (in eval mode, no grad) on inputs named as the upstream call's arguments (`x`, `r`, `c`);
    /// integer inputs (indices) arrive as Float32 holding whole numbers.
    func callUpstream(_ method: String, _ inputs: [String: Tensor]) throws -> [UpstreamOutput]
}

/// Every upstream class arroz-studio can import, run and export. One line per class.
public enum UpstreamRegistry {
    public static let classes: [any UpstreamModel.Type] = [
        ArrozGenerator.self,
        ArrozGeneratorV5.self,
        ArrozPrior.self,
        ArrozVQModel.self,
        PaellaVQModel.self,
        Paella.self,
        DDGUNet.self,
        DDGDiscriminator.self,
        PaellaV1.self,
    ]

    public static func lookup(_ name: String) throws -> any UpstreamModel.Type {
        guard let c = classes.first(where: { $0.upstreamClass == name }) else {
            throw UpstreamError.unknownClass(name, known: classes.map { $0.upstreamClass })
        }
        return c
    }
}
