// RGBImage+Tensor: pixels ↔ CHW float tensors in [-1, 1] (single images, NCHW batches, and grey).
import ArrozTensor

// Mapping (the seeds' `ToTensor()` then `Normalize(0.5, 0.5)`):
//   v = p / 127.5 − 1            p ∈ {0…255} → v ∈ [−1, 1]
//   p = round((clamp(v, −1, 1) + 1) · 127.5)

@inline(__always) func toUnit(_ p: UInt8) -> Float { Float(p) / 127.5 - 1 }

@inline(__always) func toByte(_ v: Float) -> UInt8 {
    let c = v.isNaN ? 0 : Swift.min(Swift.max(v, -1), 1)
    return UInt8(((c + 1) * 127.5).rounded())
}

extension RGBImage {
    /// Writes the image as planar CHW floats in [-1, 1] into `out`: 3·H·W values (R, G, B planes), or H·W
    /// luminance values for `channels` = 1 (ITU-R BT.601: Y = 0.299 R + 0.587 G + 0.114 B). `flipped` mirrors
    /// left-right.
    public func writeNormalized(
        to out: UnsafeMutableBufferPointer<Float>, channels: Int = 3, flipped: Bool = false
    ) {
        let (H, W) = (height, width)
        precondition(channels == 3 || channels == 1, "writeNormalized: channels \(channels) must be 3 or 1")
        precondition(
            out.count == channels * H * W, "writeNormalized: \(out.count) floats for \(channels)x\(H)x\(W)")
        pixels.withUnsafeBufferPointer { px in
            for y in 0..<H {
                for x in 0..<W {
                    let src = 3 * (y * W + (flipped ? W - 1 - x : x))
                    let dst = y * W + x
                    if channels == 1 {
                        let luma =
                            0.299 * Float(px[src]) + 0.587 * Float(px[src + 1]) + 0.114 * Float(px[src + 2])
                        out[dst] = luma / 127.5 - 1
                    } else {
                        out[dst] = toUnit(px[src])
                        out[H * W + dst] = toUnit(px[src + 1])
                        out[2 * H * W + dst] = toUnit(px[src + 2])
                    }
                }
            }
        }
    }

    /// The image as a `[3, H, W]` tensor in [-1, 1].
    public func tensor() -> Tensor {
        let t = Tensor.zeros([3, height, width])
        writeNormalized(to: t.mutableData)
        return t
    }

    /// Luminance as a `[1, H, W]` tensor in [-1, 1] (ITU-R BT.601 weights).
    public func greyTensor() -> Tensor {
        let t = Tensor.zeros([1, height, width])
        writeNormalized(to: t.mutableData, channels: 1)
        return t
    }

    /// An image from a `[3, H, W]` (colour) or `[1, H, W]` (grey) tensor in [-1, 1]; values outside are
    /// clamped.
    public init(tensor: Tensor) {
        precondition(
            tensor.rank == 3 && (tensor.shape[0] == 3 || tensor.shape[0] == 1),
            "RGBImage(tensor:): expected [3, H, W] or [1, H, W], got \(tensor.shape)")
        self.init(
            planes: tensor.data, channels: tensor.shape[0], height: tensor.shape[1], width: tensor.shape[2])
    }

    /// Builds an image from planar floats in [-1, 1]; `channels` 1 repeats the grey plane into R, G and B.
    init(planes: UnsafeBufferPointer<Float>, channels C: Int, height H: Int, width W: Int) {
        var px = [UInt8](repeating: 0, count: 3 * H * W)
        for i in 0..<(H * W) {
            for c in 0..<3 { px[3 * i + c] = toByte(planes[(C == 1 ? 0 : c) * H * W + i]) }
        }
        self.init(width: W, height: H, pixels: px)
    }

    /// Stacks same-sized images into a `[N, C, H, W]` tensor in [-1, 1]; `channels` 1 stores luminance.
    public static func batch(_ images: [RGBImage], channels C: Int = 3) -> Tensor {
        precondition(!images.isEmpty, "RGBImage.batch: no images")
        let (H, W) = (images[0].height, images[0].width)
        let t = Tensor.zeros([images.count, C, H, W])
        let base = t.mutableData
        for (n, image) in images.enumerated() {
            precondition(
                image.width == W && image.height == H,
                "RGBImage.batch: image \(n) is \(image.width)x\(image.height), expected \(W)x\(H)")
            let slice = UnsafeMutableBufferPointer(rebasing: base[(n * C * H * W)..<((n + 1) * C * H * W)])
            image.writeNormalized(to: slice, channels: C)
        }
        return t
    }

    /// Splits a `[N, C, H, W]` tensor (C = 3, or 1 for grey) in [-1, 1] into images.
    public static func images(fromBatch t: Tensor) -> [RGBImage] {
        precondition(
            t.rank == 4 && (t.shape[1] == 3 || t.shape[1] == 1),
            "RGBImage.images(fromBatch:): expected [N, 3|1, H, W], got \(t.shape)")
        let (N, C, H, W) = t.shape4
        let data = t.data
        return (0..<N).map { n in
            RGBImage(
                planes: UnsafeBufferPointer(rebasing: data[(n * C * H * W)..<((n + 1) * C * H * W)]),
                channels: C, height: H, width: W)
        }
    }
}
