// LatentObjective: the generator's training step on a frozen VQ autoencoder's quantised latents — condition = the
// frozen image encoder's embedding of the training image (or MiniLM captions), CFG dropout (per batch, as the
// seed), Diffuzz noise at a random level, MSE on ε (Arroz Con Cosas train_arroz.py; seeds.md §1.2–§1.4).
import ArrozDiffusion
import ArrozModels
import ArrozNN
import ArrozTensor

final class LatentObjective: TrainingObjective {
    let run: RunConfig
    let spec: LatentSpec
    let generator: ArrozGenerator
    let vq: ArrozVQModel
    let encoder: ImageEncoder?
    /// MiniLM captions when there is no image encoder; also what the preview pipeline encodes prompts with.
    let conditioner: Conditioner?
    let optimizer: any AdamFamilyOptimizer
    let ema: EMA?
    let process = Diffuzz()

    init(run: RunConfig, spec: LatentSpec, context: ObjectiveContext) throws {
        self.run = run
        self.spec = spec
        var rng = context.initRNG
        generator = ArrozGenerator(spec.generator, rng: &rng)
        vq = try FrozenNetworks.autoencoder(spec.autoencoder).vq
        try LatentFamily.check(run, against: vq, spec: spec)
        encoder = try spec.imageEncoder.map(FrozenNetworks.imageEncoder)
        if let encoder, encoder.config.embeddingDimension != spec.generator.conditionDimension {
            throw TrainError.badSetting(
                "model.generator.conditionDimension is \(spec.generator.conditionDimension) but the image encoder "
                    + "makes \(encoder.config.embeddingDimension)-d embeddings (set them equal)")
        }
        conditioner = try encoder == nil
            ? Conditioner.make(run, classNames: context.classNames, encoder: context.encoder) : nil
        optimizer = run.optimizer.make(generator.trainableNamedParameters())
        ema = run.optimizer.makeEMA(generator)
        generator.train()
    }

    var weights: any Layer { generator }
    var optimizers: [String: any AdamFamilyOptimizer] { ["": optimizer] }

    /// The conditioning rows `[B, D]` of a batch: image embeddings (frozen encoder) or caption embeddings.
    func condition(_ batch: TrainingBatch) throws -> Tensor {
        if let encoder { return withNoGrad { encoder(FrozenNetworks.encoderInput(batch.images)) } }
        return try conditioner!.condition(labels: batch.labels, captions: batch.captions)
    }

    func step(_ batch: TrainingBatch, lr: Float, step: Int, rng: inout ArrozRandom) throws -> ObjectiveStep {
        var cond = try condition(batch)
        let p = run.conditioning.dropout
        if p > 0 {
            cond = dropConditioning(
                cond, probability: p, granularity: run.conditioning.perBatch ? .perBatch : .perSample, rng: &rng
            ).cond
        }
        let z0 = vq.quantisedLatents(batch.images)                              // [B, C, h, w]
        let (noised, t, eps) = process.trainingBatch(z0, prediction: .epsilon, rng: &rng)
        optimizer.lr = lr
        optimizer.zeroGrad()
        let out = generator(noised, r: t, c: cond)
        let loss = mseLoss(out, eps)
        let (value, norm) = try optimizerStep(loss, optimizer, clip: run.optimizer.gradClip, step: step)
        ema?.update(generator, step: step + 1)
        return ObjectiveStep(loss: value, gradNorm: norm)
    }

    /// The EMA weights (the live generator without EMA) in the family's pipeline.
    func pipeline() throws -> any GenerationPipeline {
        guard let ema else { return try LatentPipeline(generator: generator, spec: spec, vq: vq, encoder: encoder) }
        var r = ArrozRandom(seed: 0)
        let copy = ArrozGenerator(spec.generator, rng: &r)
        ema.copy(into: copy)
        copy.eval()
        return try LatentPipeline(generator: copy, spec: spec, vq: vq, encoder: encoder)
    }
}
