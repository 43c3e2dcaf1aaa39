// Tensor+Conv: conv2d and convTranspose2d (PyTorch semantics), both through `ConvBackends.current`.

// MARK: - conv2d
// y = conv(x, W) + b          (sums written out in ConvBackend.swift)
// dx = backend.backwardInput(dy, W),  dW = backend.backwardWeight(x, dy),  db[co] = Σ_{n,oy,ox}
// dy[n,co,oy,ox]

/// `torch.nn.functional.conv2d`: `x` `[N, Cin, H, W]`, `weight` `[Cout, Cin/groups, kh, kw]`, `bias` `[Cout]`
/// → `[N, Cout, Ho, Wo]`. Square stride and symmetric padding.
public func conv2d(
    _ x: Tensor, weight: Tensor, bias: Tensor? = nil, stride: Int = 1, padding: Int = 0, groups: Int = 1
) -> Tensor {
    conv2d(
        x, weight: weight, bias: bias, stride: (stride, stride),
        padding: (top: padding, bottom: padding, left: padding, right: padding), groups: groups)
}

/// conv2d with per-axis stride `(sh, sw)` and padding `(ph, pw)` (PyTorch's tuple arguments).
public func conv2d(
    _ x: Tensor, weight: Tensor, bias: Tensor? = nil, stride: (Int, Int), padding: (Int, Int), groups: Int = 1
) -> Tensor {
    conv2d(
        x, weight: weight, bias: bias, stride: stride,
        padding: (top: padding.0, bottom: padding.0, left: padding.1, right: padding.1), groups: groups)
}

/// conv2d with asymmetric zero padding per side (what `F.pad(x, (l, r, t, b))` followed by conv2d computes,
/// without materialising the padded input).
public func conv2d(
    _ x: Tensor, weight: Tensor, bias: Tensor? = nil, stride: (Int, Int),
    padding: (top: Int, bottom: Int, left: Int, right: Int), groups: Int = 1
) -> Tensor {
    precondition(
        x.rank == 4 && weight.rank == 4, "conv2d: x \(x.shape) and weight \(weight.shape) must be rank 4")
    let (N, C, H, W) = x.shape4
    let (Cout, cig, kh, kw) = weight.shape4
    precondition(
        cig * groups == C,
        "conv2d: x \(x.shape) has \(C) channels, weight \(weight.shape) × groups \(groups) "
            + "expects \(cig * groups)")
    if let bias {
        precondition(bias.shape == [Cout], "conv2d: bias \(bias.shape) for weight \(weight.shape)")
    }
    let geo = ConvGeometry(
        batch: N, inChannels: C, inHeight: H, inWidth: W, outChannels: Cout, kernelHeight: kh,
        kernelWidth: kw,
        strideH: stride.0, strideW: stride.1, padTop: padding.top, padBottom: padding.bottom,
        padLeft: padding.left, padRight: padding.right, groups: groups)
    let backend = ConvBackends.forCurrentPrecision
    let out = Storage(uninitializedCount: geo.outputCount)
    backend.forward(
        geo, input: x.storage.pointer, weight: weight.storage.pointer, bias: bias?.storage.pointer,
        output: out.pointer)
    let inputs = bias.map { [x, weight, $0] } ?? [x, weight]
    return Tensor.result("conv2d", shape: geo.outputShape, storage: out, inputs: inputs) { g in
        let dy = UnsafePointer(g.storage.pointer)
        x.writeGrad { dx, acc in
            backend.backwardInput(
                geo, gradOutput: dy, weight: weight.storage.pointer, gradInput: dx,
                accumulate: acc)
        }
        weight.writeGrad { dw, acc in
            backend.backwardWeight(
                geo, input: x.storage.pointer, gradOutput: dy, gradWeight: dw, accumulate: acc)
        }
        bias?.writeGrad { db, acc in
            channelSums(dy, batch: N, channels: Cout, plane: geo.outPlane, into: db, accumulate: acc)
        }
    }
}

// MARK: - convTranspose2d
// convTranspose2d is the adjoint of conv2d with the same weight: y = backwardInput(x) of the conv that maps
// y-shaped images [N, Cout, Hy, Wy] to x-shaped ones [N, Cin, H, W]. So
//   y  = convᵀ(x, W) + b                Hy = (H − 1)·s − 2p + kh + output_padding
//   dx = conv(dy, W)                    (that conv's forward)
//   dW = backwardWeight(input: dy, gradOutput: x)
// The weight layout [Cin, Cout/groups, kh, kw] is exactly that conv's [out, in/groups, kh, kw]: no permute.

/// `torch.nn.functional.conv_transpose2d`: `x` `[N, Cin, H, W]`, `weight` `[Cin, Cout/groups, kh, kw]`,
/// `bias` `[Cout]` → `[N, Cout, Hy, Wy]`, `Hy = (H − 1)·stride − 2·padding + kh + outputPadding`.
public func convTranspose2d(
    _ x: Tensor, weight: Tensor, bias: Tensor? = nil, stride: Int = 1, padding: Int = 0,
    outputPadding: Int = 0, groups: Int = 1
) -> Tensor {
    convTranspose2d(
        x, weight: weight, bias: bias, stride: (stride, stride), padding: (padding, padding),
        outputPadding: (outputPadding, outputPadding), groups: groups)
}

