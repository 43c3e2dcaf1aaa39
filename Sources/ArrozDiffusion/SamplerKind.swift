// SamplerKind: the samplers the CLI and the studio can list and pick, their defaults, and the factory.
import ArrozTensor
import Foundation

/// The samplers the CLI and the studio can pick.
///
/// Every sampler by name. New cases go at the end (they are stored in PNG parameters and run files).
public enum SamplerKind: String, Choice, Sendable {
    case ddpm
    case ddim
    case euler
    case eulerAncestral = "euler_a"
    case dpmpp2m = "dpmpp_2m"
    case keras
    case paella
    case heun
    /// cclddg's few-step GAN sampler (DDGSampler); its pipelines build it themselves.
    case ddg

    public var displayName: String {
        switch self {
        case .ddpm: "DDPM"
        case .ddim: "DDIM"
        case .euler: "Euler"
        case .eulerAncestral: "Euler a"
        case .dpmpp2m: "DPM++ 2M"
        case .keras: "Keras σ-DDIM"
        case .paella: "Paella tokens"
        case .heun: "Heun"
        case .ddg: "DDG (GAN)"
        }
    }

    /// Parses a user-typed name leniently: case, spaces, '-', '_' and "++" vs "pp" do not matter, and the
    /// display names work too ("DPM++ 2M", "dpmpp_2m", "euler-a", "Euler a", "euler_ancestral").
    public init?(name: String) {
        func key(_ s: String) -> String {
            s.lowercased().replacingOccurrences(of: "++", with: "pp").filter { $0.isLetter || $0.isNumber }
        }
        let k = key(name)
        guard
            let kind = Self.allCases.first(where: { key($0.rawValue) == k || key($0.displayName) == k })
                ?? (k == "eulerancestral" ? .eulerAncestral : nil)
        else { return nil }
        self = kind
    }

    /// One line for help screens: what it is and what it matches.
    public var summary: String {
        switch self {
        case .ddpm: "ancestral; Arroz-Con-Cosas Diffuzz.sample 'ddpm' (its default)"
        case .ddim: "deterministic at η = 0; Arroz-Con-Cosas Diffuzz.sample 'ddim'"
        case .euler: "probability-flow ODE, first order; k-diffusion sample_euler"
        case .eulerAncestral: "ancestral Euler; k-diffusion sample_euler_ancestral"
        case .dpmpp2m: "second-order multistep; k-diffusion sample_dpmpp_2m"
        case .keras: "x̂₀ DDIM on σ with dynamic thresholding; guided-diffusion-keras reverse_diffusion"
        case .paella: "token resampling with temperature and renoise; Paella v3 src/utils.py sample"
        case .heun: "probability-flow ODE, second order, 2 evaluations a step; k-diffusion sample_heun"
        case .ddg: "few-step GAN: x̂₀ from the generator, re-noised by the marginal; cclddg DDG_Context.examples"
        }
    }

    /// The reference's default step count: Arroz samples with T = 20 (the prior notebook uses 60), the Keras
    /// seed with 35 `diffusion_steps` (34 updates), Paella with 12; the k-diffusion solvers start at 20.
    public var defaultSteps: Int {
        switch self {
        case .keras: 35
        case .paella: 12
        case .ddg: 4
        default: 20
        }
    }

    /// Whether this sampler draws fresh noise (and so depends on the generator) at η's default.
    public var isStochastic: Bool { self == .ddpm || self == .eulerAncestral || self == .paella || self == .ddg }

    /// True when this sampler can run on `process`.
    public func supports(_ process: any GaussianProcess) -> Bool {
        switch self {
        case .ddpm, .ddim: process is any VariancePreservingProcess
        case .euler, .eulerAncestral, .dpmpp2m, .heun: true
        case .keras: process is KerasProcess
        case .paella, .ddg: false
        }
    }

    /// The samplers that can run on `process`, in menu order.
    public static func available(for process: any GaussianProcess) -> [SamplerKind] {
        allCases.filter { $0.supports(process) }
    }

    /// The sampler the seed itself uses on `process`: Keras's own for `KerasProcess`, DDPM otherwise.
    public static func defaultKind(for process: any GaussianProcess) -> SamplerKind {
        process is KerasProcess ? .keras : .ddpm
    }
}

