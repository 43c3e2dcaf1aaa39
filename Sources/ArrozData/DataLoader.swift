// DataLoader: seeded per-epoch shuffling, [N, 3, H, W] batches, random flips, background prefetch.
import ArrozImage
import ArrozTensor
import Foundation

/// Where a loader stands: `position` examples of epoch `epoch` have been handed out. Saved in checkpoints so
/// a resumed run sees exactly the batches it would have seen.
public struct LoaderPosition: Codable, Hashable, Sendable {
    public var epoch: Int
    public var position: Int

    public init(epoch: Int = 0, position: Int = 0) {
        self.epoch = epoch
        self.position = position
    }
}

/// One training batch.
public struct Batch {
    /// `[N, C, H, W]` in [-1, 1] (C = 3, or 1 for a grey loader).
    public let images: Tensor
    public let captions: [String]
    /// Class labels (nil where the dataset has none).
    public let labels: [Int?]
    /// Dataset indices of the examples, in batch order.
    public let indices: [Int]
    /// Where this batch started.
    public let start: LoaderPosition
}

/// Turns a ``Dataset`` into an endless stream of batches, epoch after epoch (the last partial batch of an
/// epoch is dropped, as PyTorch's `DataLoader(drop_last=True)`).
///
/// Everything random is a pure function of (`seed`, epoch, position), never of timing: epoch `e`'s order is a
/// Fisher–Yates shuffle drawn from `ArrozRandom(seed: mix(seed, e))`, and the flip of the example at position
/// `p` from `ArrozRandom(seed: mix(seed, e, p))` (examples marked not `flippable` are never mirrored). So
/// batches are identical with or without prefetch, and resuming from a saved ``LoaderPosition`` continues the
/// exact sequence. With `prefetch > 0` a background thread prepares up to that many batches ahead as plain
/// floats (tensors never cross threads); the calling thread wraps them in tensors.
public final class DataLoader {
    public let dataset: any Dataset
    public let batchSize: Int
    public let seed: UInt64
    public let shuffle: Bool
    public let horizontalFlip: Bool
    /// 3 for RGB batches, 1 for luminance (e.g. Fashion-MNIST models with one input channel).
    public let channels: Int
    /// Where the next batch starts.
    public private(set) var position: LoaderPosition
    private let plan: BatchPlan
    private let queue: PrefetchQueue?
    /// The current epoch's order when there is no prefetch thread.
    private var cachedOrder: (epoch: Int, order: [Int])?

    public init(
        dataset: any Dataset, batchSize: Int, seed: UInt64, shuffle: Bool = true,
        horizontalFlip: Bool = false,
        channels: Int = 3, prefetch: Int = 2, start: LoaderPosition = LoaderPosition()
    ) {
        precondition(
            batchSize > 0 && batchSize <= dataset.count,
            "DataLoader: batch size \(batchSize) for \(dataset.count) examples")
        precondition(channels == 3 || channels == 1, "DataLoader: channels \(channels) must be 3 or 1")
        precondition(prefetch >= 0, "DataLoader: prefetch \(prefetch) must be >= 0")
        self.dataset = dataset
        self.batchSize = batchSize
        self.seed = seed
        self.shuffle = shuffle
        self.horizontalFlip = horizontalFlip
        self.channels = channels
        let plan = BatchPlan(
            dataset: dataset, batchSize: batchSize, seed: seed, shuffle: shuffle, flip: horizontalFlip,
            channels: channels)
        self.plan = plan
        self.position = plan.normalised(start)
        self.queue = prefetch > 0 ? PrefetchQueue(plan: plan, start: position, capacity: prefetch) : nil
    }

    deinit { queue?.stop() }

    /// Full batches per epoch.
    public var batchesPerEpoch: Int { dataset.count / batchSize }

    /// The next batch. Rethrows a dataset's read error (e.g. a broken bitmap, naming the file).
    public func next() throws -> Batch {
        let data: BatchData
        if let queue {
            data = try queue.take()
        } else {
            if cachedOrder?.epoch != position.epoch {
                cachedOrder = (position.epoch, plan.order(epoch: position.epoch))
            }
            data = try plan.make(position, order: cachedOrder?.order)
        }
        precondition(
            data.start == position, "DataLoader: prefetch out of order (\(data.start) vs \(position))")
        position = plan.advance(position)
        let (H, W) = (data.height, data.width)
        let images = Tensor(storage: Storage(data.pixels), shape: [data.indices.count, channels, H, W])
        return Batch(
            images: images, captions: data.captions, labels: data.labels, indices: data.indices,
            start: data.start)
    }
}

/// A batch as plain Sendable values, made on whichever thread.
struct BatchData: Sendable {
    var pixels: [Float]
    var height: Int
    var width: Int
    var captions: [String]
    var labels: [Int?]
    var indices: [Int]
    var start: LoaderPosition
}

