// ObjectiveParts: pieces every family's objective builds from the run config — optimizers over parameter groups,
// EMA, and the conditioner for its labels or captions.
import ArrozNN
import ArrozTensor
import ArrozText

extension OptimizerConfig {
    /// The optimizer this config describes over `params` (name → tensor, the trainable ones).
    public func make(_ params: [NamedParameter], lr overrideLR: Float? = nil) -> any AdamFamilyOptimizer {
        let rate = overrideLR ?? lr
        switch kind {
        case .adam, .adamKeras:
            return Adam(
                params, lr: rate, betas: (beta1, beta2), eps: eps, weightDecay: weightDecay,
                epsilon: kind == .adamKeras ? .keras : .pytorch)
        case .adamw:
            return AdamW(params, lr: rate, betas: (beta1, beta2), eps: eps, weightDecay: weightDecay)
        }
    }

    /// The learning-rate curve of a run of `totalSteps` optimizer steps: linear warmup, then constant or cosine
    /// to `minLR` (lr / 100 when unset).
    public func schedule(totalSteps: Int) -> WarmupSchedule {
        switch decay ?? .constant {
        case .constant:
            return WarmupSchedule(baseLR: lr, warmupSteps: warmupSteps)
        case .cosine:
            return WarmupSchedule(
                baseLR: lr, warmupSteps: warmupSteps,
                decay: .cosine(totalSteps: max(totalSteps, warmupSteps + 1), minLR: minLR ?? lr / 100))
        }
    }

    /// The EMA this config asks for over `model` (nil without `emaDecay`).
    public func makeEMA(_ model: any Layer) -> EMA? { emaDecay.map { EMA(model, decay: $0, startStep: emaStart) } }
}

extension Layer {
    /// The trainable parameters with their state_dict names (an optimizer's parameter group).
    public func trainableNamedParameters() -> [NamedParameter] {
        namedParameters().filter { $0.1.requiresGrad }.map { (name: $0.0, tensor: $0.1) }
    }
}

extension Conditioner {
    /// The conditioner a run's `conditioning` section describes: class ids over the dataset's classes, or text
    /// through the named encoder.
    public static func make(_ run: RunConfig, classNames: [String]?, encoder: (String) throws -> PromptEncoder)
        throws -> Conditioner
    {
        switch run.conditioning.kind {
        case .class: return Conditioner(classes: (classNames?.count ?? 0) + 1)
        case .text:
            return Conditioner(
                encoder: try encoder(run.conditioning.encoder), template: run.conditioning.captionTemplate)
        }
    }
}

/// One optimizer step on `loss`, the sequence every objective shares: a NaN or infinite loss is refused with the
/// weights untouched (`TrainError.nonFiniteLoss`; the trainer names the last good checkpoint), then backward,
/// global-norm clipping when `clip` is set (torch.nn.utils.clip_grad_norm_), the step, zeroed gradients.
/// Returns the loss value and the (pre-clip) gradient norm.
public func optimizerStep(_ loss: Tensor, _ optimizer: any AdamFamilyOptimizer, clip: Float?, step: Int) throws
    -> (loss: Float, gradNorm: Float)
{
    let value = loss.item
    guard value.isFinite else {
        optimizer.zeroGrad()
        throw TrainError.nonFiniteLoss(step: step, loss: value, checkpoint: nil)
    }
    loss.backward()
    let norm = gradientNorm(optimizer.parameters.map(\.tensor), clip: clip)
    optimizer.step()
    optimizer.zeroGrad()
    return (value, norm)
}

extension RunConfig {
    /// The checks every family on a frozen VQ autoencoder makes: RGB data of the model's side, text conditioning.
    func requireRGBText(imageSize: Int, family: String) throws {
        guard data.channels == 3, data.imageSize == imageSize else {
            throw TrainError.badSetting(
                "model.image_size is \(imageSize) (RGB) but data gives \(data.channels)×\(data.imageSize)² "
                    + "(set data.channels 3 and data.imageSize \(imageSize))")
        }
        guard conditioning.kind == .text else {
            throw TrainError.badSetting("conditioning.kind: \(family) is text-conditioned (set it to text)")
        }
    }
}
