// EMA: an exponential moving average of a model's weights, copied (not averaged) before a start step.
import ArrozTensor

/// Shadow copies of a model's tensors, averaged as θ̄ ← β·θ̄ + (1 − β)·θ.
///
/// Matches the seeds' training loops (Arroz Con Cosas `train_v1.py`: `if it < ema_start: load_state_dict`
/// else `update_weights_ema(beta=0.999)`, which computes `ema·β + θ·(1 − β)` in that order): an `update`
/// at a step below `startStep` copies the weights; from `startStep` on it averages. Only trainable parameters
/// are averaged; buffers (running statistics, counters) are copied at every update so the EMA model stays
/// usable on its own (the seed's diffusion models have no buffers).
public final class EMA {
    public let decay: Float
    public let startStep: Int
    /// Shadow tensors under the model's state_dict names, in visit order.
    public let shadow: [NamedParameter]
    /// Whether each shadow entry is averaged (a trainable parameter) rather than copied (a buffer).
    public let averaged: [Bool]

    /// Starts as a copy of `model`'s tensors.
    public init(_ model: Layer, decay: Float = 0.999, startStep: Int = 0) {
        precondition((0...1).contains(decay), "EMA: decay \(decay) outside [0, 1]")
        self.decay = decay
        self.startStep = startStep
        let named = model.namedParameters()
        shadow = named.map { (name: $0.0, tensor: $0.1.detached()) }
        averaged = named.map { $0.1.requiresGrad }
    }

    /// Folds the model's current weights in, as done after the optimizer step numbered `step`.
    public func update(_ model: Layer, step: Int) {
        let current = model.namedParameters()
        precondition(
            current.count == shadow.count,
            "EMA.update: model has \(current.count) tensors, EMA has \(shadow.count)")
        let beta = decay, oneMinus = 1 - decay
        for (k, (name, t)) in current.enumerated() {
            Preemption.poll()
            let s = shadow[k]
            precondition(
                s.name == name && s.tensor.shape == t.shape,
                "EMA.update: \(name) \(t.shape) vs shadow \(s.name) \(s.tensor.shape)")
            if step < startStep || !averaged[k] {
                s.tensor.assign(t)
                continue
            }
            let dst = s.tensor.mutableData, src = t.data
            parallelFor(dst.count, grain: 1 << 15) { range in
                for i in range { dst[i] = dst[i] * beta + src[i] * oneMinus }
            }
        }
    }

    /// Writes the averaged weights into `model` (e.g. a second model used for sampling).
    public func copy(into model: Layer) {
        let current = model.namedParameters()
        precondition(current.count == shadow.count, "EMA.copy: model has \(current.count) tensors")
        for (k, (name, t)) in current.enumerated() {
            precondition(shadow[k].name == name, "EMA.copy: \(name) vs shadow \(shadow[k].name)")
            t.assign(shadow[k].tensor)
        }
    }
}
