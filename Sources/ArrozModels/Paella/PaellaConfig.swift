// PaellaConfig: the constructor arguments of Paella v3's `Paella` class (dome272/Paella `src/modules.py`),
// under their upstream names and defaults, plus the seeds.md §6 small config.

/// `Paella(c_in, c_out, num_labels, c_r, patch_size, c_cond, c_hidden, nhead, blocks, level_config, clip_embd,
/// byt5_embd, clip_seq_len, kernel_size, dropout, self_attn)`. Defaults are the class's own (1.0 B parameters
/// with byt5_embd 2560; the class default byt5_embd is 1536). JSON keys are the upstream names.
public struct PaellaConfig: Codable, Hashable, Sendable {
    /// `c_in`: token-embedding width (the VQ code width of the seed).
    public var cIn = 256
    /// `c_out`: width before `out_mapper`.
    public var cOut = 256
    /// `num_labels`: codebook size K (logits per token).
    public var numLabels = 8192
    /// `c_r`: width of the raw r-embedding (seeds.md §0.2, no MLP).
    public var cR = 64
    /// `patch_size`: PixelUnshuffle factor after the token embedding.
    public var patchSize = 2
    /// `c_cond`: width of the conditioning sequence.
    public var cCond = 1024
    /// `c_hidden`: channels per level.
    public var cHidden = [640, 1280, 1280]
    /// `nhead`: attention heads per level (−1 where the level has no A blocks).
    public var nhead = [-1, 16, 16]
    /// `blocks`: repetitions of `level_config[i]` per level, both sides.
    public var blocks = [6, 16, 6]
    /// `level_config`: block letters per repetition, C (ResBlock), T (TimestepBlock), A (AttnBlock),
    /// F (FeedForwardBlock).
    public var levelConfig = ["CT", "CTA", "CTA"]
    /// `clip_embd`: width of the pooled text and image embeddings (CLIP-H 1024; ours MiniLM 384).
    public var clipEmbd = 1024
    /// `byt5_embd`: width of the per-token text states (ByT5; ours MiniLM's 384).
    public var byt5Embd = 1536
    /// `clip_seq_len`: tokens each pooled embedding becomes.
    public var clipSeqLen = 4
    /// `kernel_size` of the C blocks' grouped conv.
    public var kernelSize = 3
    /// `dropout` per level (one number in the upstream call is repeated).
    public var dropout: [Double] = [0.1, 0.1, 0.1]
    /// `self_attn`: keys and values include the image tokens (fused self + cross attention).
    public var selfAttn = true

    enum CodingKeys: String, CodingKey {
        case cIn = "c_in", cOut = "c_out", numLabels = "num_labels", cR = "c_r", patchSize = "patch_size"
        case cCond = "c_cond", cHidden = "c_hidden", nhead, blocks, levelConfig = "level_config"
        case clipEmbd = "clip_embd", byt5Embd = "byt5_embd", clipSeqLen = "clip_seq_len"
        case kernelSize = "kernel_size", dropout, selfAttn = "self_attn"
    }

    public init() {}

    /// seeds.md §6: `Paella(c_in=32, c_out=32, num_labels=512, c_r=16, patch_size=1, c_cond=64,
    /// c_hidden=[64,128], nhead=[-1,4], blocks=[2,2], level_config=['CT','CTA'], clip_embd=384,
    /// clip_seq_len=2, dropout=0)` with MiniLM's 384-wide token states in the ByT5 slot.
    public static var small: PaellaConfig {
        var c = PaellaConfig()
        c.cIn = 32
        c.cOut = 32
        c.numLabels = 512
        c.cR = 16
        c.patchSize = 1
        c.cCond = 64
        c.cHidden = [64, 128]
        c.nhead = [-1, 4]
        c.blocks = [2, 2]
        c.levelConfig = ["CT", "CTA"]
        c.clipEmbd = 384
        c.byt5Embd = 384
        c.clipSeqLen = 2
        c.dropout = [0, 0]
        return c
    }

    /// Every constraint the upstream constructor and forward rely on; `ModelConfigError.invalid` names it.
    public func validate() throws {
        func fail(_ s: String) -> ModelConfigError { .invalid("paella: \(s)") }
        let L = cHidden.count
        guard L > 0, nhead.count == L, blocks.count == L, levelConfig.count == L, dropout.count == L else {
            throw fail("c_hidden, nhead, blocks, level_config and dropout need one entry per level (\(L))")
        }
        guard
            [cIn, cOut, numLabels, cR, patchSize, cCond, clipEmbd, byt5Embd, clipSeqLen].allSatisfy({ $0 > 0 }
            )
        else { throw fail("every width, num_labels, patch_size and clip_seq_len must be positive") }
        guard cR >= 4 else { throw fail("c_r must be at least 4 (the sinusoid divides by c_r/2 − 1)") }
        guard kernelSize > 0, kernelSize % 2 == 1 else {
            throw fail("kernel_size must be odd, got \(kernelSize)")
        }
        guard cHidden.allSatisfy({ $0 > 0 }), blocks.allSatisfy({ $0 > 0 }) else {
            throw fail("c_hidden and blocks must be positive")
        }
        for (i, cfg) in levelConfig.enumerated() {
            guard !cfg.isEmpty, cfg.allSatisfy({ "CTAF".contains($0) }) else {
                throw fail("level_config[\(i)] '\(cfg)' may use only C, T, A, F")
            }
            if cfg.contains("A") {
                guard nhead[i] > 0, cHidden[i] % nhead[i] == 0 else {
                    throw fail("level \(i): c_hidden \(cHidden[i]) must split into nhead \(nhead[i]) heads")
                }
            }
            if i < L - 1 {
                guard cfg.first == "C" else { throw fail("level_config[\(i)] must start with C (the skip)") }
            }
        }
        guard dropout.allSatisfy({ $0 >= 0 && $0 < 1 }) else { throw fail("dropout must be in [0, 1)") }
    }

    /// The token grid must divide by patch_size·2^(levels−1).
    public var gridMultiple: Int { patchSize << (cHidden.count - 1) }
}
