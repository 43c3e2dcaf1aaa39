// DDPMUNetConfig: the standard DDPM U-Net of shared/bench/unet_ref.py, with its named bench configs.

/// Configuration for ``DDPMUNet`` (`UNet(in_ch, ch, mults, nres, cond, cond_dim, heads)` in unet_ref.py).
public struct DDPMUNetConfig: Codable, Hashable, Sendable {
    /// Input/output channels (3 for pixels, 4 for latents).
    public var inChannels = 3
    /// Side of the square input.
    public var imageSize = 32
    /// Base channels `ch`; the time embedding is 4·ch wide.
    public var channels = 64
    /// Channel multipliers per level (`mults`).
    public var mults = [1, 2, 4]
    /// ResBlocks per down level (`nres`); up levels have nres + 1.
    public var resBlocks = 2
    /// Conditioning: "add" (a `condDim` embedding added to the time embedding) or "none".
    public var conditioning = "add"
    /// Width of the conditioning embedding.
    public var condDim = 512
    /// Attention heads at the lowest level and in the middle.
    public var heads = 4
    /// GroupNorm groups (32 in the reference).
    public var groups = 32

    public init() {}

    /// `pix32-add`: 3×32×32, mults 1-2-4, 15.9M parameters.
    public static var pix32Add: DDPMUNetConfig { DDPMUNetConfig() }

    /// `lat16-add`: 4×16×16 latents.
    public static var lat16Add: DDPMUNetConfig {
        var c = DDPMUNetConfig()
        c.inChannels = 4
        c.imageSize = 16
        return c
    }

    /// `pix32-small`: mults 1-2-2 (6.6M parameters).
    public static var pix32Small: DDPMUNetConfig {
        var c = DDPMUNetConfig()
        c.mults = [1, 2, 2]
        return c
    }

    public func validate() throws {
        guard channels % groups == 0, mults.allSatisfy({ (channels * $0) % groups == 0 }) else {
            throw ModelConfigError.invalid("ddpm: channels × mults must be multiples of groups (\(groups))")
        }
        guard imageSize % (1 << (mults.count - 1)) == 0 else {
            throw ModelConfigError.invalid("ddpm: imageSize \(imageSize) must divide by \(1 << (mults.count - 1))")
        }
        guard ["add", "none"].contains(conditioning) else {
            throw ModelConfigError.invalid("ddpm: conditioning must be 'add' or 'none', got '\(conditioning)'")
        }
    }
}
