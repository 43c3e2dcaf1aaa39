// LayerTests: Linear/Sequential names, shapes and PyTorch default-init bounds; initializer statistics.
import ArrozNN
import ArrozTensor
import ArrozTestSupport
import Testing

@Suite struct LayerTests {
    @Test func linearNamesShapesAndInitBounds() {
        var rng = ArrozRandom(seed: 0)
        let l = Linear(16, 8, rng: &rng)
        #expect(l.namedParameters().map(\.0) == ["weight", "bias"])
        #expect(l.weight.shape == [8, 16] && l.bias?.shape == [8] && l.parameterCount == 136)
        // nn.Linear.reset_parameters: U(±1/√16) for both
        #expect(
            l.weight.scalars.allSatisfy { abs($0) <= 0.25 } && l.bias!.scalars.allSatisfy { abs($0) <= 0.25 })
        #expect(l.weight.scalars.contains { abs($0) > 0.2 })  // spread over the range, not tiny
        let y = l(Tensor.ones([2, 5, 16]))
        #expect(y.shape == [2, 5, 8])
        let noBias = Linear(4, 3, bias: false, rng: &rng)
        #expect(noBias.namedParameters().map(\.0) == ["weight"])
    }

    @Test func sequentialNamesLikeTorch() {
        var rng = ArrozRandom(seed: 0)
        let s = Sequential(Linear(4, 8, rng: &rng), Lambda("relu") { $0 * 2 }, Linear(8, 2, rng: &rng))
        #expect(s.namedParameters().map(\.0) == ["0.weight", "0.bias", "2.weight", "2.bias"])
        #expect(s(Tensor.ones([3, 4])).shape == [3, 2])
        s.eval()
        #expect(s.layers.allSatisfy { !$0.isTraining })
    }

    @Test func initializerStatistics() {
        var rng = ArrozRandom(seed: 9)
        let t = Tensor.zeros([200, 300])
        Init.xavierUniform(t, rng: &rng)
        let bound = (6.0 / 500.0).squareRoot()
        #expect(t.scalars.allSatisfy { abs($0) <= Float(bound) })
        var sq: Double = 0
        for v in t.data { sq += Double(v * v) }
        // Var of U(±a) is a²/3 = 2/(fan_in + fan_out)
        #expect(abs(sq / Double(t.count) - 2.0 / 500.0) < 2e-4)
        Init.normal(t, std: 0.02, rng: &rng)
        sq = 0
        for v in t.data { sq += Double(v * v) }
        #expect(abs((sq / Double(t.count)).squareRoot() - 0.02) < 1e-3)
        Init.zeros(t)
        #expect(t.scalars.allSatisfy { $0 == 0 })
        #expect(Init.fans([8, 4, 3, 3]) == (36, 72))
    }
}

/// Layers against PyTorch modules with the same weights (fixture `layers.*` from fixtures_nn.py).
@Suite struct LayerParityTests {
    func run(_ name: String, _ layer: some UnaryLayer, weight: Tensor, bias: Tensor?) {
        weight.assign(NNFixtures.tensor("layers.\(name).weight"))
        bias?.assign(NNFixtures.tensor("layers.\(name).bias"))
        let y = layer(NNFixtures.tensor("layers.\(name).x"))
        expectClose(y, NNFixtures.tensor("layers.\(name).y"), rtol: 1e-4, atol: 1e-5, name)
    }

    @Test func linearMatchesTorch() {
        // nn.Linear(5, 3) on x [2, 4, 5]
        var rng = ArrozRandom(seed: 0)
        let l = Linear(5, 3, rng: &rng)
        run("linear", l, weight: l.weight, bias: l.bias)
    }

    @Test func conv2dMatchesTorch() {
        // nn.Conv2d(4, 6, 3, stride=2, padding=1, groups=2) on x [2, 4, 7, 6]
        var rng = ArrozRandom(seed: 0)
        let c = Conv2d(4, 6, kernelSize: 3, stride: 2, padding: 1, groups: 2, rng: &rng)
        #expect(c.weight.shape == [6, 2, 3, 3] && c.namedParameters().map(\.0) == ["weight", "bias"])
        // fan_in = 2·3·3 = 18: U(±1/√18)
        let bound = 1 / Float(18).squareRoot()
        #expect(
            c.weight.scalars.allSatisfy { abs($0) <= bound }
                && c.weight.scalars.contains { abs($0) > 0.8 * bound })
        run("conv", c, weight: c.weight, bias: c.bias)
    }

    @Test func convTranspose2dMatchesTorch() {
        // nn.ConvTranspose2d(4, 6, 4, stride=2, padding=1, output_padding=1, groups=2) on x [2, 4, 3, 5]
        var rng = ArrozRandom(seed: 0)
        let c = ConvTranspose2d(
            4, 6, kernelSize: 4, stride: 2, padding: 1, outputPadding: 1, groups: 2, rng: &rng)
        #expect(c.weight.shape == [4, 3, 4, 4])
        // fan_in from weight.size(1)·k·k = 3·16 = 48 (PyTorch's rule for this layout)
        let bound = 1 / Float(48).squareRoot()
        #expect(
            c.bias!.scalars.allSatisfy { abs($0) <= bound }
                && c.weight.scalars.allSatisfy { abs($0) <= bound })
        #expect(c.weight.scalars.contains { abs($0) > 0.8 * bound })
        run("convt", c, weight: c.weight, bias: c.bias)
    }
}

@Suite struct LayerTreeTests {
    final class Leaf: Layer {
        var isTraining = true
        let w = Tensor([1, 2])
        func visitOwnTensors(_ visit: (String, Tensor) -> Void) { visit("weight", w) }
    }
    final class Node: Layer {
        var isTraining = true
        let own = Tensor([3])
        let a = Leaf()
        let b: Leaf? = nil
        let seq = Sequential(Lambda("id") { $0 }, Linear(2, 2, rng: &LayerTreeTests.rng))
        func visitOwnTensors(_ visit: (String, Tensor) -> Void) { visit("scale", own) }
        func visitChildren(_ visit: (String, any Layer) -> Void) {
            visit("a", a)
            ArrozNN.visit(b, "b", visit)
            visit("blocks.0", seq)
        }
    }
    nonisolated(unsafe) static var rng = ArrozRandom(seed: 1)

    @Test func namesDeriveFromTheTreeOwnTensorsFirst() {
        let n = Node()
        #expect(n.namedParameters().map(\.0) == ["scale", "a.weight", "blocks.0.1.weight", "blocks.0.1.bias"])
        #expect(n.parameterCount == 1 + 2 + 4 + 2)
    }

    @Test func evalAndTrainReachEveryLayer() {
        let n = Node()
        n.eval()
        var flags: [Bool] = []
        n.visitLayers { flags.append($0.isTraining) }
        #expect(flags.count == 5)  // node, a, seq, lambda, linear
        #expect(flags.allSatisfy { !$0 })
        n.train()
        flags = []
        n.visitLayers { flags.append($0.isTraining) }
        #expect(flags.allSatisfy { $0 })
    }
}
