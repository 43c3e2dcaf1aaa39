// CLIPTextModelTests: the CLIP text tower against a random-weight HF CLIPTextModelWithProjection
// (32 wide, 2 layers; Tests/Fixtures/fixtures_text.py) — last hidden state, pooled and projected outputs.
import ArrozTensor
import ArrozTestSupport
import ArrozText
import Foundation
import Testing

@Suite struct CLIPTextModelTests {
    let io: WeightFile
    let model: CLIPTextModel

    init() throws {
        io = try WeightFile(TextFixtures.path("clip_tiny_io.safetensors"))
        let dir = TextFixtures.path("clip_tiny")
        model = try CLIPTextModel(
            config: CLIPTextConfig.load(dir + "/config.json"),
            weights: WeightFile(dir + "/model.safetensors"))
    }

    @Test func matchesHFRandomWeightModel() throws {
        let idsT = io.tensors["input_ids"]!  // [3, 12]
        let ids = (0..<3).map { r in (0..<12).map { Int(idsT.scalars[r * 12 + $0]) } }
        #expect(
            model.config.hiddenSize == 32 && model.config.eosTokenID == 999 && model.outputDimension == 16)
        let out = model.forward(ids)
        expectClose(
            out.states, io.tensors["last_hidden_state"]!.reshaped([36, 32]), rtol: 0, atol: 1e-4,
            "last_hidden_state")
        expectClose(out.pooled, io.tensors["pooler_output"]!, rtol: 0, atol: 1e-4, "pooler_output")
        expectClose(out.projected, io.tensors["text_embeds"]!, rtol: 0, atol: 1e-4, "text_embeds")
    }

    @Test func causalMaskMeansLaterTokensCannotChangeEarlierStates() throws {
        let a = model.forward([[998, 5, 6, 999]]).states.scalars
        let b = model.forward([[998, 5, 6, 999, 17, 400]]).states.scalars
        expectClose(Array(b.prefix(4 * 32)), a, rtol: 0, atol: 1e-6, "prefix states")
    }

    @Test func encoderLoadsADirectoryAndRejectsIdsBeyondItsVocabulary() throws {
        let encoder = try TextEncoders.make("clip:" + TextFixtures.path("clip_tiny"))
        #expect(encoder.dimension == 16)
        // The real tokenizer's ids (≥ 49406) do not fit the 1000-token test model: a clear error, no crash.
        #expect(throws: TextError.self) { try encoder.encode(["a red apple"]) }
        #expect(throws: TextError.self) { try TextEncoders.make("bogus") }
        #expect(throws: TextError.self) { try TextEncoders.make("clip:" + TextFixtures.scratch()) }
    }
}
