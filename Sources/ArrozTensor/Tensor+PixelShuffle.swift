// Tensor+PixelShuffle: depth-to-space and space-to-depth (torch.nn.PixelShuffle / PixelUnshuffle).

extension Tensor {
    // MARK: - pixelShuffle
    // y[n, c, h·r + i, w·r + j] = x[n, c·r² + i·r + j, h, w]
    // = reshape [N, C, r, r, H, W] → permute (0, 1, 4, 2, 5, 3) → reshape [N, C, H·r, W·r]; the gradient is
    //   the inverse permutation, recorded by the reshape and permute ops.

    /// `[*, C·r², H, W]` → `[*, C, H·r, W·r]`, PyTorch's pixel_shuffle channel order.
    public func pixelShuffle(_ r: Int) -> Tensor {
        precondition(
            rank >= 3 && r > 0, "pixelShuffle: need [*, C·r², H, W] and r > 0, got \(shape), r = \(r)")
        let (c, h, w) = (shape[rank - 3], shape[rank - 2], shape[rank - 1])
        precondition(
            c % (r * r) == 0, "pixelShuffle: channels \(c) of \(shape) not divisible by r² = \(r * r)")
        let lead = Array(shape[..<(rank - 3)])
        let n = lead.reduce(1, *), co = c / (r * r)
        let y = reshaped([n, co, r, r, h, w]).permuted([0, 1, 4, 2, 5, 3])  // [N, C, H, r, W, r]
        return y.reshaped(lead + [co, h * r, w * r])
    }

    // MARK: - pixelUnshuffle
    // y[n, c·r² + i·r + j, h, w] = x[n, c, h·r + i, w·r + j]   (the inverse of pixelShuffle)

    /// `[*, C, H·r, W·r]` → `[*, C·r², H, W]`, PyTorch's pixel_unshuffle channel order.
    public func pixelUnshuffle(_ r: Int) -> Tensor {
        precondition(rank >= 3 && r > 0, "pixelUnshuffle: need [*, C, H·r, W·r] and r > 0, got \(shape)")
        let (c, hr, wr) = (shape[rank - 3], shape[rank - 2], shape[rank - 1])
        precondition(
            hr % r == 0 && wr % r == 0, "pixelUnshuffle: spatial size of \(shape) not divisible by r = \(r)")
        let lead = Array(shape[..<(rank - 3)])
        let n = lead.reduce(1, *), (h, w) = (hr / r, wr / r)
        let y = reshaped([n, c, h, r, w, r]).permuted([0, 1, 3, 5, 2, 4])  // [N, C, r, r, H, W]
        return y.reshaped(lead + [c * r * r, h, w])
    }
}