/// The pure part of the loader: which examples, flipped or not, for a given position.
struct BatchPlan: Sendable {
    let dataset: any Dataset
    let batchSize: Int
    let seed: UInt64
    let shuffle: Bool
    let flip: Bool
    let channels: Int

    static func mix(_ values: UInt64...) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for v in values { h = (h ^ v) &* 0x0000_0100_0000_01B3 &+ 0x9E37_79B9_7F4A_7C15 }
        return h
    }

    /// Epoch `e`'s order: Fisher–Yates (Durstenfeld) with `ArrozRandom(seed: mix(seed, e))`.
    func order(epoch: Int) -> [Int] {
        var order = Array(0..<dataset.count)
        guard shuffle else { return order }
        var rng = ArrozRandom(seed: Self.mix(seed, UInt64(epoch)))
        for i in stride(from: order.count - 1, to: 0, by: -1) { order.swapAt(i, rng.int(0, i + 1)) }
        return order
    }

    /// Moves a position that cannot fit a full batch to the start of the next epoch.
    func normalised(_ p: LoaderPosition) -> LoaderPosition {
        precondition(p.epoch >= 0 && p.position >= 0, "DataLoader: bad position \(p)")
        return p.position + batchSize > dataset.count ? LoaderPosition(epoch: p.epoch + 1, position: 0) : p
    }

    func advance(_ p: LoaderPosition) -> LoaderPosition {
        normalised(LoaderPosition(epoch: p.epoch, position: p.position + batchSize))
    }

    func make(_ start: LoaderPosition, order cached: [Int]? = nil) throws -> BatchData {
        let order = cached ?? self.order(epoch: start.epoch)
        var examples: [Example] = []
        var indices: [Int] = []
        var flips: [Bool] = []
        for k in 0..<batchSize {
            let p = start.position + k
            let index = order[p]
            examples.append(try dataset.loadExample(index))
            indices.append(index)
            var rng = ArrozRandom(seed: Self.mix(seed, UInt64(start.epoch), UInt64(p), 0xF11F))
            flips.append(flip && rng.bernoulli(0.5) && examples[k].flippable)
        }
        let (H, W) = (examples[0].image.height, examples[0].image.width)
        let C = channels
        var pixels = [Float](repeating: 0, count: batchSize * C * H * W)
        pixels.withUnsafeMutableBufferPointer { out in
            for (n, e) in examples.enumerated() {
                precondition(
                    e.image.width == W && e.image.height == H,
                    "DataLoader: example \(indices[n]) is \(e.image.width)x\(e.image.height), "
                        + "batch is \(W)x\(H)")
                let slice = UnsafeMutableBufferPointer(rebasing: out[(n * C * H * W)..<((n + 1) * C * H * W)])
                e.image.writeNormalized(to: slice, channels: C, flipped: flips[n])
            }
        }
        return BatchData(
            pixels: pixels, height: H, width: W, captions: examples.map(\.caption),
            labels: examples.map(\.label), indices: indices, start: start)
    }
}

/// A bounded queue filled in order by one background thread.
final class PrefetchQueue: @unchecked Sendable {
    private let condition = NSCondition()
    private var ready: [Result<BatchData, Error>] = []
    private var stopped = false
    private let capacity: Int

    init(plan: BatchPlan, start: LoaderPosition, capacity: Int) {
        self.capacity = capacity
        let thread = Thread { [self] in self.run(plan: plan, start: start) }
        thread.name = "arroz.prefetch"
        thread.start()
    }

    private func run(plan: BatchPlan, start: LoaderPosition) {
        var position = start
        var order = plan.order(epoch: position.epoch)
        while true {
            condition.lock()
            while ready.count >= capacity && !stopped { condition.wait() }
            let stop = stopped
            condition.unlock()
            if stop { return }
            let item = Result { try plan.make(position, order: order) }
            condition.lock()
            ready.append(item)
            condition.broadcast()
            condition.unlock()
            if case .failure = item { return }
            let next = plan.advance(position)
            if next.epoch != position.epoch { order = plan.order(epoch: next.epoch) }
            position = next
        }
    }

    func take() throws -> BatchData {
        condition.lock()
        defer { condition.unlock() }
        while ready.isEmpty {
            // Waiting on the prefetch thread is a preemption point too (a studio sample may run meanwhile).
            if !condition.wait(until: Date(timeIntervalSinceNow: 0.004)) {
                condition.unlock()
                Preemption.poll()
                condition.lock()
            }
        }
        let item = ready[0]
        if case .success = item { ready.removeFirst() }  // a failure stays, so every later call rethrows it
        condition.broadcast()
        return try item.get()
    }

    func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        condition.unlock()
    }
}