/// convTranspose2d with per-axis stride, padding and output padding.
public func convTranspose2d(
    _ x: Tensor, weight: Tensor, bias: Tensor? = nil, stride: (Int, Int), padding: (Int, Int),
    outputPadding: (Int, Int) = (0, 0), groups: Int = 1
) -> Tensor {
    precondition(
        x.rank == 4 && weight.rank == 4,
        "convTranspose2d: x \(x.shape) and weight \(weight.shape) must be rank 4")
    let (N, Cin, H, W) = x.shape4
    let (wIn, coutg, kh, kw) = weight.shape4
    precondition(
        wIn == Cin, "convTranspose2d: x \(x.shape) has \(Cin) channels, weight \(weight.shape) \(wIn)")
    precondition(
        Cin % groups == 0, "convTranspose2d: groups \(groups) must divide in channels \(Cin) (x \(x.shape))")
    precondition(
        outputPadding.0 >= 0 && outputPadding.1 >= 0
            && (outputPadding.0 < stride.0 || outputPadding.0 == 0)
            && (outputPadding.1 < stride.1 || outputPadding.1 == 0),
        "convTranspose2d: output padding \(outputPadding) must be smaller than stride \(stride)")
    let Cout = coutg * groups
    if let bias {
        precondition(bias.shape == [Cout], "convTranspose2d: bias \(bias.shape) for weight \(weight.shape)")
    }
    let Hy = (H - 1) * stride.0 - 2 * padding.0 + kh + outputPadding.0
    let Wy = (W - 1) * stride.1 - 2 * padding.1 + kw + outputPadding.1
    precondition(
        Hy > 0 && Wy > 0, "convTranspose2d: x \(x.shape), weight \(weight.shape) give output \(Hy)x\(Wy)")
    // The conv whose input gradient this is: y-shaped in, x-shaped out.
    let geo = ConvGeometry(
        batch: N, inChannels: Cout, inHeight: Hy, inWidth: Wy, outChannels: Cin, kernelHeight: kh,
        kernelWidth: kw,
        strideH: stride.0, strideW: stride.1, padTop: padding.0, padBottom: padding.0,
        padLeft: padding.1, padRight: padding.1, groups: groups)
    precondition(geo.outHeight == H && geo.outWidth == W, "convTranspose2d: inconsistent geometry \(geo)")
    let backend = ConvBackends.forCurrentPrecision
    let out = Storage(uninitializedCount: geo.inputCount)
    backend.backwardInput(
        geo, gradOutput: x.storage.pointer, weight: weight.storage.pointer, gradInput: out.pointer,
        accumulate: false)
    if let bias {
        addChannelBias(out.pointer, bias: bias.storage.pointer, batch: N, channels: Cout, plane: Hy * Wy)
    }
    let inputs = bias.map { [x, weight, $0] } ?? [x, weight]
    return Tensor.result("convTranspose2d", shape: geo.inputShape, storage: out, inputs: inputs) { g in
        let dy = UnsafePointer(g.storage.pointer)
        x.writeGrad { dx, acc in
            if acc {
                Scratch.with(geo.outputCount) { tmp in
                    backend.forward(geo, input: dy, weight: weight.storage.pointer, bias: nil, output: tmp)
                    for i in 0..<geo.outputCount { dx[i] += tmp[i] }
                }
            } else {
                backend.forward(geo, input: dy, weight: weight.storage.pointer, bias: nil, output: dx)
            }
        }
        weight.writeGrad { dw, acc in
            backend.backwardWeight(
                geo, input: dy, gradOutput: x.storage.pointer, gradWeight: dw, accumulate: acc)
        }
        bias?.writeGrad { db, acc in
            channelSums(dy, batch: N, channels: Cout, plane: Hy * Wy, into: db, accumulate: acc)
        }
    }
}

// MARK: - helpers

extension Tensor {
    /// Gives `body` this tensor's gradient buffer and whether to add into it (`true`) or overwrite it
    /// (`false`,
    /// on first touch: the fresh buffer is left uninitialised, saving a zero fill). No-op without
    /// requiresGrad.
    func writeGrad(_ body: (UnsafeMutablePointer<Float>, Bool) -> Void) {
        guard requiresGrad else { return }
        if let g = grad {
            body(g.storage.pointer, true)
        } else {
            let g = Tensor(storage: Storage(uninitializedCount: count), shape: shape)
            body(g.storage.pointer, false)
            grad = g
        }
    }
}

/// db[c] (+)= Σ_{n, i} dy[n, c, i] over an `[N, C, plane]` buffer.
func channelSums(
    _ dy: UnsafePointer<Float>, batch: Int, channels: Int, plane: Int, into db: UnsafeMutablePointer<Float>,
    accumulate: Bool
) {
    parallelFor(channels, grain: max(1, 16384 / max(batch * plane, 1))) { range in
        for c in range {
            var total: Double = 0
            for n in 0..<batch {
                let row = dy + (n * channels + c) * plane
                var acc: Float = 0
                for i in 0..<plane { acc += row[i] }
                total += Double(acc)
            }
            db[c] = (accumulate ? db[c] : 0) + Float(total)
        }
    }
}
