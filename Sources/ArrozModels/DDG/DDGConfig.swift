// DDGConfig: the constructor arguments of cclddg's `UNet` and `Discriminator` (johnowhitaker/cclddg
// `cclddg/core.py`), under their upstream names and defaults, plus the two extensions we need.

/// `UNet(image_channels, n_channels, ch_mults, is_attn, n_blocks, use_z, z_dim, n_z_channels, use_cloob,
/// n_cloob_channels, n_time_channels, denom_factor)`; the `Discriminator` takes the same minus the z ones.
/// JSON keys are the upstream names.
///
/// Three arguments are ours, each defaulting to the seed's behaviour:
/// - `cloob_dim` (512): the CLOOB input width, hard-coded 512 upstream (ours: MiniLM 384, or a VQ image
///   embedding).
/// - `fix_attention_softmax` (false): the labml attention takes its softmax over the *query* axis (seeds.md
///   §7.5); true normalises over the keys, as attention should.
/// - `n_groups` (32): the GroupNorm groups of every Residual/Attention block (hard-coded 32 upstream). With 32
///   groups a 32-channel block normalises each channel alone, which erases the per-channel conditioning bias
///   `cond_emb` adds before `norm2`: at n_channels = 32 the first level ignores t, c and z. 8 keeps them.
public struct DDGConfig: Codable, Hashable, Sendable {
    public var imageChannels = 3
    /// `n_channels`: width of `image_proj`; levels widen by the *cumulative* products of `ch_mults`.
    public var nChannels = 64
    public var chMults = [1, 2, 2, 4]
    /// `is_attn` per level (0/1).
    public var isAttn = [0, 0, 1, 1]
    public var nBlocks = 2
    /// `use_z` (UNet only): the GAN latent joins the conditioning.
    public var useZ = true
    public var zDim = 8
    public var nZChannels = 16
    public var useCloob = true
    public var nCloobChannels = 256
    /// `n_time_channels`: accepted and ignored, as upstream (always 4·n_channels).
    public var nTimeChannels = -1
    /// `denom_factor` of the time sinusoid (100).
    public var denomFactor = 100
    /// Ours: the CLOOB input width (512 upstream, hard-coded).
    public var cloobDim = 512
    /// Ours: softmax over keys instead of the seed's query axis.
    public var fixAttentionSoftmax = false
    /// Ours: GroupNorm groups in the blocks (32 upstream; the final norm stays GroupNorm(8, n)).
    public var nGroups = 32

    enum CodingKeys: String, CodingKey {
        case imageChannels = "image_channels", nChannels = "n_channels", chMults = "ch_mults", isAttn =
            "is_attn"
        case nBlocks = "n_blocks", useZ = "use_z", zDim = "z_dim", nZChannels = "n_z_channels"
        case useCloob = "use_cloob", nCloobChannels = "n_cloob_channels", nTimeChannels = "n_time_channels"
        case denomFactor = "denom_factor", cloobDim = "cloob_dim"
        case fixAttentionSoftmax = "fix_attention_softmax", nGroups = "n_groups"
    }

    public init() {}

    /// Width of the time embedding (4·n_channels).
    public var timeChannels: Int { 4 * nChannels }

    /// seeds.md §6 generator: `UNet(image_channels=4, n_channels=32, ch_mults=(1,2,2), is_attn=(0,0,1),
    /// n_blocks=1, z_dim=8, n_z_channels=16, n_cloob_channels=64)` on 8²×4 latents; `cloob_dim` 384 (MiniLM).
    public static var smallGenerator: DDGConfig {
        var c = DDGConfig()
        c.imageChannels = 4
        c.nChannels = 32
        c.chMults = [1, 2, 2]
        c.isAttn = [0, 0, 1]
        c.nBlocks = 1
        c.nCloobChannels = 64
        c.cloobDim = 384
        return c
    }

    /// seeds.md §6 discriminator: `Discriminator(image_channels=8, n_channels=32, ch_mults=(1,2,2),
    /// is_attn=(0,0,1), n_blocks=1)` on x_t ⊕ x_{t−1}; the generator's CLOOB settings.
    public static var smallDiscriminator: DDGConfig {
        var c = smallGenerator
        c.imageChannels = 8
        return c
    }

    /// The channel width of each level (running products of `ch_mults`).
    public var levelWidths: [Int] {
        var w = nChannels
        return chMults.map { m in
            w *= m
            return w
        }
    }

    public func validate() throws {
        func fail(_ s: String) -> ModelConfigError { .invalid("cclddg: \(s)") }
        guard !chMults.isEmpty, isAttn.count == chMults.count else {
            throw fail("ch_mults and is_attn need one entry per level")
        }
        guard imageChannels > 0, nChannels > 0, nBlocks > 0, chMults.allSatisfy({ $0 > 0 }) else {
            throw fail("image_channels, n_channels, n_blocks and ch_mults must be positive")
        }
        guard nGroups > 0, nChannels % nGroups == 0, nChannels % 8 == 0 else {
            throw fail("n_channels \(nChannels) must be a multiple of 8 and of n_groups \(nGroups)")
        }
        guard nChannels >= 16 else { throw fail("n_channels must be at least 16 (the sinusoid is n/2 wide)") }
        guard zDim > 0, nZChannels > 0, nCloobChannels > 0, cloobDim > 0, denomFactor > 0 else {
            throw fail("z_dim, n_z_channels, n_cloob_channels, cloob_dim and denom_factor must be positive")
        }
    }

    /// The spatial size must divide by 2^(levels−1).
    public var sizeMultiple: Int { 1 << (chMults.count - 1) }
}
