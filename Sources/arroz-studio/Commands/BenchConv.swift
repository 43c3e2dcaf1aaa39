// BenchConv: the convolution rows of `arroz-studio bench ops` — the 3×3 workhorse at three U-Net levels, then
// the other shapes diffusion models use (strided down-sampling, transposed up-sampling, 1×1, depthwise, RGB
// in).
import ArrozTensor
import Foundation

extension BenchOps {
    /// conv2d 3×3 pad 1, C → C: forward alone, then forward + input and weight gradients (3× the flops).
    func benchConv3x3(batch: Int, channels: Int, size: Int, rng: inout ArrozRandom) {
        let x = Tensor.randn([batch, channels, size, size], rng: &rng)
        let w = Tensor.randn([channels, channels, 3, 3], std: 0.05, rng: &rng)
        let flops = 2 * Double(batch * channels * size * size * channels * 9)
        let name = "conv3x3 b\(batch) \(channels)→\(channels) \(size)x\(size)"
        let tf = time { _ = withNoGrad { conv2d(x, weight: w, padding: 1) } }
        row(name + " fwd", timing: tf, work: flops)
        x.requiresGrad = true
        w.requiresGrad = true
        let ones = Tensor.ones([batch, channels, size, size])
        let tb = time {
            x.grad = nil
            w.grad = nil
            conv2d(x, weight: w, padding: 1).backward(gradient: ones)
        }
        row(name + " fwd+bwd", timing: tb, work: 3 * flops)
    }

    /// Forward and forward+backward GFLOP/s (multiply-adds × 2 of the forward; ×3 for both passes) of the
    /// convolutions that do not take the 3×3 path.
    func benchOtherConvs(rng: inout ArrozRandom) {
        typealias Op = (Tensor, Tensor) -> Tensor
        let cases: [(String, [Int], [Int], Op)] = [
            (
                "conv4x4 s2 b8 64→128 32x32", [8, 64, 32, 32], [128, 64, 4, 4],
                { conv2d($0, weight: $1, stride: 2, padding: 1) }
            ),
            (
                "convT4x4 s2 b8 128→64 16x16", [8, 128, 16, 16], [128, 64, 4, 4],
                { convTranspose2d($0, weight: $1, stride: 2, padding: 1) }
            ),
            ("conv1x1 b8 256→256 16x16", [8, 256, 16, 16], [256, 256, 1, 1], { conv2d($0, weight: $1) }),
            (
                "conv3x3 b8 3→64 32x32", [8, 3, 32, 32], [64, 3, 3, 3], { conv2d($0, weight: $1, padding: 1) }
            ),
            (
                "dwconv3x3 b8 256 16x16", [8, 256, 16, 16], [256, 1, 3, 3],
                { conv2d($0, weight: $1, padding: 1, groups: 256) }
            ),
            (
                "gconv3x3 2→1 b8 512→256 16x16", [8, 512, 16, 16], [256, 2, 3, 3],
                { conv2d($0, weight: $1, padding: 1, groups: 256) }
            ),
        ]
        for (name, xs, ws, op) in cases where wants(name) {
            let x = Tensor.randn(xs, rng: &rng), w = Tensor.randn(ws, std: 0.05, rng: &rng)
            let y = withNoGrad { op(x, w) }
            // Multiply-adds of the op: every weight tap meets every output pixel of its image once (conv), or
            // every input pixel (transposed conv).
            let pixels = name.contains("convT") ? x.count / x.shape[1] : y.count / y.shape[1]
            let flops = 2 * Double(pixels) * Double(w.count)
            let tf = time { _ = withNoGrad { op(x, w) } }
            row(name + " fwd", timing: tf, work: flops)
            x.requiresGrad = true
            w.requiresGrad = true
            let ones = Tensor.ones(y.shape)
            let tb = time {
                x.grad = nil
                w.grad = nil
                op(x, w).backward(gradient: ones)
            }
            row(name + " fwd+bwd", timing: tb, work: 3 * flops)
        }
    }
}
