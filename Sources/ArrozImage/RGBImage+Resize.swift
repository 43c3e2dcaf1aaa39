// RGBImage+Resize: nearest, bilinear (half-pixel centres) and box/area resampling.

/// How ``RGBImage/resized(width:height:filter:)`` samples.
public enum ResizeFilter: String, Sendable, CaseIterable, Codable {
    /// Nearest neighbour (PIL `NEAREST`, PyTorch `interpolate(mode="nearest")`): src = floor(dst · in / out).
    case nearest
    /// Bilinear with half-pixel centres, no antialias (PyTorch `interpolate(mode="bilinear",
    /// align_corners=False)`): src = (dst + 0.5) · in / out − 0.5, clamped at the edges.
    case bilinear
    /// Box / area average (OpenCV `INTER_AREA`, PyTorch `adaptive_avg_pool2d` weights with fractional
    /// coverage): each output pixel averages the input area it covers. Use for downscaling.
    case area
}

extension RGBImage {
    /// The image resampled to `width` × `height`.
    public func resized(width outW: Int, height outH: Int, filter: ResizeFilter = .bilinear) -> RGBImage {
        precondition(outW > 0 && outH > 0, "resized: target \(outW)x\(outH) must be positive")
        if outW == width && outH == height { return self }
        if filter == .nearest { return nearest(width: outW, height: outH) }
        // Separable: each axis is a list of (source index, weight) taps per output index.
        let tx = Self.taps(inCount: width, outCount: outW, filter: filter)
        let ty = Self.taps(inCount: height, outCount: outH, filter: filter)
        // Horizontal pass: [height, outW, 3] floats.
        var mid = [Float](repeating: 0, count: height * outW * 3)
        pixels.withUnsafeBufferPointer { src in
            for y in 0..<height {
                for x in 0..<outW {
                    var acc: (Float, Float, Float) = (0, 0, 0)
                    for (i, w) in tx[x] {
                        let s = 3 * (y * width + i)
                        acc.0 += w * Float(src[s])
                        acc.1 += w * Float(src[s + 1])
                        acc.2 += w * Float(src[s + 2])
                    }
                    let d = 3 * (y * outW + x)
                    mid[d] = acc.0
                    mid[d + 1] = acc.1
                    mid[d + 2] = acc.2
                }
            }
        }
        // Vertical pass.
        var out = [UInt8](repeating: 0, count: outH * outW * 3)
        for y in 0..<outH {
            for x in 0..<outW {
                for c in 0..<3 {
                    var acc: Float = 0
                    for (i, w) in ty[y] { acc += w * mid[3 * (i * outW + x) + c] }
                    out[3 * (y * outW + x) + c] = UInt8(Swift.min(Swift.max(acc.rounded(), 0), 255))
                }
            }
        }
        return RGBImage(width: outW, height: outH, pixels: out)
    }

    /// Nearest neighbour as a gather (one tap of weight 1 per axis: the separable passes would give the same
    /// bytes through floats).
    func nearest(width outW: Int, height outH: Int) -> RGBImage {
        let xs = Self.taps(inCount: width, outCount: outW, filter: .nearest).map { 3 * $0[0].0 }
        let ys = Self.taps(inCount: height, outCount: outH, filter: .nearest).map { $0[0].0 }
        var out = [UInt8](repeating: 0, count: outH * outW * 3)
        pixels.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                var d = 0
                for y in 0..<outH {
                    let row = 3 * ys[y] * width
                    for x in 0..<outW {
                        let s = row + xs[x]
                        dst[d] = src[s]
                        dst[d + 1] = src[s + 1]
                        dst[d + 2] = src[s + 2]
                        d += 3
                    }
                }
            }
        }
        return RGBImage(width: outW, height: outH, pixels: out)
    }

    /// Per output index, the source indices and weights (summing to 1) along one axis.
    static func taps(inCount: Int, outCount: Int, filter: ResizeFilter) -> [[(Int, Float)]] {
        let scale = Double(inCount) / Double(outCount)
        return (0..<outCount).map { o -> [(Int, Float)] in
            switch filter {
            case .nearest:
                return [(Swift.min(Int(Double(o) * scale), inCount - 1), 1)]
            case .bilinear:
                let s = Swift.max((Double(o) + 0.5) * scale - 0.5, 0)
                let i0 = Swift.min(Int(s), inCount - 1)
                let i1 = Swift.min(i0 + 1, inCount - 1)
                let f = Float(s - Double(i0))
                if i0 == i1 { return [(i0, Float(1))] }
                return [(i0, 1 - f), (i1, f)]
            case .area:
                // Output o covers source interval [o·scale, (o+1)·scale); weight = overlap / scale.
                // When upscaling (scale < 1) this is nearest-like with blending at pixel boundaries.
                let lo = Double(o) * scale, hi = Double(o + 1) * scale
                var taps: [(Int, Float)] = []
                var i = Int(lo)
                while Double(i) < hi && i < inCount {
                    let overlap = Swift.min(hi, Double(i + 1)) - Swift.max(lo, Double(i))
                    if overlap > 1e-9 { taps.append((i, Float(overlap / scale))) }
                    i += 1
                }
                return taps
            }
        }
    }
}
