// ConvTranspose2d: a transposed 2-D convolution layer (torch.nn.ConvTranspose2d) with PyTorch's init.
import ArrozTensor

/// `torch.nn.ConvTranspose2d` with dilation 1.
///
/// Parameters (state_dict names): `weight` `[Cin, Cout/groups, kh, kw]` (note: input channels first, as in
/// PyTorch), `bias` `[Cout]` (optional). Initialisation matches `_ConvNd.reset_parameters`, whose fan_in for
/// this layout is Cout/groups·kh·kw: weight and bias U(±1/√fan_in).
public final class ConvTranspose2d: UnaryLayer {
    public let inChannels: Int
    public let outChannels: Int
    public let kernelSize: (Int, Int)
    public let stride: (Int, Int)
    public let padding: (Int, Int)
    public let outputPadding: (Int, Int)
    public let groups: Int
    public let weight: Tensor
    public let bias: Tensor?
    public var isTraining = true

    public init(
        _ inChannels: Int, _ outChannels: Int, kernelSize: (Int, Int), stride: (Int, Int) = (1, 1),
        padding: (Int, Int) = (0, 0), outputPadding: (Int, Int) = (0, 0), groups: Int = 1, bias: Bool = true,
        rng: inout ArrozRandom
    ) {
        precondition(
            groups > 0 && inChannels % groups == 0 && outChannels % groups == 0,
            "ConvTranspose2d: groups \(groups) must divide in \(inChannels) and out \(outChannels) channels")
        precondition(
            outputPadding.0 < max(stride.0, 1) && outputPadding.1 < max(stride.1, 1),
            "ConvTranspose2d: output padding \(outputPadding) must be smaller than stride \(stride)")
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.kernelSize = kernelSize
        self.stride = stride
        self.padding = padding
        self.outputPadding = outputPadding
        self.groups = groups
        weight = Tensor.zeros(
            [inChannels, outChannels / groups, kernelSize.0, kernelSize.1], requiresGrad: true)
        self.bias = bias ? Tensor.zeros([outChannels], requiresGrad: true) : nil
        Init.pytorchDefault(weight: weight, bias: self.bias, rng: &rng)
    }

    /// Square kernel, stride and padding.
    public convenience init(
        _ inChannels: Int, _ outChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0,
        outputPadding: Int = 0, groups: Int = 1, bias: Bool = true, rng: inout ArrozRandom
    ) {
        self.init(
            inChannels, outChannels, kernelSize: (kernelSize, kernelSize), stride: (stride, stride),
            padding: (padding, padding), outputPadding: (outputPadding, outputPadding), groups: groups,
            bias: bias,
            rng: &rng)
    }

    public func visitOwnTensors(_ visit: (String, Tensor) -> Void) {
        visit("weight", weight)
        if let bias { visit("bias", bias) }
    }

    /// `x` `[N, Cin, H, W]` → `[N, Cout, (H − 1)·sh − 2ph + kh + oph, (W − 1)·sw − 2pw + kw + opw]`.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        precondition(
            x.rank == 4 && x.shape[1] == inChannels,
            "ConvTranspose2d(\(inChannels) → \(outChannels)): got x\(x.shape)")
        return convTranspose2d(
            x, weight: weight, bias: bias, stride: stride, padding: padding, outputPadding: outputPadding,
            groups: groups)
    }
}
