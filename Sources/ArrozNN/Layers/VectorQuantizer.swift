// VectorQuantizer: VQ-VAE codebook — nearest-code lookup, straight-through gradient, VQ + commitment losses,
// EMA codebook with Laplace smoothing, dead-code restarts and per-epoch usage counting.
import ArrozTensor
import Foundation

/// The choices of a ``VectorQuantizer``. The defaults are the seeds' quantiser (`VectorQuantize` of
/// pabloppp/pytorch-tools `torchtools/nn/vq.py` = Arroz's `arroz/vq.py`): no EMA (Paella v3's VQGAN learns
/// its codebook through the VQ loss); Arroz's VQModel sets `ema`.
public struct VQOptions: Codable, Hashable, Sendable {
    /// EMA codebook (`ema_loss=True`): buffers `ema_element_count` `[K]` (init 1) and `ema_weight_sum`
    /// `[K, d]` (init 0); the codebook then gets no gradient.
    public var ema = false
    /// EMA decay (`ema_decay`, 0.99).
    public var decay: Float = 0.99
    /// Laplace smoothing of the EMA counts (1e-5 in the seed).
    public var laplaceEpsilon: Float = 1e-5
    /// Commitment weight β of ``VQResult/loss`` (0.25, as Paella's `vq_loss + 0.25·commit_loss`).
    public var beta: Float = 0.25
    /// Normalise encoder vectors and codes to unit length before the lookup (ViT-VQGAN's l2 codes);
    /// an extension, off in the seeds.
    public var l2Normalized = false
    /// Look codes up in a lower dimension d < D through `in_proj` (D → d) and `out_proj` (d → D) Linears
    /// (ViT-VQGAN's factorised codes); nil = the seeds' lookup in the input's own dimension.
    public var codeDimension: Int? = nil
    /// In training, codes whose EMA count (or, without EMA, whose use in this batch) falls below this are
    /// restarted from random vectors of the batch (Jukebox-style); nil = never (the seeds).
    public var deadCodeThreshold: Float? = nil

    public init() {}
}

/// What one quantiser call produced. `z` is the vector compared with the codebook (after `in_proj` and
/// normalisation), `[M, d]`.
public struct VQResult {
    /// The quantised vectors `[M, D]` (codebook rows, through `out_proj` when factorised); gradients flow
    /// straight through to the encoder.
    public var quantized: Tensor
    /// The chosen code per row.
    public var indices: [Int]
    /// ‖sg(z) − e‖² (mean): trains the codebook when there is no EMA.
    public var vqLoss: Tensor
    /// ‖z − sg(e)‖² (mean): keeps the encoder near its codes.
    public var commitLoss: Tensor
    /// `vqLoss + β·commitLoss` (Paella's `encode` loss; with EMA the codebook part carries no gradient).
    public var loss: Tensor
}

/// The seeds' `VectorQuantize(embedding_size, k, ema_decay, ema_loss)` on rows `[M, D]`, plus options.
///
/// Parameters and buffers (state_dict order): `codebook.weight` `[K, d]` (U(±1/K)), then with EMA
/// `ema_element_count` `[K]`, `ema_weight_sum` `[K, d]`; with factorised codes `in_proj.*`, `out_proj.*`.
///
/// A training call (EMA on) looks codes up with the codebook as it was, updates the EMA and the codebook
/// (`updateEMA`), optionally restarts dead codes, and computes the losses against the updated codebook — the
/// seed's order ("pick the graded embeddings after updating the codebook").
public final class VectorQuantizer: Layer {
    public let codebookSize: Int
    public let inputDimension: Int
    /// d: the dimension codes live in (`codeDimension ?? inputDimension`).
    public let dimension: Int
    public let options: VQOptions
    public let codebook: Tensor
    public let emaElementCount: Tensor?
    public let emaWeightSum: Tensor?
    public let inProj: Linear?
    public let outProj: Linear?
    /// How often each code was chosen since the last ``resetUsage()`` (every call counts, train or eval).
    public private(set) var usage: [Int]
    /// Whether calls add to ``usage``.
    public var countsUsage = true
    /// Draws the rows dead codes restart from, in the overload without an explicit generator.
    public var generator: ArrozRandom
    public var isTraining = true

