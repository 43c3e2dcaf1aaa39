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
        #expect(l.weight.scalars.allSatisfy { abs($0) <= 0.25 } && l.bias!.scalars.allSatisfy { abs($0) <= 0.25 })
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
