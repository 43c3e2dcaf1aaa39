// DataLoaderTests: same batches with and without prefetch, per-epoch permutations, resume, flips, errors.
import ArrozData
import ArrozImage
import ArrozTensor
import Testing

/// A dataset whose example 5 cannot be read, as a broken file on disk would behave.
struct FailingDataset: Dataset {
    struct Broken: Error {}
    let inner = ShapesDataset(count: 12, size: 8, seed: 1)
    var name: String { "failing" }
    var count: Int { inner.count }
    var classNames: [String]? { nil }
    func example(_ index: Int) -> Example { inner.example(index) }
    func loadExample(_ index: Int) throws -> Example {
        if index == 5 { throw Broken() }
        return inner.example(index)
    }
}

/// Some examples of another dataset.
struct Picked: Dataset {
    let base: EmojiDataset
    let indices: [Int]
    var name: String { "picked" }
    var count: Int { indices.count }
    var classNames: [String]? { nil }
    func example(_ index: Int) -> Example { base.example(indices[index]) }
}

@Suite struct DataLoaderTests {
    let data = ShapesDataset(count: 20, size: 8, seed: 4)

    @Test func prefetchGivesTheSameBatches() throws {
        let plain = DataLoader(dataset: data, batchSize: 6, seed: 9, horizontalFlip: true, prefetch: 0)
        let fetched = DataLoader(dataset: data, batchSize: 6, seed: 9, horizontalFlip: true, prefetch: 3)
        for _ in 0..<10 {  // 3 batches per epoch: crosses three epoch boundaries
            let a = try plain.next(), b = try fetched.next()
            #expect(a.indices == b.indices && a.start == b.start)
            #expect(a.images.shape == [6, 3, 8, 8])
            #expect(a.images.scalars == b.images.scalars)
            #expect(a.captions == b.captions && a.captions[0] == data.example(a.indices[0]).caption)
            #expect(a.labels.allSatisfy { $0 != nil })
        }
        #expect(plain.position == LoaderPosition(epoch: 3, position: 6))
    }

    @Test func epochsArePermutationsInDifferentOrders() throws {
        let loader = DataLoader(dataset: data, batchSize: 5, seed: 2)
        var epochs: [[Int]] = [[], []]
        for _ in 0..<8 {
            let b = try loader.next()
            epochs[b.start.epoch] += b.indices
        }
        #expect(epochs[0].sorted() == Array(0..<20) && epochs[1].sorted() == Array(0..<20))
        #expect(epochs[0] != epochs[1])
        let again = DataLoader(dataset: data, batchSize: 5, seed: 2)
        #expect(try again.next().indices == Array(epochs[0].prefix(5)))
        let unshuffled = DataLoader(dataset: data, batchSize: 5, seed: 2, shuffle: false)
        #expect(try unshuffled.next().indices == [0, 1, 2, 3, 4])
    }

    @Test func resumesFromAPosition() throws {
        let loader = DataLoader(dataset: data, batchSize: 6, seed: 5, horizontalFlip: true)
        var seen: [Batch] = []
        for _ in 0..<5 { seen.append(try loader.next()) }
        let resumed = DataLoader(
            dataset: data, batchSize: 6, seed: 5, horizontalFlip: true, start: seen[3].start)
        let b = try resumed.next()
        #expect(seen[3].start == LoaderPosition(epoch: 1, position: 0))
        #expect(b.indices == seen[3].indices && b.images.scalars == seen[3].images.scalars)
        #expect(try resumed.next().indices == seen[4].indices)
    }

    @Test func flipsMirrorSomeImages() throws {
        let loader = DataLoader(dataset: data, batchSize: 20, seed: 1, shuffle: false, horizontalFlip: true)
        let batch = try loader.next()
        var flipped = 0
        for (n, index) in batch.indices.enumerated() {
            let original = data.example(index).image
            let got = RGBImage.images(fromBatch: batch.images)[n]
            if got != original {
                flipped += 1
                #expect(got.rgb(0, 3) == original.rgb(7, 3) && got.rgb(7, 0) == original.rgb(0, 0))
            }
        }
        #expect(flipped > 2 && flipped < 18)
    }

    @Test func greyBatches() throws {
        let fashion = try FashionMNIST(split: .test)
        let loader = DataLoader(dataset: fashion, batchSize: 4, seed: 0, shuffle: false, channels: 1)
        let batch = try loader.next()
        #expect(batch.images.shape == [4, 1, 32, 32])
        #expect(batch.labels == [9, 2, 1, 1] && batch.captions[0] == "Ankle boot")
        // Padding is black (−1); grey pixels keep their value: v = p / 127.5 − 1.
        #expect(batch.images[0, 0, 0, 0] == -1)
        let image = fashion.example(0).image
        let (x, y) = (16, 16)
        #expect(abs(batch.images[0, 0, y, x] - (Float(image.rgb(x, y).r) / 127.5 - 1)) < 1e-4)
    }

    @Test func neverFlipsUnflippableExamples() throws {
        let emoji = try EmojiDataset(size: 8)
        let flags = (0..<emoji.count).filter { emoji.entries[$0].name.hasPrefix("flag:") }.prefix(16)
        let subset = Picked(base: emoji, indices: Array(flags))
        let loader = DataLoader(dataset: subset, batchSize: 16, seed: 3, shuffle: false, horizontalFlip: true)
        let batch = try loader.next()
        for (n, index) in batch.indices.enumerated() {
            #expect(RGBImage.images(fromBatch: batch.images)[n] == subset.example(index).image)
        }
    }

    @Test func readErrorsReachTheCaller() {
        for prefetch in [0, 2] {
            let loader = DataLoader(dataset: FailingDataset(), batchSize: 12, seed: 0, prefetch: prefetch)
            #expect(throws: FailingDataset.Broken.self) { try loader.next() }
        }
    }
}