    public init(_ dimension: Int, codebookSize k: Int, options: VQOptions = VQOptions(), rng: inout ArrozRandom) {
        precondition(dimension > 0 && k > 0, "VectorQuantizer: dimension \(dimension), codebook size \(k)")
        if let d = options.codeDimension { precondition(d > 0, "VectorQuantizer: code dimension \(d)") }
        codebookSize = k
        inputDimension = dimension
        self.options = options
        let d = options.codeDimension ?? dimension
        self.dimension = d
        codebook = Tensor.uniform([k, d], low: -1 / Float(k), high: 1 / Float(k), rng: &rng)
        codebook.requiresGrad = !options.ema
        emaElementCount = options.ema ? Tensor.ones([k]) : nil
        emaWeightSum = options.ema ? Tensor.zeros([k, d]) : nil
        if let cd = options.codeDimension {
            inProj = Linear(dimension, cd, rng: &rng)
            outProj = Linear(cd, dimension, rng: &rng)
        } else {
            inProj = nil
            outProj = nil
        }
        usage = [Int](repeating: 0, count: k)
        generator = ArrozRandom(seed: rng.next())
    }

    public func visitOwnTensors(_ visit: (String, Tensor) -> Void) {
        visit("codebook.weight", codebook)
        if let emaElementCount { visit("ema_element_count", emaElementCount) }
        if let emaWeightSum { visit("ema_weight_sum", emaWeightSum) }
    }

    public func visitChildren(_ visit: (String, any Layer) -> Void) {
        if let inProj { visit("in_proj", inProj) }
        if let outProj { visit("out_proj", outProj) }
    }

    /// The codebook as the lookup sees it (unit rows with `l2Normalized`), differentiable.
    public func effectiveCodebook() -> Tensor { options.l2Normalized ? codebook.l2Normalized() : codebook }

    /// Quantises rows `z` `[M, D]` (see the type's doc for the training order); `rng` draws restart rows.
    public func callAsFunction(_ x: Tensor, rng: inout ArrozRandom) -> VQResult {
        precondition(x.rank == 2 && x.shape[1] == inputDimension,
                     "VectorQuantizer(\(inputDimension)): got x\(x.shape), expected [M, \(inputDimension)]")
        var z = inProj.map { $0(x) } ?? x                                      // [M, d]
        if options.l2Normalized { z = z.l2Normalized() }
        let lookupBook = withNoGrad { effectiveCodebook() }                      // [K, d]
        let indices = nearestCodes(z, codebook: lookupBook)
        if countsUsage { for i in indices { usage[i] += 1 } }
        let ids = Tensor(indices.map(Float.init), shape: [indices.count])
        let zq = withNoGrad { embedding(indices: ids, weight: lookupBook) }      // [M, d], pre-update values
        if isTraining {
            let zd = z.detached()
            if options.ema { updateEMA(zd, indices: indices) }
            if options.deadCodeThreshold != nil { restartDeadCodes(from: zd, indices: indices, rng: &rng) }
        }
        let graded = embedding(indices: ids, weight: effectiveCodebook())       // [M, d], post-update
        let vqLoss = mseLoss(graded, z.detached())
        let commitLoss = mseLoss(z, graded.detached())
        var q = straightThrough(z, quantized: zq)                               // [M, d]
        if let outProj { q = outProj(q) }                                        // [M, D]
        return VQResult(quantized: q, indices: indices, vqLoss: vqLoss, commitLoss: commitLoss,
                        loss: vqLoss + options.beta * commitLoss)
    }

    /// As above, drawing restart rows from the layer's own ``generator``.
    public func callAsFunction(_ x: Tensor) -> VQResult {
        var g = generator
        defer { generator = g }
        return self(x, rng: &g)
    }

    /// Quantises `x` `[N, C, H, W]` along channels (the seed's `dim=1`): results `[N, C, H, W]`, indices in
    /// N·H·W order (`indices.view(N, H, W)`).
    public func quantizeChannels(_ x: Tensor, rng: inout ArrozRandom) -> VQResult {
        precondition(x.rank == 4, "VectorQuantizer.quantizeChannels: x \(x.shape) must be [N, C, H, W]")
        let (N, C, H, W) = x.shape4
        let rows = x.permuted([0, 2, 3, 1]).reshaped([N * H * W, C])          // [NHW, C]
        var r = self(rows, rng: &rng)
        r.quantized = r.quantized.reshaped([N, H, W, C]).permuted([0, 3, 1, 2])  // [N, C, H, W]
        return r
    }

    public func quantizeChannels(_ x: Tensor) -> VQResult {
        var g = generator
        defer { generator = g }
        return quantizeChannels(x, rng: &g)
    }

    /// The seed's `idx2vq`: codes for `indices` (any shape, whole numbers as Float) → `indices.shape + [D]`;
    /// with `channelsAxis1` and 3-D indices `[N, H, W]` → `[N, D, H, W]` (`dim=1`).
    public func lookup(_ indices: Tensor, channelsAxis1: Bool = false) -> Tensor {
        var e = embedding(indices: indices, weight: effectiveCodebook())       // [..., d]
        if let outProj { e = outProj(e) }
        guard channelsAxis1 else { return e }
        precondition(indices.rank == 3, "VectorQuantizer.lookup: channelsAxis1 needs [N, H, W] indices")
        return e.permuted([0, 3, 1, 2])
    }

