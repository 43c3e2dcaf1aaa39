// NormLayerTests: the norm/attention layers against torch.nn modules loaded with their real state_dicts
// (fixtures from Tests/Fixtures/fixtures_norm.py), state_dict names, default inits and train/eval behaviour.
import ArrozNN
import ArrozTensor
import ArrozTestSupport
import Foundation
import Testing

/// Reads `Fixtures/norm/<name>.json` of this test bundle as name → tensor.
private func fixture(_ name: String) throws -> [String: Tensor] {
    let f = try Fixture(name, area: "norm", bundle: .module)
    var out: [String: Tensor] = [:]
    for n in f.tensorNames { out[n] = try f.tensor(n) }
    return out
}

/// Copies every state_dict entry the fixture holds into the layer (by PyTorch name), checking shapes.
private func load(_ layer: Layer, from t: [String: Tensor], prefix: String = "") {
    layer.visitParameters { name, p in
        guard let src = t[prefix + name] else {
            Issue.record("fixture lacks \(prefix + name)")
            return
        }
        #expect(src.count == p.count, "\(name): fixture \(src.shape) vs layer \(p.shape)")
        p.assign(src)
    }
}

@Suite struct NormLayerTests {
    @Test func multiheadAttentionMatchesTorchModule() throws {
        let t = try fixture("multihead_attention")
        var rng = ArrozRandom(seed: 1)
        let mha = MultiheadAttention(8, heads: 2, dropout: 0.1, rng: &rng)
        #expect(
            mha.namedParameters().map(\.0) == [
                "in_proj_weight", "in_proj_bias", "out_proj.weight", "out_proj.bias",
            ])
        load(mha, from: t)
        mha.eval()  // dropout off, as the fixture (need_weights=False in eval-equivalent, dropout 0 default)
        let (q, k, v) = (t["query"]!.detached(), t["key"]!.detached(), t["value"]!.detached())
        for x in [q, k, v] { x.requiresGrad = true }
        let y = mha(q, k, v, attnMask: t["attn_mask"], keyPaddingMask: t["key_padding_mask"])
        expectClose(y, t["y"]!, rtol: 1e-4, atol: 1e-5, "y")
        (y * t["r"]!).sum().backward()
        expectClose(q.grad!, t["dquery"]!, rtol: 1e-4, atol: 1e-5, "dquery")
        expectClose(k.grad!, t["dkey"]!, rtol: 1e-4, atol: 1e-5, "dkey")
        expectClose(v.grad!, t["dvalue"]!, rtol: 1e-4, atol: 1e-5, "dvalue")
        for (name, p) in mha.namedParameters() {
            expectClose(p.grad!, t["d" + name]!, rtol: 1e-4, atol: 1e-5, "d" + name)
        }
    }

    @Test func selfAttentionWithBoolMaskAndNoBias() throws {
        let t = try fixture("multihead_attention_self")
        var rng = ArrozRandom(seed: 2)
        let mha = MultiheadAttention(8, heads: 2, bias: false, rng: &rng)
        #expect(mha.namedParameters().map(\.0) == ["in_proj_weight", "out_proj.weight"])
        load(mha, from: t)
        let x = t["x"]!
        expectClose(mha(x, x, x, boolAttnMask: t["attn_mask"]), t["y"]!, rtol: 1e-4, atol: 1e-5)
    }

    @Test func multiheadAttentionInitAndDropout() {
        var rng = ArrozRandom(seed: 3)
        let mha = MultiheadAttention(16, heads: 4, dropout: 0.5, rng: &rng)
        // xavier-uniform bound √(6/(16+48)) for [48, 16]; Linear bound 1/√16 for out_proj; zero biases.
        #expect(mha.inProjWeight.scalars.allSatisfy { abs($0) <= (6.0 / 64).squareRoot() })
        #expect(mha.inProjWeight.scalars.contains { abs($0) > 0.25 })
        #expect(mha.outProjWeight.scalars.allSatisfy { abs($0) <= 0.25 })
        #expect(
            mha.inProjBias!.scalars.allSatisfy { $0 == 0 } && mha.outProjBias!.scalars.allSatisfy { $0 == 0 })
        let x = Tensor.randn([2, 5, 16], rng: &rng)
        var r1 = ArrozRandom(seed: 9), r2 = ArrozRandom(seed: 9)
        let a = mha(x, x, x, rng: &r1), b = mha(x, x, x, rng: &r2)
        #expect(a.scalars == b.scalars)  // same generator state, same dropout
        let c = mha(x, x, x)
        #expect(c.scalars != a.scalars)  // a different dropout draw
        mha.eval()
        #expect(mha(x, x, x).scalars == mha(x, x, x).scalars)
    }

    @Test func batchNorm2dTrainsThenEvaluatesLikeTorch() throws {
        let t = try fixture("batch_norm2d")
        let bn = BatchNorm2d(3)
        #expect(
            bn.namedParameters().map(\.0) == [
                "weight", "bias", "running_mean", "running_var", "num_batches_tracked",
            ])
        #expect(bn.runningVar!.scalars == [1, 1, 1] && bn.numBatchesTracked!.item == 0)
        bn.weight!.assign(t["weight"]!)
        bn.bias!.assign(t["bias"]!)
        bn.train()
        expectClose(bn(t["x1"]!), t["y1"]!, rtol: 1e-4, atol: 1e-5, "y1")
        expectClose(bn(t["x2"]!), t["y2"]!, rtol: 1e-4, atol: 1e-5, "y2")
        bn.eval()
        expectClose(bn(t["x3"]!), t["y3"]!, rtol: 1e-4, atol: 1e-5, "y3")
        expectClose(bn.runningMean!, t["running_mean"]!, rtol: 1e-5, atol: 1e-6, "running_mean")
        expectClose(bn.runningVar!, t["running_var"]!, rtol: 1e-5, atol: 1e-6, "running_var")
        #expect(bn.numBatchesTracked!.item == 2 && t["num_batches_tracked"]!.item == 2)
        #expect(bn.trainableParameters().count == 2)
    }

    @Test func batchNormCumulativeAverage() {
        // momentum nil: after k batches the running mean is the plain average of the k batch means.
        let bn = BatchNorm2d(1, momentum: nil, affine: false)
        let a = Tensor([1, 3], shape: [2, 1]), b = Tensor([5, 7], shape: [2, 1])
        _ = bn(a)
        _ = bn(b)
        expectClose(bn.runningMean!, [4])
        expectClose(bn.runningVar!, [2])  // unbiased variances 2 and 2
    }

    @Test func layerNormAndGroupNormMatchTorch() throws {
        let t = try fixture("layer_norm_group_norm")
        let ln = LayerNorm(6), gn = GroupNorm(2, 4)
        #expect(ln.namedParameters().map(\.0) == ["weight", "bias"])
        #expect(ln.weight!.scalars.allSatisfy { $0 == 1 } && gn.bias!.scalars.allSatisfy { $0 == 0 })
        ln.weight!.assign(t["ln_weight"]!)
        ln.bias!.assign(t["ln_bias"]!)
        gn.weight!.assign(t["gn_weight"]!)
        gn.bias!.assign(t["gn_bias"]!)
        expectClose(ln(t["xl"]!), t["yl"]!, rtol: 1e-4, atol: 1e-5, "LayerNorm")
        expectClose(gn(t["xg"]!), t["yg"]!, rtol: 1e-4, atol: 1e-5, "GroupNorm")
        #expect(LayerNorm2d(4, eps: 1e-6, elementwiseAffine: false).namedParameters().isEmpty)
        #expect(GroupNorm(2, 4, affine: false).namedParameters().isEmpty)
    }

    @Test func grnLayerNamesShapesAndIdentityInit() {
        let g = GRN(5)
        #expect(g.namedParameters().map(\.0) == ["gamma", "beta"])
        #expect(g.gamma.shape == [1, 1, 1, 5] && GRN(5, channelsLast: false).beta.shape == [1, 5, 1, 1])
        var rng = ArrozRandom(seed: 4)
        let x = Tensor.randn([2, 3, 3, 5], rng: &rng)
        expectClose(g(x), x)  // zero γ, β: the identity
        g.gamma.assign([Float](repeating: 1, count: 5))
        #expect(g(x).scalars != x.scalars)
    }

    @Test func embeddingPaddingRowGetsNoGradient() {
        var rng = ArrozRandom(seed: 5)
        let e = Embedding(50, 4, paddingIndex: 0, rng: &rng)
        #expect(e.namedParameters().map(\.0) == ["weight"])
        #expect(Array(e.weight.scalars[0..<4]) == [0, 0, 0, 0])
        let w = Array(e.weight.scalars[4...])
        let mean = w.reduce(0, +) / Float(w.count)
        #expect(abs(mean) < 0.3 && w.contains { abs($0) > 1 })  // N(0, 1)
        e.weight.mutableData[1] = 2  // a loaded checkpoint may hold a nonzero padding row
        let ids = Tensor([3, 0, 3, 7], shape: [2, 2])
        let y = e(ids)
        #expect(y.shape == [2, 2, 4] && y[0, 1, 1] == 2 && y[0, 0, 0] == e.weight[3, 0])
        y.sum().backward()
        let g = e.weight.grad!
        #expect(Array(g.scalars[0..<4]) == [0, 0, 0, 0])
        #expect(g[3, 0] == 2 && g[7, 2] == 1 && g[1, 0] == 0)
    }

    @Test func dropoutTrainAndEval() {
        var rng = ArrozRandom(seed: 6)
        let d = Dropout(0.25, rng: &rng)
        let x = Tensor.ones([4000])
        let y = d(x)
        let zeros = y.scalars.filter { $0 == 0 }.count
        #expect(abs(Float(zeros) / 4000 - 0.25) < 0.03)
        #expect(y.scalars.allSatisfy { $0 == 0 || abs($0 - 4.0 / 3) < 1e-6 })
        d.eval()
        #expect(d(x).scalars == x.scalars)
    }
}
