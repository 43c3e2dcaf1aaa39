// Tensor+Resample: avgPool2d, nearest and bilinear upsampling on NCHW (PyTorch semantics), forward +
// backward.

// MARK: - avgPool2d
// y[n,c,oy,ox] = (1 / kh·kw) Σ_{ky,kx} x[n,c, oy·s−p+ky, ox·s−p+kx]   (padding counts as zeros:
// count_include_pad)
// dx[n,c,iy,ix] += dy[n,c,oy,ox] / (kh·kw) for every window (oy,ox) that covers (iy,ix)

/// `torch.nn.functional.avg_pool2d(x, kernel, stride, padding)` with `count_include_pad=True`,
/// `ceil_mode=False`. `stride` defaults to `kernel`.
public func avgPool2d(_ x: Tensor, kernel: Int, stride: Int? = nil, padding: Int = 0) -> Tensor {
    precondition(x.rank == 4, "avgPool2d: x \(x.shape) must be [N, C, H, W]")
    precondition(
        kernel > 0 && padding >= 0 && 2 * padding <= kernel,
        "avgPool2d: kernel \(kernel), padding \(padding) (padding must be at most half the kernel)")
    let s = stride ?? kernel
    let (N, C, H, W) = x.shape4
    // Pooling is a depthwise conv with a constant weight 1/k², so it reuses the direct kernel's geometry.
    let geo = ConvGeometry(
        batch: N, inChannels: C, inHeight: H, inWidth: W, outChannels: C, kernelHeight: kernel,
        kernelWidth: kernel,
        strideH: s, strideW: s, padTop: padding, padBottom: padding, padLeft: padding, padRight: padding,
        groups: C)
    let w = Storage(count: C * kernel * kernel, repeating: 1 / Float(kernel * kernel))
    let out = Storage(uninitializedCount: geo.outputCount)
    DirectConv.forward(geo, input: x.storage.pointer, weight: w.pointer, bias: nil, output: out.pointer)
    return Tensor.result("avgPool2d", shape: geo.outputShape, storage: out, inputs: [x]) { g in
        x.writeGrad { dx, acc in
            DirectConv.backwardInput(
                geo, gradOutput: g.storage.pointer, weight: w.pointer, gradInput: dx,
                accumulate: acc)
        }
    }
}

// MARK: - nearest upsampling
// y[n,c,oy,ox] = x[n,c, src_h(oy), src_w(ox)]      dx[n,c,iy,ix] = Σ_{oy,ox : src = (iy,ix)} dy[n,c,oy,ox]

/// `F.interpolate(x, scale_factor=scale, mode="nearest")`: every pixel repeated `scale`×`scale` times.
public func upsampleNearest(_ x: Tensor, scale: Int) -> Tensor {
    precondition(x.rank == 4 && scale > 0, "upsampleNearest: x \(x.shape) scale \(scale)")
    let (_, _, H, W) = x.shape4
    return resample(
        x, name: "upsampleNearest",
        table: (
            ResampleAxis(nearestFrom: H, to: H * scale, scale: 1 / Float(scale)),
            ResampleAxis(nearestFrom: W, to: W * scale, scale: 1 / Float(scale))
        ))
}

/// `F.interpolate(x, size=size, mode="nearest")`: source index `min(⌊dst · in/out⌋, in − 1)` per axis.
public func upsampleNearest(_ x: Tensor, size: (Int, Int)) -> Tensor {
    precondition(x.rank == 4 && size.0 > 0 && size.1 > 0, "upsampleNearest: x \(x.shape) size \(size)")
    let (_, _, H, W) = x.shape4
    return resample(
        x, name: "upsampleNearest",
        table: (
            ResampleAxis(nearestFrom: H, to: size.0, scale: Float(H) / Float(size.0)),
            ResampleAxis(nearestFrom: W, to: size.1, scale: Float(W) / Float(size.1))
        ))
}

// MARK: - bilinear upsampling
// src = max((dst + ½)·in/out − ½, 0),  i0 = ⌊src⌋,  i1 = min(i0 + 1, in − 1),  λ = src − i0
// y = (1−λh)(1−λw)·x[i0,j0] + (1−λh)λw·x[i0,j1] + λh(1−λw)·x[i1,j0] + λhλw·x[i1,j1];  dx gets the same
// weights.

