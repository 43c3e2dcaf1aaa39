// MovementTests: expand, slice, split/chunk, concat/stack, flip, padding and pixel (un)shuffle.
import ArrozTensor
import ArrozTestSupport
import Testing

@Suite struct MovementTests {
    let x = Tensor((0..<24).map(Float.init), shape: [2, 3, 4])

    @Test func expandValuesAndGradient() {
        let b = Tensor([1, 2, 3], shape: [3, 1])
        let e = b.expanded(to: [2, -1, 2])
        #expect(e.shape == [2, 3, 2])
        expectClose(e, [1, 1, 2, 2, 3, 3, 1, 1, 2, 2, 3, 3])
        var rng = ArrozRandom(seed: 31)
        let y = Tensor.randn([3, 1], rng: &rng)
        expectGradientsMatch([y]) { t in t[0].expanded(to: [2, 3, 4]) }
    }

    @Test func sliceLikePython() {
        // x[:, 1:, ::2] and x[..., -3:-1]
        let a = x.slice(axis: 1, start: 1).slice(axis: 2, step: 2)
        #expect(a.shape == [2, 2, 2])
        expectClose(a, [4, 6, 8, 10, 16, 18, 20, 22])
        expectClose(
            x.slice(axis: -1, start: -3, end: -1).slice(axis: 0, end: 1).slice(axis: 1, end: 1), [1, 2])
        #expect(x.slice(axis: 1, start: 5).shape == [2, 0, 4])
        #expect(x.narrow(axis: 2, start: 1, length: 3).shape == [2, 3, 3])
        var rng = ArrozRandom(seed: 32)
        let y = Tensor.randn([2, 5, 3], rng: &rng)
        expectGradientsMatch([y]) { t in t[0].slice(axis: 1, start: 1, end: 5, step: 2) }
    }

    @Test func splitChunkConcatRoundTrip() {
        let parts = x.split(sizes: [1, 2], axis: 1)
        #expect(parts.map(\.shape) == [[2, 1, 4], [2, 2, 4]])
        expectClose(concat(parts, axis: 1), x)
        // torch.arange(5).chunk(2) -> sizes [3, 2]; torch.arange(6).chunk(4) -> sizes [2, 2, 2]
        #expect(Tensor.arange(0, 5).chunk(2, axis: 0).map(\.count) == [3, 2])
        #expect(Tensor.arange(0, 6).chunk(4, axis: 0).map(\.count) == [2, 2, 2])
        let c = concat([x.slice(axis: 2, end: 1), x.slice(axis: 2, start: 3)], axis: -1)
        expectClose(c, [0, 3, 4, 7, 8, 11, 12, 15, 16, 19, 20, 23])
        #expect(stack([x, x], axis: 1).shape == [2, 2, 3, 4])
        var rng = ArrozRandom(seed: 33)
        let a = Tensor.randn([2, 2, 3], rng: &rng), b = Tensor.randn([2, 1, 3], rng: &rng)
        expectGradientsMatch([a, b]) { t in concat([t[0], t[1], t[0]], axis: 1) }
        expectGradientsMatch([a]) { t in
            let p = t[0].chunk(2, axis: 2)
            return p[0] * p[0].sum() + p[1].square()
        }
    }

    @Test func flipValuesAndGradient() {
        expectClose(x.flipped(axes: [2]).slice(axis: 0, end: 1).slice(axis: 1, end: 1), [3, 2, 1, 0])
        let f = x.flipped(axes: [0, -1])
        #expect(f[0, 0, 0] == x[1, 0, 3])
        #expect(f[1, 2, 1] == x[0, 2, 2])
        expectClose(x.flipped(axes: [1, 2]).flipped(axes: [2, 1]), x)
        var rng = ArrozRandom(seed: 34)
        let y = Tensor.randn([2, 3, 2], rng: &rng)
        expectGradientsMatch([y]) { t in t[0].flipped(axes: [0, 1]) * t[0] }
    }

    @Test func pad2dModesMatchTorch() {
        let p = Tensor([1, 2, 3, 4, 5, 6], shape: [1, 1, 2, 3])
        // F.pad(p, (2, 1, 1, 0), mode='reflect')
        expectClose(
            p.pad2d(left: 2, right: 1, top: 1, bottom: 0, mode: .reflect),
            [6, 5, 4, 5, 6, 5, 3, 2, 1, 2, 3, 2, 6, 5, 4, 5, 6, 5])
        // F.pad(p, (1, 2, 0, 1), mode='replicate')
        expectClose(
            p.pad2d(left: 1, right: 2, top: 0, bottom: 1, mode: .replicate),
            [1, 1, 2, 3, 3, 3, 4, 4, 5, 6, 6, 6, 4, 4, 5, 6, 6, 6])
        // F.pad(p, (1, 0, 0, 1))
        expectClose(p.pad2d(left: 1, right: 0, top: 0, bottom: 1), [0, 1, 2, 3, 0, 4, 5, 6, 0, 0, 0, 0])
        let q = Tensor([1, 2], shape: [2]).padded([(before: 1, after: 2)], value: -1)
        expectClose(q, [-1, 1, 2, -1, -1])
        var rng = ArrozRandom(seed: 35)
        let y = Tensor.randn([2, 1, 3, 3], rng: &rng)
        for mode in [PadMode.zeros, .reflect, .replicate] {
            expectGradientsMatch([y]) { t in t[0].pad2d(left: 2, right: 1, top: 1, bottom: 2, mode: mode) }
        }
        expectGradientsMatch([y]) { t in t[0].padded([(0, 1), (1, 0), (0, 0), (2, 1)]) }
    }

    @Test func pixelShuffleRoundTrip() {
        let c = Tensor((0..<16).map(Float.init), shape: [1, 4, 2, 2])
        let s = c.pixelShuffle(2)
        #expect(s.shape == [1, 1, 4, 4])
        // F.pixel_shuffle(torch.arange(16.).view(1, 4, 2, 2), 2).flatten()
        expectClose(s, [0, 4, 1, 5, 8, 12, 9, 13, 2, 6, 3, 7, 10, 14, 11, 15])
        expectClose(s.pixelUnshuffle(2), c)
        var rng = ArrozRandom(seed: 36)
        let y = Tensor.randn([1, 8, 1, 2], rng: &rng)
        expectGradientsMatch([y]) { t in t[0].pixelShuffle(2) }
        expectGradientsMatch([y]) { t in t[0].reshaped([1, 2, 2, 4]).pixelUnshuffle(2) }
    }
}
