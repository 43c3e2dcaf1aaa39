// GaussianObjective: the Gaussian families' training step — CFG dropout, noise at a random level, the network's
// prediction against the process's target (L1 on x₀ for Keras, MSE on ε otherwise), AdamW/Adam, EMA.
import ArrozDiffusion
import ArrozModels
import ArrozNN
import ArrozTensor

final class GaussianObjective: TrainingObjective {
    let run: RunConfig
    let spec: GaussianSpec
    let model: any DiffusionNetwork
    let optimizer: any AdamFamilyOptimizer
    let ema: EMA?
    let conditioner: Conditioner
    let process: any GaussianProcess
    let prediction: Prediction
    let classNames: [String]?

    init(run: RunConfig, spec: GaussianSpec, context: ObjectiveContext) throws {
        self.run = run
        self.spec = spec
        var rng = context.initRNG
        model = try spec.network.makeModel(rng: &rng)
        optimizer = run.optimizer.make(model.trainableNamedParameters())
        ema = run.optimizer.makeEMA(model)
        conditioner = try Conditioner.make(run, classNames: context.classNames, encoder: context.encoder)
        (process, prediction) = spec.process.process
        classNames = context.classNames
        model.train()
    }

    var weights: any Layer { model }
    var optimizers: [String: any AdamFamilyOptimizer] { ["": optimizer] }

    func step(_ batch: TrainingBatch, lr: Float, step: Int, rng: inout ArrozRandom) throws -> ObjectiveStep {
        var cond = try conditioner.condition(labels: batch.labels, captions: batch.captions)
        cond = conditioner.dropout(cond, p: run.conditioning.dropout, perBatch: run.conditioning.perBatch, rng: &rng)
        let (noised, t, target) = process.trainingBatch(batch.images, prediction: prediction, rng: &rng)
        optimizer.lr = lr
        optimizer.zeroGrad()
        let out = model.predict(noised, t: t, cond: cond)
        let loss = prediction == .x0 ? l1Loss(out, target) : mseLoss(out, target)
        let (value, norm) = try optimizerStep(loss, optimizer, clip: run.optimizer.gradClip, step: step)
        ema?.update(model, step: step + 1)
        return ObjectiveStep(loss: value, gradNorm: norm)
    }

    /// A second copy of the network holding the EMA weights (the live network without EMA).
    func pipeline() throws -> any GenerationPipeline {
        guard let ema else { return GaussianPipeline(model: model, process: spec.process) }
        var r = ArrozRandom(seed: 0)
        let copy = try spec.network.makeModel(rng: &r)
        ema.copy(into: copy)
        copy.eval()
        return GaussianPipeline(model: copy, process: spec.process)
    }
}
