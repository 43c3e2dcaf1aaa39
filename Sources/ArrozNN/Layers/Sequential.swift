// Sequential: a chain of one-input layers named "0", "1", … like torch.nn.Sequential, plus a closure layer.
import ArrozTensor

/// A layer with one tensor input and one tensor output.
public protocol UnaryLayer: Layer {
    func callAsFunction(_ x: Tensor) -> Tensor
}

/// A parameter-free layer wrapping a function (an activation such as GELU), so that `Sequential` indices
/// match PyTorch's, where activations are modules and take an index.
public final class Lambda: UnaryLayer {
    public let name: String
    public var isTraining = true
    private let body: (Tensor) -> Tensor

    public init(_ name: String, _ body: @escaping (Tensor) -> Tensor) {
        self.name = name
        self.body = body
    }

    public func callAsFunction(_ x: Tensor) -> Tensor { body(x) }
}

/// Applies its layers in order. Parameters are named `<index>.<name>` (`torch.nn.Sequential`).
public final class Sequential: UnaryLayer {
    public let layers: [any UnaryLayer]

    public init(_ layers: [any UnaryLayer]) { self.layers = layers }
    public convenience init(_ layers: any UnaryLayer...) { self.init(layers) }

    public var isTraining = true

    public func visitChildren(_ visit: (String, any Layer) -> Void) {
        for (i, l) in layers.enumerated() { visit(String(i), l) }
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        layers.reduce(x) { h, layer in layer(h) }
    }
}
