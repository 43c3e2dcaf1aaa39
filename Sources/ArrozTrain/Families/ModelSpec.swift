// ModelSpec: which family a run or checkpoint belongs to and that family's own config, as stored in run.json
// (`"model": {"family": "ddpm", "ddpm": {...}, "process": "discrete"}`) and in a checkpoint's `arroz.config`.
import Foundation

/// A family name plus its config document. The run and the checkpoint code never look inside: the family named
/// by ``family`` (found through ``FamilyRegistry``) decodes its typed config from ``json``.
public struct ModelSpec: Hashable, Sendable, Codable {
    /// The `arroz.family` name (`keras`, `arroz`, `ddpm`, `vq`, …).
    public var family: String
    /// The whole config object, `family` key included (the layout `ModelConfig` has always written).
    public var json: JSONValue

    public init(family: String, json: JSONValue) {
        self.family = family
        self.json = json
    }

    /// A spec from a family's typed config (which must encode its own `family` key).
    public init<Config: Encodable>(family: String, config: Config) throws {
        self.family = family
        var j = try JSONValue(encoding: config)
        if case .object(var o) = j {
            o["family"] = .string(family)
            j = .object(o)
        }
        json = j
    }

    public init(from decoder: Decoder) throws {
        let j = try JSONValue(from: decoder)
        guard case .string(let f)? = j["family"] else {
            throw DecodingError.dataCorrupted(.init(
                codingPath: decoder.codingPath, debugDescription: "model config has no \"family\" string"))
        }
        family = f
        json = j
    }

    public func encode(to encoder: Encoder) throws { try json.encode(to: encoder) }

    /// The family's typed config.
    public func decode<T: Decodable>(_ type: T.Type) throws -> T { try json.decode(T.self) }

    /// The family that owns this spec, or an error listing the known ones.
    public func owner() throws -> any Family.Type { try FamilyRegistry.family(named: family) }

    /// Compact JSON (sorted keys) as written to `arroz.config`.
    public var text: String { json.text }
}
