// BatchNorm2d: torch.nn.BatchNorm2d with its running-statistics buffers, over the fused batchNorm2d op.
import ArrozTensor

/// `torch.nn.BatchNorm2d(C, eps, momentum, affine, track_running_stats)`; works on any `[N, C, *]`.
///
/// Parameters and buffers (state_dict order): `weight` `[C]` (init 1), `bias` `[C]` (init 0), `running_mean`
/// `[C]` (0), `running_var` `[C]` (1), `num_batches_tracked` (a scalar: float here, int64 in PyTorch).
/// Training uses batch statistics and updates the buffers (unbiased variance); eval uses the buffers.
/// `momentum` is PyTorch's (Keras' 0.99 is 0.01 here); nil is PyTorch's cumulative moving average.
public final class BatchNorm2d: UnaryLayer {
    public let channels: Int
    public let eps: Float
    public let momentum: Float?
    public let weight: Tensor?
    public let bias: Tensor?
    public let runningMean: Tensor?
    public let runningVar: Tensor?
    public let numBatchesTracked: Tensor?
    public var isTraining = true

    public init(
        _ channels: Int, eps: Float = 1e-5, momentum: Float? = 0.1, affine: Bool = true,
        trackRunningStats: Bool = true
    ) {
        precondition(channels > 0, "BatchNorm2d: bad channel count \(channels)")
        if let momentum { precondition(momentum >= 0 && momentum <= 1, "BatchNorm2d: momentum \(momentum)") }
        self.channels = channels
        self.eps = eps
        self.momentum = momentum
        weight = affine ? Tensor.ones([channels], requiresGrad: true) : nil
        bias = affine ? Tensor.zeros([channels], requiresGrad: true) : nil
        runningMean = trackRunningStats ? Tensor.zeros([channels]) : nil
        runningVar = trackRunningStats ? Tensor.ones([channels]) : nil
        numBatchesTracked = trackRunningStats ? Tensor(scalar: 0) : nil
    }

    public func visitOwnTensors(_ visit: (String, Tensor) -> Void) {
        if let weight { visit("weight", weight) }
        if let bias { visit("bias", bias) }
        if let runningMean { visit("running_mean", runningMean) }
        if let runningVar { visit("running_var", runningVar) }
        if let numBatchesTracked { visit("num_batches_tracked", numBatchesTracked) }
    }

    /// `x` `[N, C, ...]` → same shape; in training also updates the running statistics.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        precondition(x.rank >= 2 && x.shape[1] == channels, "BatchNorm2d(\(channels)): got x\(x.shape)")
        var factor = momentum ?? 0
        if isTraining, let n = numBatchesTracked {
            n.mutableData[0] += 1
            if momentum == nil { factor = 1 / n.mutableData[0] }  // cumulative moving average
        }
        return batchNorm2d(
            x, runningMean: runningMean, runningVar: runningVar, weight: weight, bias: bias,
            training: isTraining, momentum: factor, eps: eps)
    }
}
