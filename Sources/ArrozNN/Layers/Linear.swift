// Linear: y = x·Wᵀ + b over the last axis (torch.nn.Linear), with PyTorch's default initialisation.
import ArrozTensor

/// A fully connected layer matching `torch.nn.Linear`.
///
/// Parameters (state_dict names): `weight` `[out, in]`, `bias` `[out]` (optional).
/// Initialisation matches `nn.Linear.reset_parameters`: weight U(±1/√in), bias U(±1/√in).
public final class Linear: UnaryLayer {
    public let inFeatures: Int
    public let outFeatures: Int
    public let weight: Tensor
    public let bias: Tensor?
    public var isTraining = true

    public init(_ inFeatures: Int, _ outFeatures: Int, bias: Bool = true, rng: inout ArrozRandom) {
        precondition(inFeatures > 0 && outFeatures > 0, "Linear: bad sizes \(inFeatures) → \(outFeatures)")
        self.inFeatures = inFeatures
        self.outFeatures = outFeatures
        weight = Tensor.zeros([outFeatures, inFeatures], requiresGrad: true)
        self.bias = bias ? Tensor.zeros([outFeatures], requiresGrad: true) : nil
        Init.pytorchDefault(weight: weight, bias: self.bias, rng: &rng)
    }

    public func visitOwnTensors(_ visit: (String, Tensor) -> Void) {
        visit("weight", weight)
        if let bias { visit("bias", bias) }
    }

    /// `x` `[..., in]` → `[..., out]`.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        precondition(
            x.shape.last == inFeatures, "Linear(\(inFeatures) → \(outFeatures)): got x\(x.shape)")
        return linear(x, weight: weight, bias: bias)
    }
}
