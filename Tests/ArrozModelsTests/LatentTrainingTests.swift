// LatentTrainingTests: the latent family's networks train — the contrastive loss by hand, gradients reach every
// parameter, the EMA codebook moves in training only, a few steps of each network lower its loss.
import ArrozModels
import ArrozNN
import ArrozTensor
import ArrozTestSupport
import Foundation
import Testing

@Suite struct LatentTrainingTests {
    @Test func symmetricInfoNCEByHand() {
        // two pairs in 2-D: image rows (1, 0), (0, 1); text rows (0.6, 0.8), (0.8, −0.6); scale e^s = 2
        let img = Tensor([1, 0, 0, 1], shape: [2, 2])
        let txt = Tensor([0.6, 0.8, 0.8, -0.6], shape: [2, 2])
        let s = Tensor(scalar: Float(log(2.0)), requiresGrad: true)
        let loss = clipContrastiveLoss(image: img, text: txt, logitScale: s)
        // logits = 2·I·Tᵀ = [[1.2, 1.6], [1.6, −1.2]]
        let l: [[Double]] = [[1.2, 1.6], [1.6, -1.2]]
        func ce(_ row: [Double], _ k: Int) -> Double { log(row.map { exp($0) }.reduce(0, +)) - row[k] }
        let rowsLoss = (ce(l[0], 0) + ce(l[1], 1)) / 2
        let colsLoss = (ce([l[0][0], l[1][0]], 0) + ce([l[0][1], l[1][1]], 1)) / 2
        expectClose(loss, [Float((rowsLoss + colsLoss) / 2)], rtol: 1e-5)
        loss.backward()
        #expect(s.grad != nil)
        // the temperature is clamped at ln 100: no gradient beyond it
        let big = Tensor(scalar: 6, requiresGrad: true)
        clipContrastiveLoss(image: img, text: txt, logitScale: big).backward()
        #expect(big.grad?.item == 0)
        // text 0 is closer to image 1 (0.8 > 0.6), text 1 to image 0 (0.8 > −0.6): both own images rank second
        #expect(retrievalRanks(image: img, text: txt) == [1, 1])
        #expect(retrievalRanks(image: img, text: img) == [0, 0])
    }

