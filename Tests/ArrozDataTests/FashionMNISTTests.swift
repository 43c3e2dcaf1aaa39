// FashionMNISTTests: split sizes, first labels, padding and the missing-package error.
import ArrozData
import Testing

@Suite struct FashionMNISTTests {
    @Test func countsAndFirstLabels() throws {
        let train = try FashionMNIST(split: .train)
        let test = try FashionMNIST(split: .test)
        #expect(train.count == 60_000)
        #expect(test.count == 10_000)
        // torchvision: [FashionMNIST(root, train=True)[i][1] for i in range(5)] == [9, 0, 0, 3, 0]
        #expect((0..<5).map(train.label) == [9, 0, 0, 3, 0])
        // torchvision: [FashionMNIST(root, train=False)[i][1] for i in range(5)] == [9, 2, 1, 1, 6]
        #expect((0..<5).map(test.label) == [9, 2, 1, 1, 6])
        let e = train.example(0)
        #expect(e.caption == "Ankle boot" && e.label == 9)
        #expect(e.image.width == 32 && e.image.height == 32)
        // 2-pixel black border from padding 28 → 32; the boot itself is bright somewhere.
        #expect((0..<32).allSatisfy { e.image[$0, 0] == (0, 0, 0) && e.image[0, $0] == (0, 0, 0) })
        #expect(e.image.pixels.max() == 255)
        // Every class is present in the training set, ~6000 each.
        var counts = [Int](repeating: 0, count: 10)
        for i in 0..<train.count { counts[train.label(i)] += 1 }
        #expect(counts == [Int](repeating: 6000, count: 10))
    }

    @Test func missingDatasetSaysHowToInstall() {
        #expect {
            _ = try FashionMNIST(split: .train, directory: "/nonexistent/fashion")
        } throws: { error in
            "\(error)".contains("apt-get install dataset-fashion-mnist")
                && "\(error)".contains("/nonexistent/fashion")
        }
    }
}
