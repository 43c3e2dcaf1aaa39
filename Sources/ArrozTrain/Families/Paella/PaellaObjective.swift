// PaellaObjective: Paella's training step (seeds.md §2.3, `src_distributed/train.py`) — the frozen VQ's code
// indices, per-batch CFG dropout, token replacement at rate t, cross-entropy with label smoothing 0.1 and the
// token weighting, AdamW, EMA; logs `token_accuracy`.
import ArrozDiffusion
import ArrozModels
import ArrozNN
import ArrozTensor

final class PaellaObjective: TrainingObjective {
    let run: RunConfig
    let spec: PaellaSpec
    let net: PaellaNet
    let vq: FrozenVQ
    let process: TokenProcess
    let optimizer: any AdamFamilyOptimizer
    let ema: EMA?
    let conditioner: Conditioner

    init(run: RunConfig, spec: PaellaSpec, context: ObjectiveContext) throws {
        try spec.validate()
        self.run = run
        self.spec = spec
        vq = try FrozenVQ(spec.autoencoder)
        try PaellaFamily.check(spec, vq)
        var rng = context.initRNG
        net = PaellaNet(spec, rng: &rng)
        process = spec.process
        optimizer = run.optimizer.make(net.layer.trainableNamedParameters())
        ema = run.optimizer.makeEMA(net.layer)
        conditioner = try Conditioner.make(run, classNames: context.classNames, encoder: context.encoder)
        guard case .text(let D) = conditioner.kind, D == spec.conditionWidth else {
            throw TrainError.badSetting(
                "model: the network takes \(spec.conditionWidth)-wide conditioning but the text encoder gives "
                    + "\(conditioner.kind) (set clip_embd/byt5_embd or c_clip to the encoder's width)")
        }
        net.layer.train()
    }

    var weights: any Layer { net.layer }
    var optimizers: [String: any AdamFamilyOptimizer] { ["": optimizer] }

    func step(_ batch: TrainingBatch, lr: Float, step: Int, rng: inout ArrozRandom) throws -> ObjectiveStep {
        let tokens = vq.indices(batch.images)  // [B, h, w]
        var cond = try conditioner.condition(labels: batch.labels, captions: batch.captions)  // [B, D]
        cond = conditioner.dropout(cond, p: run.conditioning.dropout, perBatch: run.conditioning.perBatch, rng: &rng)
        let t = process.sampleTimes(tokens.shape[0], rng: &rng)  // [B]
        let (noised, mask) = process.addNoise(tokens, t: t, rng: &rng)
        optimizer.lr = lr
        optimizer.zeroGrad()
        let logits = net.logits(noised, t: t, cond: cond)  // [B, K, h, w]
        let w = spec.lossWeightMin.map { process.lossWeight(mask: mask, t: t, minValue: $0) }
        let loss = paellaLoss(logits: logits, targets: tokens, weights: w, labelSmoothing: spec.labelSmoothing)
        let (value, norm) = try optimizerStep(loss, optimizer, clip: run.optimizer.gradClip, step: step)
        let accuracy = tokenAccuracy(logits: logits.detached(), targets: tokens)
        ema?.update(net.layer, step: step + 1)
        return ObjectiveStep(loss: value, gradNorm: norm, fields: ["token_accuracy": accuracy])
    }

    func pipeline() throws -> any GenerationPipeline {
        guard let ema else { return try PaellaPipeline(net: net, spec: spec, vq: vq) }
        var r = ArrozRandom(seed: 0)
        let copy = PaellaNet(spec, rng: &r)
        ema.copy(into: copy.layer)
        copy.layer.eval()
        return try PaellaPipeline(net: copy, spec: spec, vq: vq)
    }
}
