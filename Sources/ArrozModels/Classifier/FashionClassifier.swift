// FashionClassifier: a small CNN that judges generated Fashion-MNIST images (`arroz-studio eval`).
import ArrozNN
import ArrozTensor

/// Conv3×3(1→32) · ReLU · AvgPool2 · Conv3×3(32→64) · ReLU · AvgPool2 · Conv3×3(64→128) · ReLU · AvgPool2 ·
/// Linear(128·4·4 → 256) · ReLU · Dropout · Linear(256 → classes), on 32×32 grey images in [−1, 1].
///
/// Parameters: `conv1.*`, `conv2.*`, `conv3.*`, `fc1.*`, `fc2.*`.
public final class FashionClassifier: Layer {
    let conv1: Conv2d, conv2: Conv2d, conv3: Conv2d, fc1: Linear, fc2: Linear
    public let classes: Int
    public var isTraining = true

    public init(classes: Int = 10, rng: inout ArrozRandom) {
        self.classes = classes
        conv1 = Conv2d(1, 32, kernelSize: 3, padding: 1, rng: &rng)
        conv2 = Conv2d(32, 64, kernelSize: 3, padding: 1, rng: &rng)
        conv3 = Conv2d(64, 128, kernelSize: 3, padding: 1, rng: &rng)
        fc1 = Linear(128 * 16, 256, rng: &rng)
        fc2 = Linear(256, classes, rng: &rng)
    }

    public func visitChildren(_ visit: (String, any Layer) -> Void) {
        ArrozNN.visit(conv1, "conv1", visit)
        ArrozNN.visit(conv2, "conv2", visit)
        ArrozNN.visit(conv3, "conv3", visit)
        ArrozNN.visit(fc1, "fc1", visit)
        ArrozNN.visit(fc2, "fc2", visit)
    }

    /// `x` `[N, 1, 32, 32]` → logits `[N, classes]`. `rng` drives dropout in training.
    public func callAsFunction(_ x: Tensor, rng: inout ArrozRandom) -> Tensor {
        let N = x.shape[0]
        var h = avgPool2d(conv1(x).relu(), kernel: 2, stride: 2)               // [N, 32, 16, 16]
        h = avgPool2d(conv2(h).relu(), kernel: 2, stride: 2)                   // [N, 64, 8, 8]
        h = avgPool2d(conv3(h).relu(), kernel: 2, stride: 2)                   // [N, 128, 4, 4]
        h = fc1(h.reshaped([N, 128 * 16])).relu()                              // [N, 256]
        h = dropout(h, p: 0.3, training: isTraining, rng: &rng)
        return fc2(h)                                                          // [N, classes]
    }
}
