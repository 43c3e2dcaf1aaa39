// LRSchedule: learning rates as pure functions of the step (warmup + constant/cosine, OneCycle-linear).
import Foundation

/// A learning rate as a function of the number of scheduler steps taken (PyTorch's `last_epoch`): the rate
/// for the optimizer update numbered `step` (0-based) is `lr(at: step)`.
public protocol LRSchedule: Sendable {
    func lr(at step: Int) -> Float
    /// Sets the optimizer's hyperparameters for the update numbered `step` (default: just `lr`).
    func apply(to optimizer: Optimizer, step: Int)
}

extension LRSchedule {
    /// Sets the optimizer's rate for the update numbered `step`.
    public func apply(to optimizer: Optimizer, step: Int) { optimizer.lr = lr(at: step) }
}

/// Linear warmup from 0 to `baseLR` over `warmupSteps`, then constant or cosine decay to `minLR`.
///
/// Warmup: lr = base·min(1, step / warmup) — `warmup_scheduler.GradualWarmupScheduler(multiplier=1)` as the
/// Arroz seeds use it, and the warmup of `transformers.get_cosine_schedule_with_warmup`.
/// Cosine: p = clamp((step − warmup) / (total − warmup), 0, 1), lr = min + (base − min)·½(1 + cos πp).
public struct WarmupSchedule: LRSchedule, Codable, Hashable {
    public enum Decay: Codable, Hashable, Sendable {
        case constant
        case cosine(totalSteps: Int, minLR: Float)
    }

    public var baseLR: Float
    public var warmupSteps: Int
    public var decay: Decay

    public init(baseLR: Float, warmupSteps: Int, decay: Decay = .constant) {
        precondition(warmupSteps >= 0, "WarmupSchedule: warmupSteps \(warmupSteps) < 0")
        if case .cosine(let total, _) = decay {
            precondition(
                total > warmupSteps, "WarmupSchedule: cosine total \(total) <= warmup \(warmupSteps)")
        }
        self.baseLR = baseLR
        self.warmupSteps = warmupSteps
        self.decay = decay
    }

    public func lr(at step: Int) -> Float {
        if step < warmupSteps { return Float(Double(baseLR) * Double(step) / Double(warmupSteps)) }
        switch decay {
        case .constant:
            return baseLR
        case .cosine(let total, let minLR):
            let p = min(max(Double(step - warmupSteps) / Double(total - warmupSteps), 0), 1)
            return Float(Double(minLR) + Double(baseLR - minLR) * 0.5 * (1 + cos(Double.pi * p)))
        }
    }
}

/// `torch.optim.lr_scheduler.OneCycleLR` with `anneal_strategy='linear'`, `three_phase=False`.
///
///     initial = max_lr / div_factor,  min = initial / final_div_factor
///     phase 1: steps 0 … pct_start·T − 1      lr initial → max_lr,  momentum max_m → base_m
///     phase 2: … T − 1                        lr max_lr → min,      momentum base_m → max_m
///     within a phase: value = (end − start)·pct + start,
///                     pct = (step − phase start) / (phase end − phase start)
///
/// With `cycleMomentum` (PyTorch's default) Adam's β₁ follows `momentum(at:)`; `apply` sets both. Steps past
/// `totalSteps` (where PyTorch raises) are clamped to `totalSteps`.
public struct OneCycleLR: LRSchedule, Codable, Hashable {
    public var maxLR: Float
    public var totalSteps: Int
    public var pctStart: Double = 0.3
    public var divFactor: Double = 25
    public var finalDivFactor: Double = 1e4
    public var cycleMomentum = true
    public var baseMomentum: Double = 0.85
    public var maxMomentum: Double = 0.95

    public init(
        maxLR: Float, totalSteps: Int, pctStart: Double = 0.3, divFactor: Double = 25,
        finalDivFactor: Double = 1e4, cycleMomentum: Bool = true, baseMomentum: Double = 0.85,
        maxMomentum: Double = 0.95
    ) {
        precondition(totalSteps > 0, "OneCycleLR: totalSteps \(totalSteps) must be positive")
        precondition(pctStart > 0 && pctStart < 1, "OneCycleLR: pctStart \(pctStart) outside (0, 1)")
        self.maxLR = maxLR
        self.totalSteps = totalSteps
        self.pctStart = pctStart
        self.divFactor = divFactor
        self.finalDivFactor = finalDivFactor
        self.cycleMomentum = cycleMomentum
        self.baseMomentum = baseMomentum
        self.maxMomentum = maxMomentum
    }

    public var initialLR: Double { Double(maxLR) / divFactor }
    public var minLR: Double { initialLR / finalDivFactor }

    /// (start, end) values of each quantity and the end step of each phase, as in `OneCycleLR.__init__`.
    private func interpolate(_ step: Int, phase1: (Double, Double), phase2: (Double, Double)) -> Double {
        let s = Double(min(step, totalSteps))
        let end1 = pctStart * Double(totalSteps) - 1
        let end2 = Double(totalSteps) - 1
        if s <= end1 && end1 > 0 {
            let pct = s / end1
            return (phase1.1 - phase1.0) * pct + phase1.0
        }
        let pct = (s - end1) / (end2 - end1)
        return (phase2.1 - phase2.0) * pct + phase2.0
    }

    public func lr(at step: Int) -> Float {
        Float(interpolate(step, phase1: (initialLR, Double(maxLR)), phase2: (Double(maxLR), minLR)))
    }

    /// β₁ (or SGD momentum) for the update numbered `step`; nil when momentum is not cycled.
    public func momentum(at step: Int) -> Float? {
        guard cycleMomentum else { return nil }
        return Float(
            interpolate(step, phase1: (maxMomentum, baseMomentum), phase2: (baseMomentum, maxMomentum)))
    }

    /// Sets the optimizer's lr and, for Adam-family optimizers with cycled momentum, its β₁.
    public func apply(to optimizer: Optimizer, step: Int) {
        optimizer.lr = lr(at: step)
        if let m = momentum(at: step), let adam = optimizer as? AdamFamilyOptimizer { adam.beta1 = m }
    }
}
