// Normalization layers: LayerNorm, LayerNorm2d, GroupNorm and GRN, thin wrappers over the fused ops.
import ArrozTensor

/// `torch.nn.LayerNorm(D, eps, elementwise_affine, bias)` over the last axis.
///
/// Parameters (state_dict names): `weight` `[D]` (init 1), `bias` `[D]` (init 0); absent without affine.
public final class LayerNorm: UnaryLayer {
    public let dim: Int
    public let eps: Float
    public let weight: Tensor?
    public let bias: Tensor?
    public var isTraining = true

    public init(_ dim: Int, eps: Float = 1e-5, elementwiseAffine: Bool = true, bias: Bool = true) {
        precondition(dim > 0, "LayerNorm: bad width \(dim)")
        self.dim = dim
        self.eps = eps
        weight = elementwiseAffine ? Tensor.ones([dim], requiresGrad: true) : nil
        self.bias = elementwiseAffine && bias ? Tensor.zeros([dim], requiresGrad: true) : nil
    }

    public func visitOwnTensors(_ visit: (String, Tensor) -> Void) {
        if let weight { visit("weight", weight) }
        if let bias { visit("bias", bias) }
    }

    /// `x` `[..., D]` → same shape.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        precondition(x.shape.last == dim, "LayerNorm(\(dim)): got x\(x.shape)")
        return layerNorm(x, weight: weight, bias: bias, eps: eps)
    }
}

/// Arroz-Con-Cosas / Paella `LayerNorm2d`: an `nn.LayerNorm(C)` over the channels at each pixel of NCHW input
/// (PyTorch permutes to NHWC and back; the fused op does not).
///
/// Parameters: `weight`, `bias` `[C]` as `nn.LayerNorm`'s; Paella builds it with `elementwise_affine=False,
/// eps=1e-6`.
public final class LayerNorm2d: UnaryLayer {
    public let channels: Int
    public let eps: Float
    public let weight: Tensor?
    public let bias: Tensor?
    public var isTraining = true

    public init(_ channels: Int, eps: Float = 1e-5, elementwiseAffine: Bool = true) {
        precondition(channels > 0, "LayerNorm2d: bad channel count \(channels)")
        self.channels = channels
        self.eps = eps
        weight = elementwiseAffine ? Tensor.ones([channels], requiresGrad: true) : nil
        bias = elementwiseAffine ? Tensor.zeros([channels], requiresGrad: true) : nil
    }

    public func visitOwnTensors(_ visit: (String, Tensor) -> Void) {
        if let weight { visit("weight", weight) }
        if let bias { visit("bias", bias) }
    }

    /// `x` `[N, C, H, W]` → same shape.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        precondition(x.rank >= 2 && x.shape[1] == channels, "LayerNorm2d(\(channels)): got x\(x.shape)")
        return layerNorm2d(x, weight: weight, bias: bias, eps: eps)
    }
}

/// `torch.nn.GroupNorm(numGroups, numChannels, eps, affine)` over `[N, C, *]`.
///
/// Parameters: `weight` `[C]` (init 1), `bias` `[C]` (init 0); absent without affine.
public final class GroupNorm: UnaryLayer {
    public let groups: Int
    public let channels: Int
    public let eps: Float
    public let weight: Tensor?
    public let bias: Tensor?
    public var isTraining = true

    public init(_ groups: Int, _ channels: Int, eps: Float = 1e-5, affine: Bool = true) {
        precondition(
            groups > 0 && channels % groups == 0,
            "GroupNorm: \(channels) channels do not split into \(groups) groups")
        self.groups = groups
        self.channels = channels
        self.eps = eps
        weight = affine ? Tensor.ones([channels], requiresGrad: true) : nil
        bias = affine ? Tensor.zeros([channels], requiresGrad: true) : nil
    }

    public func visitOwnTensors(_ visit: (String, Tensor) -> Void) {
        if let weight { visit("weight", weight) }
        if let bias { visit("bias", bias) }
    }

    /// `x` `[N, C, ...]` → same shape.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        groupNorm(checked(x), groups: groups, weight: weight, bias: bias, eps: eps)
    }

    /// `silu(self(x))` as one fused op (`groupNormSiLU`): the norm-then-activation of a U-Net ResBlock.
    public func normalizedSiLU(_ x: Tensor) -> Tensor {
        groupNormSiLU(checked(x), groups: groups, weight: weight, bias: bias, eps: eps)
    }

    /// `x`, after checking it is `[N, channels, ...]`.
    private func checked(_ x: Tensor) -> Tensor {
        precondition(
            x.rank >= 2 && x.shape[1] == channels, "GroupNorm(\(groups), \(channels)): got x\(x.shape)")
        return x
    }
}

/// Global response normalisation, Paella v3's `GlobalResponseNorm` (from ConvNeXt-V2).
///
/// Paella applies it to channels-last activations between its per-pixel Linears, so `channelsLast`
/// defaults to true and the parameters keep the checkpoint's shape. Parameters: `gamma`, `beta`, both
/// zero-initialised, shaped `[1, 1, 1, C]` (channels last, as Paella's state_dict) or `[1, C, 1, 1]` (NCHW).
public final class GRN: UnaryLayer {
    public let channels: Int
    public let channelsLast: Bool
    public let gamma: Tensor
    public let beta: Tensor
    public var isTraining = true

    public init(_ channels: Int, channelsLast: Bool = true) {
        precondition(channels > 0, "GRN: bad channel count \(channels)")
        self.channels = channels
        self.channelsLast = channelsLast
        let shape = channelsLast ? [1, 1, 1, channels] : [1, channels, 1, 1]
        gamma = Tensor.zeros(shape, requiresGrad: true)
        beta = Tensor.zeros(shape, requiresGrad: true)
    }

    public func visitOwnTensors(_ visit: (String, Tensor) -> Void) {
        visit("gamma", gamma)
        visit("beta", beta)
    }

    /// `x` `[N, H, W, C]` (channels last) or `[N, C, H, W]` → same shape.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        let c = channelsLast ? x.shape.last : (x.rank > 1 ? x.shape[1] : nil)
        precondition(
            x.rank >= 3 && c == channels,
            "GRN(\(channels), channelsLast: \(channelsLast)): got x\(x.shape)")
        return grn(x, gamma: gamma, beta: beta, channelsLast: channelsLast)
    }
}
