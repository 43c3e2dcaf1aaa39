"""Reference fixtures for ArrozText (all-MiniLM-L6-v2, the CLIP tokenizer, a random-weight CLIP text tower).

make(out_dir) writes into out_dir (normally Tests/ArrozTextTests/Fixtures):
  minilm_prompts.json      32 varied prompts and the ids sentence-transformers' tokenizer gives them
  minilm_embeddings.npy    [32, 384] float32 sentence-transformers embeddings (mean pool + L2 norm)
  clip_tokenizer.json      strings and the ids transformers.CLIPTokenizer gives them (context 77)
  clip_tiny/               a random-weight CLIPTextModelWithProjection (32 wide, 2 layers): config.json,
                           model.safetensors, and inputs/outputs in clip_tiny_io.safetensors

Runs offline with ~/torch-venv/bin/python; MiniLM comes from the cache `make encoder` fills
($ARROZ_ENCODER_DIR or ~/.cache/arroz-studio/encoders).
"""
import gzip
import json
import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

ENCODERS = os.environ.get("ARROZ_ENCODER_DIR") or os.path.expanduser("~/.cache/arroz-studio/encoders")

LONG = " ".join(
    f"sentence {i}: the quick brown fox jumps over the lazy dog while a red apple rolls off the table."
    for i in range(20)
)

MINILM_PROMPTS = [
    "a red apple",
    "an ankle boot",
    "a green apple",
    "a sneaker",
    "a cat sitting on a mat",
    "",
    "Hello, World! How's it going?? (fine) [ok] {yes} <no> $5 & 10% off #1 @home ~ ^_^ | a+b=c",
    "Café crème brûlée à la carte, naïve résumé, Ångström, Øresund",
    "İstanbul ΣΊΣΥΦΟΣ straße ﬁnance",
    "2 sneakers, 3.14159 and 1,000,000 coats in 2024-11-21",
    "一只红苹果 and 日本語のテキスト",
    "한국어 텍스트 사과",
    "🍎 apple 👟 sneaker 👩‍🚀 astronaut ❤️",
    "tab\there\nnewline\r\ncarriage\u0000null\u200bzero-width\u00adsoft-hyphen",
    "THE QUICK BROWN FOX JUMPS OVER THE LAZY DOG",
    "don't won't can't it's we're they've",
    "https://example.com/path?x=1&y=2#frag user@example.org",
    "x² + y² = z², ½ cup, 3° C",
    "مرحبا بالعالم",
    "नमस्ते दुनिया",
    "“curly quotes” ‘single’ — em dash – en dash … ellipsis",
    "supercalifragilisticexpialidocious antidisestablishmentarianism",
    "a" * 120,
    "   leading and trailing spaces   ",
    "T-shirt/top, Trouser, Pullover, Dress, Coat, Sandal, Shirt, Sneaker, Bag, Ankle boot",
    "a photo of a fire engine",
    "woman dancing: light skin tone",
    "flag: Paraguay",
    "Ünïcödé ÀÉÎÕÜ çñ",
    "\u00a0non-breaking\u2003em-space\u3000ideographic space",
    LONG,
    "Москва — столица России.",
]

CLIP_STRINGS = [
    "An Ankle-Boot, 2 sneakers!",
    "a photo of a cat",
    "",
    "a red apple",
    "Hello, World! How's it going?? don't won't they'll I'd we've you're",
    "Café crème brûlée, naïve résumé",
    "2024-11-21 and 3.14159 and 1,000,000",
    "一只红苹果 日本語のテキスト",
    "🍎 apple 👟 sneaker 👩‍🚀 ❤️",
    "multiple     spaces\tand\nnewlines",
    "UPPER case MiXeD",
    "<|endoftext|> inside <|startoftext|>text",
    "x² + y² = z², ½ cup",
    "https://example.com/path?x=1&y=2",
    "!!!???...,,,;;;",
    "ΣΊΣΥΦΟΣ İstanbul straße",
    "Москва — столица России.",
    LONG,
    "supercalifragilisticexpialidocious",
    "'s 't 're 've 'm 'll 'd ''",
]


