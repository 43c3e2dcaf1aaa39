// Tensor+Init: zeros, ones, full, arange, linspace and the seeded random constructors.

extension Tensor {
    public static func zeros(_ shape: [Int], requiresGrad: Bool = false) -> Tensor {
        Tensor(shape: shape, repeating: 0, requiresGrad: requiresGrad)
    }

    public static func ones(_ shape: [Int], requiresGrad: Bool = false) -> Tensor {
        Tensor(shape: shape, repeating: 1, requiresGrad: requiresGrad)
    }

    public static func full(_ shape: [Int], _ value: Float) -> Tensor { Tensor(shape: shape, repeating: value) }

    public static func zeros(like t: Tensor) -> Tensor { zeros(t.shape) }

    /// `[start, start+step, …)` below `end`.
    public static func arange(_ start: Float, _ end: Float, step: Float = 1) -> Tensor {
        let n = Swift.max(0, Int(((end - start) / step).rounded(.up)))
        return Tensor((0..<n).map { start + Float($0) * step })
    }

    /// `count` evenly spaced values from `start` to `end` inclusive (numpy.linspace).
    public static func linspace(_ start: Float, _ end: Float, count: Int) -> Tensor {
        if count == 1 { return Tensor([start]) }
        return Tensor((0..<count).map { start + (end - start) * Float($0) / Float(count - 1) })
    }

    /// Standard normal values (times `std`, plus `mean`).
    public static func randn(
        _ shape: [Int], mean: Float = 0, std: Float = 1, rng: inout ArrozRandom, requiresGrad: Bool = false
    ) -> Tensor {
        let s = Storage(uninitializedCount: Shape.count(shape))
        rng.fillNormal(s.buffer, mean: mean, std: std)
        return Tensor(storage: s, shape: shape, requiresGrad: requiresGrad)
    }

    /// Uniform values in [low, high).
    public static func uniform(
        _ shape: [Int], low: Float = 0, high: Float = 1, rng: inout ArrozRandom, requiresGrad: Bool = false
    ) -> Tensor {
        let s = Storage(uninitializedCount: Shape.count(shape))
        for i in 0..<s.count { s.pointer[i] = rng.uniform(low, high) }
        return Tensor(storage: s, shape: shape, requiresGrad: requiresGrad)
    }

    /// Integers in `low..<high`, stored as floats (indices are exact below 2^24).
    public static func randint(_ shape: [Int], low: Int, high: Int, rng: inout ArrozRandom) -> Tensor {
        let s = Storage(uninitializedCount: Shape.count(shape))
        for i in 0..<s.count { s.pointer[i] = Float(rng.int(low, high)) }
        return Tensor(storage: s, shape: shape)
    }

    /// 1 with probability `p`, else 0.
    public static func bernoulli(_ shape: [Int], p: Float, rng: inout ArrozRandom) -> Tensor {
        let s = Storage(uninitializedCount: Shape.count(shape))
        for i in 0..<s.count { s.pointer[i] = rng.bernoulli(p) ? 1 : 0 }
        return Tensor(storage: s, shape: shape)
    }

    /// One categorical draw per row of `probs` `[..., K]` (rows need not be normalised); shape `[...]`.
    public static func categorical(_ probs: Tensor, rng: inout ArrozRandom) -> Tensor {
        let k = probs.shape.last ?? 1
        let rows = probs.count / Swift.max(k, 1)
        let s = Storage(uninitializedCount: rows)
        let p = probs.data
        for r in 0..<rows {
            s.pointer[r] = Float(rng.categorical(UnsafeBufferPointer(rebasing: p[(r * k)..<((r + 1) * k)])))
        }
        return Tensor(storage: s, shape: Array(probs.shape.dropLast()))
    }

    /// One Gumbel-max draw per row of `logits` `[..., K]` at `temperature`; shape `[...]`.
    public static func categorical(logits: Tensor, temperature: Float = 1, rng: inout ArrozRandom) -> Tensor {
        let k = logits.shape.last ?? 1
        let rows = logits.count / Swift.max(k, 1)
        let s = Storage(uninitializedCount: rows)
        let p = logits.data
        for r in 0..<rows {
            s.pointer[r] = Float(
                rng.categorical(
                    logits: UnsafeBufferPointer(rebasing: p[(r * k)..<((r + 1) * k)]), temperature: temperature))
        }
        return Tensor(storage: s, shape: Array(logits.shape.dropLast()))
    }
}
