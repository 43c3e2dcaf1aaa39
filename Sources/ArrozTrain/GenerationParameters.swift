// GenerationParameters: the `parameters` text chunk of every PNG we write, and its parser (`sample --from`).
import Foundation

/// Everything that reproduces an image. Serialized as one JSON object, as other tools keep one
/// `parameters` line in their PNGs.
public struct GenerationParameters: Codable, Equatable, Sendable {
    public var checkpoint: String
    public var checkpointHash: String = ""
    public var prompts: [String]
    public var n = 1
    public var sampler = ""
    public var steps = 0
    public var cfg: Float = -1
    public var eta: Float = 0
    public var seed: UInt64 = 0
    public var ema = true
    public var family = ""

    public init(checkpoint: String, prompts: [String]) {
        self.checkpoint = checkpoint
        self.prompts = prompts
    }

    public init(parsing text: String) throws {
        do {
            self = try JSONDecoder().decode(GenerationParameters.self, from: Data(text.utf8))
        } catch {
            throw TrainError.badSetting("the PNG's parameters are not arroz-studio's (\(error))")
        }
    }

    /// Fills unset sampler settings from the model's run (or the family defaults).
    public mutating func fillDefaults(_ model: LoadedModel) {
        let s = model.info.run?.sampling
        if sampler.isEmpty { sampler = s?.sampler ?? model.generator.defaultSampler }
        if steps <= 0 { steps = s?.steps ?? 20 }
        if cfg < 0 { cfg = s?.cfg ?? 3 }
        family = model.info.family.rawValue
    }

    /// The JSON line stored in the PNG.
    public var text: String {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? String(decoding: enc.encode(self), as: UTF8.self)) ?? "{}"
    }
}