def _minilm(out_dir):
    import numpy as np
    from sentence_transformers import SentenceTransformer, models

    d = os.path.join(ENCODERS, "all-MiniLM-L6-v2")
    t = models.Transformer(d, max_seq_length=256)
    m = SentenceTransformer(modules=[t, models.Pooling(384, "mean"), models.Normalize()], device="cpu")
    ids = [m.tokenizer(p, truncation=True, max_length=256)["input_ids"] for p in MINILM_PROMPTS]
    emb = m.encode(MINILM_PROMPTS, batch_size=8, convert_to_numpy=True).astype(np.float32)
    with open(os.path.join(out_dir, "minilm_prompts.json"), "w", encoding="utf-8") as f:
        json.dump({"prompts": MINILM_PROMPTS, "ids": ids}, f, ensure_ascii=False)
    np.save(os.path.join(out_dir, "minilm_embeddings.npy"), emb)


def _clip_tokenizer_files(tmp):
    """vocab.json + merges.txt from open_clip's bpe file, by the bytes_to_unicode / merges[1:48895] recipe."""
    path = os.path.join(ENCODERS, "clip", "bpe_simple_vocab_16e6.txt.gz")
    merges = gzip.open(path).read().decode("utf-8").split("\n")[1 : 49152 - 256 - 2 + 1]
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    vocab = [chr(c) for c in cs]
    vocab += [v + "</w>" for v in vocab]
    vocab += ["".join(m.split(" ")) for m in merges]
    vocab += ["<|startoftext|>", "<|endoftext|>"]
    with open(os.path.join(tmp, "vocab.json"), "w", encoding="utf-8") as f:
        json.dump({v: i for i, v in enumerate(vocab)}, f, ensure_ascii=False)
    with open(os.path.join(tmp, "merges.txt"), "w", encoding="utf-8") as f:
        f.write("#version: 0.2\n" + "\n".join(merges) + "\n")


def _clip_tokenizer(out_dir):
    import tempfile
    from transformers import CLIPTokenizer

    with tempfile.TemporaryDirectory() as tmp:
        _clip_tokenizer_files(tmp)
        tok = CLIPTokenizer(vocab=os.path.join(tmp, "vocab.json"), merges=os.path.join(tmp, "merges.txt"))
        ids = [tok(s, truncation=True, max_length=77)["input_ids"] for s in CLIP_STRINGS]
    assert ids[0] == [49406, 550, 14777, 268, 8087, 267, 273, 17397, 256, 49407], ids[0]
    with open(os.path.join(out_dir, "clip_tokenizer.json"), "w", encoding="utf-8") as f:
        json.dump({"strings": CLIP_STRINGS, "ids": ids}, f, ensure_ascii=False)


def _clip_tiny(out_dir):
    import torch
    from safetensors.torch import save_file
    from transformers import CLIPTextConfig, CLIPTextModelWithProjection

    torch.manual_seed(0)
    config = CLIPTextConfig(
        vocab_size=1000, hidden_size=32, intermediate_size=64, projection_dim=16, num_hidden_layers=2,
        num_attention_heads=4, max_position_embeddings=77, hidden_act="quick_gelu", layer_norm_eps=1e-5,
        bos_token_id=998, eos_token_id=999, pad_token_id=999)
    model = CLIPTextModelWithProjection(config).eval()
    with torch.no_grad():  # random init is small; widen it so the check means something
        for p in model.parameters():
            p.add_(torch.randn_like(p) * 0.2)
    d = os.path.join(out_dir, "clip_tiny")
    os.makedirs(d, exist_ok=True)
    model.save_pretrained(d, safe_serialization=True)
    g = torch.Generator().manual_seed(1)
    ids = torch.randint(0, 998, (3, 12), generator=g)
    ids[:, 0] = 998
    ids[0, 11] = 999                       # end token last
    ids[1, 6] = 999                        # end token then padding with the end token
    ids[1, 7:] = 999
    ids[2, 9] = 999                        # end token then other ids (causal: they cannot change the pool)
    with torch.no_grad():
        out = model(input_ids=ids, output_hidden_states=False)
        base = model.text_model(input_ids=ids)
    save_file({
        "input_ids": ids.to(torch.float32).contiguous(),
        "last_hidden_state": base.last_hidden_state.contiguous(),
        "pooler_output": base.pooler_output.contiguous(),
        "text_embeds": out.text_embeds.contiguous(),
    }, os.path.join(out_dir, "clip_tiny_io.safetensors"))


def make(out_dir):
    os.makedirs(out_dir, exist_ok=True)
    _minilm(out_dir)
    _clip_tokenizer(out_dir)
    _clip_tiny(out_dir)


if __name__ == "__main__":
    import sys
    make(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "ArrozTextTests", "Fixtures"))
