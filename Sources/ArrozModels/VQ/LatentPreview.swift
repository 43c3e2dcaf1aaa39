// LatentPreview: a cheap per-step preview of latents — a linear latent → RGB map fitted by least squares (what
// ComfyUI's latent2rgb factors are), and a code → mean-RGB table for token models.
import ArrozTensor
import Foundation

/// rgb = W·z + b per latent pixel, W `[3, C]`, b `[3]`, fitted to an autoencoder's own (latent, image) pairs.
/// Stored in checkpoints as `latent2rgb.weight` / `latent2rgb.bias` (our names; no upstream counterpart).
public struct LatentToRGB: Codable, Hashable, Sendable {
    public var weight: [Float]  // [3, C] row-major
    public var bias: [Float]  // [3]
    public var channels: Int { weight.count / 3 }

    public init(weight: [Float], bias: [Float]) {
        precondition(weight.count % 3 == 0 && bias.count == 3, "LatentToRGB: weight [3, C], bias [3]")
        (self.weight, self.bias) = (weight, bias)
    }

    /// Least squares over every latent pixel: `latents` `[N, C, h, w]`, `images` `[N, 3, H, W]` (H = f·h; each
    /// image is average-pooled to h × w first). Solves the (C+1)² normal equations in Double with a tiny ridge.
    public static func fit(latents: Tensor, images: Tensor, ridge: Double = 1e-6) -> LatentToRGB {
        precondition(latents.rank == 4 && images.rank == 4 && latents.shape[0] == images.shape[0]
                     && images.shape[1] == 3, "LatentToRGB.fit: latents \(latents.shape), images \(images.shape)")
        let (N, C, h, w) = latents.shape4
        let f = images.shape[2] / h
        precondition(images.shape[2] == f * h && images.shape[3] == f * w,
                     "LatentToRGB.fit: image side must be a multiple of the latent side")
        let target = f > 1 ? withNoGrad { avgPool2d(images, kernel: f) } : images   // [N, 3, h, w]
        let D = C + 1
        var ata = [Double](repeating: 0, count: D * D), atb = [Double](repeating: 0, count: D * 3)
        let z = latents.data, t = target.data
        var row = [Double](repeating: 1, count: D)
        for n in 0..<N {
            for p in 0..<(h * w) {
                for c in 0..<C { row[c] = Double(z[(n * C + c) * h * w + p]) }
                row[C] = 1
                for i in 0..<D {
                    for j in 0..<D { ata[i * D + j] += row[i] * row[j] }
                    for k in 0..<3 { atb[i * 3 + k] += row[i] * Double(t[(n * 3 + k) * h * w + p]) }
                }
            }
        }
        withExtendedLifetime(target) {}  // t points into target's storage
        for i in 0..<D { ata[i * D + i] += ridge * Double(N * h * w) }
        let x = solve(ata, atb, n: D, rhs: 3)                                   // [D, 3]
        var weight = [Float](repeating: 0, count: 3 * C)
        for k in 0..<3 { for c in 0..<C { weight[k * C + c] = Float(x[c * 3 + k]) } }
        return LatentToRGB(weight: weight, bias: (0..<3).map { Float(x[C * 3 + $0]) })
    }

    /// `z` `[N, C, h, w]` → RGB `[N, 3, h, w]` (in the images' range), one small matrix multiply.
    public func callAsFunction(_ z: Tensor) -> Tensor {
        precondition(z.rank == 4 && z.shape[1] == channels, "LatentToRGB: z \(z.shape), expected \(channels) channels")
        let w = Tensor(weight, shape: [3, channels, 1, 1])
        return withNoGrad { conv2d(z, weight: w, bias: Tensor(bias, shape: [3])) }
    }

    /// Gaussian elimination with partial pivoting: A `[n, n]` · X = B `[n, rhs]`.
    static func solve(_ a: [Double], _ b: [Double], n: Int, rhs: Int) -> [Double] {
        var a = a, b = b
        for col in 0..<n {
            var piv = col
            for r in (col + 1)..<max(col + 1, n) where abs(a[r * n + col]) > abs(a[piv * n + col]) { piv = r }
            if piv != col {
                for j in 0..<n { a.swapAt(col * n + j, piv * n + j) }
                for j in 0..<rhs { b.swapAt(col * rhs + j, piv * rhs + j) }
            }
            let d = a[col * n + col]
            guard abs(d) > 1e-300 else { continue }
            for r in 0..<n where r != col {
                let m = a[r * n + col] / d
                if m == 0 { continue }
                for j in 0..<n { a[r * n + j] -= m * a[col * n + j] }
                for j in 0..<rhs { b[r * rhs + j] -= m * b[col * rhs + j] }
            }
        }
        var x = [Double](repeating: 0, count: n * rhs)
        for i in 0..<n where abs(a[i * n + i]) > 1e-300 {
            for j in 0..<rhs { x[i * rhs + j] = b[i * rhs + j] / a[i * n + i] }
        }
        return x
    }
}

/// For token models: the mean RGB of the image patch each code covers, `[K, 3]`; unseen codes get the
/// overall mean.
public struct CodeToRGB: Codable, Hashable, Sendable {
    public var table: [Float]  // [K, 3]

    public init(table: [Float]) {
        precondition(table.count % 3 == 0, "CodeToRGB: table [K, 3]")
        self.table = table
    }

    /// `indices` `[N, h, w]`, `images` `[N, 3, H, W]` (pooled to h × w).
    public static func fit(indices: Tensor, images: Tensor, codebookSize K: Int) -> CodeToRGB {
        let (N, h, w) = indices.shape3
        let f = images.shape[2] / h
        let pooled = f > 1 ? withNoGrad { avgPool2d(images, kernel: f) } : images
        let t = pooled.data
        var sum = [Double](repeating: 0, count: K * 3), count = [Double](repeating: 0, count: K)
        var all = [Double](repeating: 0, count: 3)
        for n in 0..<N {
            for p in 0..<(h * w) {
                let k = Int(indices.data[n * h * w + p])
                count[k] += 1
                for c in 0..<3 {
                    let v = Double(t[(n * 3 + c) * h * w + p])
                    sum[k * 3 + c] += v
                    all[c] += v
                }
            }
        }
        withExtendedLifetime(pooled) {}  // t points into pooled's storage
        let total = Double(N * h * w)
        var table = [Float](repeating: 0, count: K * 3)
        for k in 0..<K {
            for c in 0..<3 { table[k * 3 + c] = Float(count[k] > 0 ? sum[k * 3 + c] / count[k] : all[c] / total) }
        }
        return CodeToRGB(table: table)
    }

    /// `indices` `[N, h, w]` → RGB `[N, 3, h, w]`.
    public func callAsFunction(_ indices: Tensor) -> Tensor {
        let (N, h, w) = indices.shape3
        let out = Tensor.zeros([N, 3, h, w])
        let o = out.mutableData
        for n in 0..<N {
            for p in 0..<(h * w) {
                let k = Int(indices.data[n * h * w + p])
                for c in 0..<3 { o[(n * 3 + c) * h * w + p] = table[k * 3 + c] }
            }
        }
        return out
    }
}
