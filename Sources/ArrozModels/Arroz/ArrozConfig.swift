// ArrozConfig: the Arroz Con Cosas generator's settings (seeds.md §1.1), defaults = a small pixel-space config.

/// Configuration for ``ArrozGenerator`` (`DiffusionModel(c_in, c_hidden, c_r, c_embd, down_levels, up_levels)`).
public struct ArrozConfig: Codable, Hashable, Sendable {
    /// Input/output channels: 3 for pixels, the latent channels for VQ latents.
    public var inChannels = 3
    /// Side of the square input (a multiple of 2^(levels−1)).
    public var imageSize = 32
    /// Channels of the deepest level (`c_hidden`); level i has c_hidden / 2^(levels−1−i).
    public var hidden = 128
    /// Width of the r-embedding (`c_r`).
    public var rEmbedding = 16
    /// Width of the conditioning embedding (`c_embd`; 384 for MiniLM).
    public var conditionDimension = 384
    /// ResBlocks per down level, shallow to deep (`down_levels`).
    public var downLevels = [2, 2, 2]
    /// ResBlocks per up level, deep to shallow (`up_levels`).
    public var upLevels = [2, 2, 2]
    /// Channel multiplier of the per-pixel MLP (`c_hidden` of ResBlock = 4c).
    public var mlpRatio = 4
    /// The "v5 1B+ATTN" layout (`arroz/modules_attn.py`): nil = v1. Optional so older configs decode.
    public var v5: ArrozV5Options? = nil

    public init() {}

    /// Channels per level, shallow to deep (v1: [320, 640, 1280] for c_hidden 1280 and 3 levels).
    public var levelChannels: [Int] {
        let L = downLevels.count
        return (0..<L).map { hidden >> (L - 1 - $0) }
    }

    public func validate() throws {
        guard downLevels.count == upLevels.count, !downLevels.isEmpty else {
            throw ModelConfigError.invalid("arroz: downLevels and upLevels need the same, non-zero length")
        }
        guard hidden % (1 << (downLevels.count - 1)) == 0 else {
            throw ModelConfigError.invalid("arroz: hidden \(hidden) must divide by 2^(levels−1)")
        }
        guard imageSize % (1 << (downLevels.count - 1)) == 0 else {
            throw ModelConfigError.invalid("arroz: imageSize \(imageSize) must divide by 2^(levels−1)")
        }
        guard rEmbedding % 2 == 0, rEmbedding >= 4 else {
            throw ModelConfigError.invalid("arroz: rEmbedding must be even and ≥ 4")
        }
        guard upLevels.dropFirst().allSatisfy({ $0 >= 1 }) else {
            throw ModelConfigError.invalid("arroz: every up level after the first needs a block to take the skip")
        }
        if let v5 {
            guard v5.downAttention.count == downLevels.count, v5.upAttention.count == upLevels.count else {
                throw ModelConfigError.invalid("arroz v5: down_attn and up_attn need one list per level")
            }
            guard v5.heads >= 1, levelChannels.allSatisfy({ $0 % v5.heads == 0 }) else {
                throw ModelConfigError.invalid("arroz v5: every level's channels must divide by \(v5.heads) heads")
            }
        }
    }
}

/// What makes an Arroz generator "v5 1B+ATTN" (seeds.md §1.1): up levels start with their ConvT (the skip
/// enters the first ResBlock after it), one `clf.i` head per up level summed after bilinear resizing, and
/// `Attention2D` in place of the depthwise conv in the listed blocks.
public struct ArrozV5Options: Codable, Hashable, Sendable {
    /// Per down level, the indices (among that level's ResBlocks) of attention blocks (`down_attn`).
    public var downAttention: [[Int]]
    /// Per up level, likewise (`up_attn`).
    public var upAttention: [[Int]]
    /// Heads of every attention block (the seed's `Attention2D` default, 8).
    public var heads: Int

    public init(downAttention: [[Int]], upAttention: [[Int]], heads: Int = 8) {
        (self.downAttention, self.upAttention, self.heads) = (downAttention, upAttention, heads)
    }

    /// The seed's defaults for 4 levels: `down_attn=[[], [0], range(4, 8, 2), range(16, 32, 2)]`,
    /// `up_attn=[range(1, 16, 2), range(1, 4, 2), [1], []]`.
    public static var seed: ArrozV5Options {
        ArrozV5Options(
            downAttention: [[], [0], [4, 6], Array(stride(from: 16, to: 32, by: 2))],
            upAttention: [Array(stride(from: 1, to: 16, by: 2)), [1, 3], [1], []])
    }
}