    @Test func imageEncoderEmbedsUnitVectorsAndLearns() {
        var rng = ArrozRandom(seed: 21)
        var c = ImageEncoderConfig()
        c.imageSize = 16
        c.widths = [8, 16]
        c.embeddingDimension = 12
        let enc = ImageEncoder(c, rng: &rng)
        #expect(enc.namedParameters().first?.0 == "logit_scale")
        let x = Tensor.randn([4, 3, 16, 16], rng: &rng)
        let e = enc(x)
        #expect(e.shape == [4, 12])
        for i in 0..<4 { #expect(abs((0..<12).map { e[i, $0] * e[i, $0] }.reduce(0, +) - 1) < 1e-4) }
        let text = Tensor.randn([4, 12], rng: &rng).l2Normalized()
        let opt = AdamW(enc.namedParameters().filter { $0.1.requiresGrad }.map { (name: $0.0, tensor: $0.1) }, lr: 3e-3)
        var first: Float = 0, last: Float = 0
        for step in 0..<30 {
            let loss = clipContrastiveLoss(image: enc(x), text: text, logitScale: enc.logitScale)
            if step == 0 { first = loss.item }
            last = loss.item
            opt.zeroGrad()
            loss.backward()
            opt.step()
        }
        #expect(last < 0.5 * first, "InfoNCE \(first) → \(last)")
    }

    @Test func arrozVQTrainsWithEMAAndStraightThrough() {
        var rng = ArrozRandom(seed: 22)
        var c = ArrozVQConfig.tiny32
        (c.hidden, c.codebookSize) = (16, 32)
        let vq = ArrozVQModel(c, rng: &rng)
        let x = Tensor.uniform([2, 3, 16, 16], rng: &rng)
        vq.train()
        let before = vq.quantizer.codebook.scalars
        let (y, e) = vq(x)
        #expect(y.shape == [2, 3, 16, 16] && e.indices.shape == [2, 4, 4])
        #expect(vq.quantizer.codebook.scalars != before, "a training call takes an EMA step")
        (mseLoss(y, x) + 0.25 * e.vq.commitLoss).backward()
        // every parameter but the unconditioned blocks' scalar γ/β (unused in the seed too) gets a gradient
        for (name, t) in vq.namedParameters() where t.requiresGrad {
            let unused = name.hasSuffix("ln.gamma") || name.hasSuffix("ln.beta")
            #expect((t.grad != nil) != unused, "\(name)")
        }
        // eval: no EMA step, BatchNorm on running statistics
        vq.eval()
        let frozen = vq.quantizer.codebook.scalars
        _ = withNoGrad { vq(x) }
        #expect(vq.quantizer.codebook.scalars == frozen)
        // decode_indices(indices of encode) = decode(quantized)
        let enc = withNoGrad { vq.encode(x) }
        expectClose(withNoGrad { vq.decodeIndices(enc.indices) }, withNoGrad { vq.decode(enc.quantized) }, atol: 1e-5)
    }

    @Test func paellaVQLearnsItsCodebookThroughTheVQLoss() {
        var rng = ArrozRandom(seed: 23)
        var c = PaellaVQConfig.tiny32
        (c.hidden, c.codebookSize) = (16, 32)
        let vq = PaellaVQModel(c, rng: &rng)
        let x = Tensor.uniform([2, 3, 16, 16], rng: &rng)
        vq.train()
        let (y, e) = vq(x)
        (mseLoss(y, x) + e.vq.loss).backward()
        #expect(vq.quantizer.codebook.grad != nil, "no EMA: the codebook trains by gradient")
        for (name, t) in vq.namedParameters() where t.requiresGrad { #expect(t.grad != nil, "\(name)") }
        // scale factor: encode divides, decode multiplies back
        vq.eval()
        let enc = withNoGrad { vq.encode(x) }
        expectClose(withNoGrad { vq.decode(enc.quantized) }, withNoGrad { vq.decodeIndices(enc.indices) }, atol: 1e-5)
    }

    @Test func priorAndV5GeneratorTrain() {
        var rng = ArrozRandom(seed: 24)
        let prior = ArrozPrior(.tiny(embedding: 16), rng: &rng)
        let x = Tensor.randn([4, 16], rng: &rng), c = Tensor.randn([4, 16], rng: &rng)
        let r = Tensor([0.1, 0.4, 0.7, 0.95])
        let eps = Tensor.randn([4, 16], rng: &rng)
        let opt = AdamW(prior.namedParameters().map { (name: $0.0, tensor: $0.1) }, lr: 1e-3)
        var first: Float = 0, last: Float = 0
        for step in 0..<20 {
            let loss = mseLoss(prior(x, r: r, c: c), eps)
            if step == 0 { first = loss.item }
            last = loss.item
            opt.zeroGrad()
            loss.backward()
            opt.step()
        }
        #expect(last < first, "prior loss \(first) → \(last)")

        var g = ArrozConfig()
        (g.inChannels, g.imageSize, g.hidden, g.rEmbedding, g.conditionDimension) = (4, 8, 32, 8, 16)
        (g.downLevels, g.upLevels) = ([1, 2], [2, 1])
        g.v5 = ArrozV5Options(downAttention: [[], [1]], upAttention: [[0], []], heads: 4)
        let gen = ArrozGenerator(g, rng: &rng)
        let names = gen.namedParameters().map(\.0)
        #expect(names.contains("clf.1.weight") && names.contains("up_blocks.1.0.weight"))
        #expect(names.contains("down_blocks.1.2.depthwise.attn.in_proj_weight"))
        #expect(names.contains("up_blocks.1.1.channelwise.0.weight"))  // the skip block after the ConvT
        let z = Tensor.randn([2, 4, 8, 8], rng: &rng)
        let y = gen(z, r: Tensor([0.3, 0.6]), c: Tensor.randn([2, 16], rng: &rng))
        #expect(y.shape == [2, 4, 8, 8])
        y.square().mean().backward()
        for (name, t) in gen.namedParameters() where t.requiresGrad { #expect(t.grad != nil, "\(name)") }
    }
}

@Suite struct LatentPreviewTests {
    @Test func latentToRGBRecoversALinearMap() {
        var rng = ArrozRandom(seed: 31)
        let z = Tensor.randn([3, 4, 4, 4], rng: &rng)
        let truth = LatentToRGB(weight: (0..<12).map { Float($0 % 5) * 0.1 - 0.2 }, bias: [0.5, -0.1, 0.2])
        let images = upsampleNearest(truth(z), scale: 4)                       // [3, 3, 16, 16]
        let fit = LatentToRGB.fit(latents: z, images: images)
        expectClose(fit.weight, truth.weight, atol: 1e-4, "W")
        expectClose(fit.bias, truth.bias, atol: 1e-4, "b")
        expectClose(fit(z), truth(z), atol: 1e-4)
    }

    @Test func codeToRGBIsThePatchMean() {
        let idx = Tensor([0, 1, 1, 0], shape: [1, 2, 2])
        let img = Tensor.zeros([1, 3, 2, 2])
        for c in 0..<3 { for p in 0..<4 { img.mutableData[c * 4 + p] = Float(p + c) } }
        let t = CodeToRGB.fit(indices: idx, images: img, codebookSize: 3)
        // code 0 covers pixels 0 and 3: mean (p + c) = 1.5 + c; code 1 pixels 1, 2: 1.5 + c; code 2 unseen: overall 1.5 + c
        expectClose(t.table, [1.5, 2.5, 3.5, 1.5, 2.5, 3.5, 1.5, 2.5, 3.5])
        #expect(t(idx).shape == [1, 3, 2, 2])
    }
}
