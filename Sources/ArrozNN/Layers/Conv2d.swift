// Conv2d: a 2-D convolution layer (torch.nn.Conv2d, zero padding) over the conv2d op, with PyTorch's init.
import ArrozTensor

/// `torch.nn.Conv2d` with `padding_mode='zeros'` and dilation 1.
///
/// Parameters (state_dict names): `weight` `[Cout, Cin/groups, kh, kw]`, `bias` `[Cout]` (optional).
/// Initialisation matches `_ConvNd.reset_parameters`: weight U(±1/√fan_in), bias U(±1/√fan_in) with
/// fan_in = Cin/groups·kh·kw.
public final class Conv2d: UnaryLayer {
    public let inChannels: Int
    public let outChannels: Int
    public let kernelSize: (Int, Int)
    public let stride: (Int, Int)
    public let padding: (Int, Int)
    public let groups: Int
    public let weight: Tensor
    public let bias: Tensor?
    public var isTraining = true

    public init(
        _ inChannels: Int, _ outChannels: Int, kernelSize: (Int, Int), stride: (Int, Int) = (1, 1),
        padding: (Int, Int) = (0, 0), groups: Int = 1, bias: Bool = true, rng: inout ArrozRandom
    ) {
        precondition(
            groups > 0 && inChannels % groups == 0 && outChannels % groups == 0,
            "Conv2d: groups \(groups) must divide in \(inChannels) and out \(outChannels) channels")
        precondition(
            kernelSize.0 > 0 && kernelSize.1 > 0 && stride.0 > 0 && stride.1 > 0 && padding.0 >= 0
                && padding.1 >= 0, "Conv2d: kernel \(kernelSize), stride \(stride), padding \(padding)")
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.kernelSize = kernelSize
        self.stride = stride
        self.padding = padding
        self.groups = groups
        weight = Tensor.zeros(
            [outChannels, inChannels / groups, kernelSize.0, kernelSize.1], requiresGrad: true)
        self.bias = bias ? Tensor.zeros([outChannels], requiresGrad: true) : nil
        Init.pytorchDefault(weight: weight, bias: self.bias, rng: &rng)
    }

    /// Square kernel, stride and padding.
    public convenience init(
        _ inChannels: Int, _ outChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0,
        groups: Int = 1, bias: Bool = true, rng: inout ArrozRandom
    ) {
        self.init(
            inChannels, outChannels, kernelSize: (kernelSize, kernelSize), stride: (stride, stride),
            padding: (padding, padding), groups: groups, bias: bias, rng: &rng)
    }

    public func visitOwnTensors(_ visit: (String, Tensor) -> Void) {
        visit("weight", weight)
        if let bias { visit("bias", bias) }
    }

    /// `x` `[N, Cin, H, W]` → `[N, Cout, (H + 2ph − kh)/sh + 1, (W + 2pw − kw)/sw + 1]`.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        precondition(
            x.rank == 4 && x.shape[1] == inChannels, "Conv2d(\(inChannels) → \(outChannels)): got x\(x.shape)"
        )
        return conv2d(x, weight: weight, bias: bias, stride: stride, padding: padding, groups: groups)
    }
}