/// A sampler choice as it is stored in run files and PNG parameters.
public struct SamplerSettings: Codable, Hashable, Sendable {
    public var kind: SamplerKind
    /// Steps as the reference counts them (see `SamplerKind.defaultSteps`).
    public var steps: Int
    /// DDIM / Euler-ancestral noise η (DDIM default 0, Euler a default 1; ignored elsewhere).
    public var eta: Float?
    /// Keras dynamic thresholding percentile; nil turns it off.
    public var thresholdPercentile: Float?
    /// Paella: temperature from/to (default 1.0 → 0.2) and the number of renoised steps (default steps − 1).
    public var temperature: [Float]?
    public var renoiseSteps: Int?

    public init(kind: SamplerKind, steps: Int? = nil, eta: Float? = nil, thresholdPercentile: Float? = 99.5) {
        self.kind = kind
        self.steps = steps ?? kind.defaultSteps
        self.eta = eta
        self.thresholdPercentile = thresholdPercentile
    }
}

/// A sampler setting that cannot run: it names the problem and the fix.
public enum SamplerError: Error, CustomStringConvertible, Equatable {
    case unsupported(kind: SamplerKind, process: String, available: [SamplerKind])
    case badSteps(kind: SamplerKind, steps: Int, minimum: Int)
    case tooManySteps(kind: SamplerKind, steps: Int, maximum: Int)

    public var description: String {
        switch self {
        case .unsupported(let kind, let process, let available):
            "sampler \(kind.rawValue) cannot run on a \(process) model "
                + "(hint: pick one of \(available.map(\.rawValue).joined(separator: ", ")))"
        case .badSteps(let kind, let steps, let minimum):
            "sampler \(kind.rawValue) needs at least \(minimum) steps, got \(steps) "
                + "(hint: --steps \(minimum))"
        case .tooManySteps(let kind, let steps, let maximum):
            "sampler \(kind.rawValue): \(steps) steps exceed the model's \(maximum) timesteps "
                + "(hint: --steps \(maximum) or fewer)"
        }
    }
}

/// Builds the sampler `settings` describe for `process`, or throws a `SamplerError` naming the fix.
///
/// `grid` overrides the process's grid for `settings.steps` (image-to-image passes the tail of one).
public func makeSampler(
    _ settings: SamplerSettings, process: any GaussianProcess, grid: [Float]? = nil
) throws -> any Sampler {
    let (kind, steps) = (settings.kind, settings.steps)
    let unsupported = SamplerError.unsupported(
        kind: kind, process: String(describing: type(of: process)),
        available: SamplerKind.available(for: process))
    let minimum = kind == .keras ? 2 : 1
    guard steps >= minimum else { throw SamplerError.badSteps(kind: kind, steps: steps, minimum: minimum) }
    if let table = process as? DiscreteSchedule, steps > table.count {
        throw SamplerError.tooManySteps(kind: kind, steps: steps, maximum: table.count)
    }
    let g = grid ?? process.timeGrid(steps: steps)
    switch kind {
    case .ddpm, .ddim:
        guard let vp = process as? any VariancePreservingProcess else { throw unsupported }
        if kind == .ddpm { return DDPMSampler(process: vp, grid: g) }
        return DDIMSampler(process: vp, grid: g, eta: settings.eta ?? 0)
    case .euler: return EulerSampler(process: process, grid: g)
    case .eulerAncestral: return EulerAncestralSampler(process: process, grid: g, eta: settings.eta ?? 1)
    case .dpmpp2m: return DPMPP2MSampler(process: process, grid: g)
    case .heun: return HeunSampler(process: process, grid: g)
    case .keras:
        guard let keras = process as? KerasProcess else { throw unsupported }
        return KerasSampler(process: keras, grid: g, thresholdPercentile: settings.thresholdPercentile)
    case .paella, .ddg: throw unsupported
    }
}

/// Builds Paella's token sampler for `process`; the other kinds need a Gaussian process.
public func makeSampler(_ settings: SamplerSettings, tokens process: TokenProcess) throws -> any Sampler {
    guard settings.kind == .paella else {
        throw SamplerError.unsupported(kind: settings.kind, process: "TokenProcess", available: [.paella])
    }
    guard settings.steps >= 1 else {
        throw SamplerError.badSteps(kind: .paella, steps: settings.steps, minimum: 1)
    }
    let temp = settings.temperature ?? [1.0, 0.2]
    return PaellaSampler(
        process: process, steps: settings.steps, renoiseSteps: settings.renoiseSteps ?? settings.steps - 1,
        temperature: (temp.first ?? 1.0, temp.last ?? 0.2))
}