/// `F.interpolate(x, size=size, mode="bilinear", align_corners=False)` (also fine for downsizing, without
/// antialiasing, as PyTorch does).
public func upsampleBilinear(_ x: Tensor, size: (Int, Int)) -> Tensor {
    precondition(x.rank == 4 && size.0 > 0 && size.1 > 0, "upsampleBilinear: x \(x.shape) size \(size)")
    let (_, _, H, W) = x.shape4
    return resample(
        x, name: "upsampleBilinear",
        table: (
            ResampleAxis(bilinearFrom: H, to: size.0), ResampleAxis(bilinearFrom: W, to: size.1)
        ))
}

/// Per output index along one axis: two source indices and their weights (nearest uses one with weight 1).
struct ResampleAxis {
    var i0: [Int] = [], i1: [Int] = [], w0: [Float] = [], w1: [Float] = []
    var count: Int { i0.count }

    /// PyTorch `nearest_neighbor_compute_source_index`: min(⌊dst·scale⌋, in − 1), computed in Float.
    init(nearestFrom input: Int, to output: Int, scale: Float) {
        for d in 0..<output {
            let s = min(Int((Float(d) * scale).rounded(.down)), input - 1)
            i0.append(s); i1.append(s); w0.append(1); w1.append(0)
        }
    }

    /// PyTorch `area_pixel_compute_source_index` (align_corners=False) and the upsample_bilinear2d lambdas.
    init(bilinearFrom input: Int, to output: Int) {
        let scale = Float(input) / Float(output)
        for d in 0..<output {
            let src = max(scale * (Float(d) + 0.5) - 0.5, 0)
            let lo = Int(src)
            let hi = lo < input - 1 ? lo + 1 : lo
            let l1 = src - Float(lo)
            i0.append(lo); i1.append(hi); w0.append(1 - l1); w1.append(l1)
        }
    }
}

/// Separable resampling of every plane with per-axis tables, forward and adjoint.
func resample(_ x: Tensor, name: String, table: (ResampleAxis, ResampleAxis)) -> Tensor {
    let (N, C, H, W) = x.shape4
    let (rows, cols) = table
    let (Ho, Wo) = (rows.count, cols.count)
    let out = Storage(uninitializedCount: N * C * Ho * Wo)
    let src = x.storage.pointer, dst = out.pointer
    parallelFor(N * C, grain: max(1, 8192 / max(Ho * Wo, 1))) { range in
        for p in range {
            let xp = src + p * H * W, yp = dst + p * Ho * Wo
            for oy in 0..<Ho {
                let r0 = xp + rows.i0[oy] * W, r1 = xp + rows.i1[oy] * W
                let (a0, a1) = (rows.w0[oy], rows.w1[oy])
                for ox in 0..<Wo {
                    let (c0, c1, b0, b1) = (cols.i0[ox], cols.i1[ox], cols.w0[ox], cols.w1[ox])
                    yp[oy * Wo + ox] = a0 * (b0 * r0[c0] + b1 * r0[c1]) + a1 * (b0 * r1[c0] + b1 * r1[c1])
                }
            }
        }
    }
    return Tensor.result(name, shape: [N, C, Ho, Wo], storage: out, inputs: [x]) { g in
        let gp = g.storage.pointer
        x.writeGrad { dx, acc in
            parallelFor(N * C, grain: max(1, 8192 / max(Ho * Wo, 1))) { range in
                for p in range {
                    let d = dx + p * H * W, gy = gp + p * Ho * Wo
                    if !acc { d.update(repeating: 0, count: H * W) }
                    for oy in 0..<Ho {
                        let r0 = d + rows.i0[oy] * W, r1 = d + rows.i1[oy] * W
                        let (a0, a1) = (rows.w0[oy], rows.w1[oy])
                        for ox in 0..<Wo {
                            let v = gy[oy * Wo + ox]
                            let (c0, c1, b0, b1) = (cols.i0[ox], cols.i1[ox], cols.w0[ox], cols.w1[ox])
                            r0[c0] += a0 * b0 * v
                            r0[c1] += a0 * b1 * v
                            r1[c0] += a1 * b0 * v
                            r1[c1] += a1 * b1 * v
                        }
                    }
                }
            }
        }
    }
}
