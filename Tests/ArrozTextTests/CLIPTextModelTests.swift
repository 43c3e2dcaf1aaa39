// CLIPTextModelTests: the CLIP text tower against a random-weight HF CLIPTextModelWithProjection
// (32 wide, 2 layers; Tests/Fixtures/fixtures_text.py) — last hidden state, pooled and projected outputs.
import ArrozNN
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

@Suite struct CLIPTextEncoderTests {
    /// A random CLIP text tower over the full 49,408-token vocabulary (8 wide, 1 layer), written to a folder
    /// as `save_pretrained` would (legacy eos_token_id 2: pooled at the largest id, the first end token).
    func makeModelDirectory(projection: Bool) throws -> String {
        let dir = TextFixtures.scratch()
        var rng = ArrozRandom(seed: 7)
        let (V, D, F) = (49408, 8, 16)
        var w = SafeTensorsWriter()
        func add(_ name: String, _ shape: [Int]) {
            w.add("text_model." + name, Tensor.randn(shape, rng: &rng))
        }
        add("embeddings.token_embedding.weight", [V, D])
        add("embeddings.position_embedding.weight", [77, D])
        for p in ["q_proj", "k_proj", "v_proj", "out_proj"] {
            add("encoder.layers.0.self_attn.\(p).weight", [D, D])
            add("encoder.layers.0.self_attn.\(p).bias", [D])
        }
        for n in ["layer_norm1", "layer_norm2", "final_layer_norm"] {
            let prefix = n == "final_layer_norm" ? n : "encoder.layers.0." + n
            add(prefix + ".weight", [D])
            add(prefix + ".bias", [D])
        }
        add("encoder.layers.0.mlp.fc1.weight", [F, D])
        add("encoder.layers.0.mlp.fc1.bias", [F])
        add("encoder.layers.0.mlp.fc2.weight", [D, F])
        add("encoder.layers.0.mlp.fc2.bias", [D])
        if projection { w.add("text_projection.weight", Tensor.randn([4, D], rng: &rng)) }
        try w.write(to: dir + "/model.safetensors")
        let config =
            #"{"model_type": "clip_text_model", "hidden_size": 8, "intermediate_size": 16, "#
            + #""num_hidden_layers": 1, "num_attention_heads": 2, "vocab_size": 49408}"#
        FileManager.default.createFile(atPath: dir + "/config.json", contents: Data(config.utf8))
        return dir
    }

    @Test func encodesWithTheRealTokenizerAndPoolsAtTheEndToken() throws {
        let dir = try makeModelDirectory(projection: false)
        let encoder = try CLIPTextEncoder(directory: dir)
        #expect(encoder.dimension == 8)
        let e = try encoder.encode(["a red apple", ""])
        #expect(e.pooled.shape == [2, 8])
        let tokens = try #require(e.tokens)
        #expect(tokens.shape == [2, 77, 8])
        // "a red apple" is [start, a, red, apple, end, end…]: pooled = the state at position 4.
        expectClose(
            Array(e.pooled.scalars[0..<8]), Array(tokens.scalars[(4 * 8)..<(5 * 8)]), rtol: 0, atol: 1e-7,
            "pooled at the first end token")
        expectClose(
            Array(e.pooled.scalars[8..<16]), Array(tokens.scalars[(77 * 8 + 8)..<(77 * 8 + 16)]), rtol: 0,
            atol: 1e-7, "empty prompt pooled at position 1")
    }

    @Test func projectionSetsTheDimension() throws {
        let encoder = try CLIPTextEncoder(directory: try makeModelDirectory(projection: true))
        #expect(encoder.dimension == 4)
        #expect(try encoder.encode(["an ankle boot"]).pooled.shape == [1, 4])
    }
}