    // MARK: - EMA
    // n_k ← λ·n_k + (1−λ)·#{m : i_m = k}                 s_k ← λ·s_k + (1−λ)·Σ_{i_m = k} z_m
    // n ← (n + ε) / (Σn + K·ε) · Σn   (Laplace)           e_k ← s_k / n_k

    /// One EMA step of the codebook from the (detached) vectors `z` `[M, d]` and their codes — the seed's
    /// `_updateEMA`. Needs `options.ema`.
    public func updateEMA(_ z: Tensor, indices: [Int]) {
        guard let count = emaElementCount, let sum = emaWeightSum else {
            preconditionFailure("VectorQuantizer.updateEMA: built without options.ema")
        }
        precondition(z.rank == 2 && z.shape == [indices.count, dimension],
                     "VectorQuantizer.updateEMA: z \(z.shape) for \(indices.count) indices of dimension \(dimension)")
        let (K, d, lam) = (codebookSize, dimension, options.decay)
        var elem = [Float](repeating: 0, count: K)
        var wsum = [Float](repeating: 0, count: K * d)
        let zp = z.storage.pointer
        for (m, k) in indices.enumerated() {
            elem[k] += 1
            for j in 0..<d { wsum[k * d + j] += zp[m * d + j] }
        }
        let n = count.mutableData, s = sum.mutableData, e = codebook.mutableData
        var total: Float = 0
        for k in 0..<K {
            n[k] = lam * n[k] + (1 - lam) * elem[k]
            total += n[k]
        }
        let eps = options.laplaceEpsilon
        for k in 0..<K { n[k] = (n[k] + eps) / (total + Float(K) * eps) * total }
        for i in 0..<(K * d) { s[i] = lam * s[i] + (1 - lam) * wsum[i] }
        for k in 0..<K {
            for j in 0..<d { e[k * d + j] = s[k * d + j] / n[k] }
        }
    }

    // MARK: - dead codes
    // dead = {k : n_k < threshold} (EMA) or {k : not chosen in this batch} (no EMA, threshold ≥ 1 use)
    // for each dead k: r ~ U{0..M−1}; e_k ← z_r; with EMA n_k ← 1, s_k ← z_r

    /// Restarts codes below `options.deadCodeThreshold` from random rows of `z` `[M, d]`; returns how many.
    /// With EMA the test is the smoothed count; without, the code's use in this batch.
    @discardableResult
    public func restartDeadCodes(from z: Tensor, indices: [Int], rng: inout ArrozRandom) -> Int {
        guard let threshold = options.deadCodeThreshold, z.shape[0] > 0 else { return 0 }
        let (K, d, M) = (codebookSize, dimension, z.shape[0])
        var used = [Float](repeating: 0, count: K)
        if let count = emaElementCount { for k in 0..<K { used[k] = count.data[k] } }
        else { for k in indices { used[k] += 1 } }
        let zp = z.storage.pointer, e = codebook.mutableData
        var restarted = 0
        for k in 0..<K where used[k] < threshold {
            let r = Int(rng.next() % UInt64(M))
            for j in 0..<d { e[k * d + j] = zp[r * d + j] }
            if let count = emaElementCount, let sum = emaWeightSum {
                count.mutableData[k] = 1
                for j in 0..<d { sum.mutableData[k * d + j] = zp[r * d + j] }
            }
            restarted += 1
        }
        return restarted
    }

    // MARK: - usage

    /// Forgets the counts (call at the start of an epoch).
    public func resetUsage() { usage = [Int](repeating: 0, count: codebookSize) }

    /// The fraction of codes chosen at least once since the last ``resetUsage()``.
    public var usedFraction: Float {
        Float(usage.filter { $0 > 0 }.count) / Float(codebookSize)
    }

    /// exp(entropy) of the code histogram of `indices` (batch perplexity; K when all codes are equally used).
    public static func perplexity(_ indices: [Int], codebookSize: Int) -> Float {
        guard !indices.isEmpty else { return 0 }
        var h = [Float](repeating: 0, count: codebookSize)
        for i in indices { h[i] += 1 }
        var ent: Float = 0
        for c in h where c > 0 {
            let p = c / Float(indices.count)
            ent -= p * Float(log(Double(p)))
        }
        return Float(exp(Double(ent)))
    }
}

