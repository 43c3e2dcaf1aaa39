"""PyTorch side of `arroz-studio bench text`: sentence-transformers all-MiniLM-L6-v2 on the same captions.

Prints `torch <ms one prompt> <ms 64 captions>` (medians). Runs offline from the cache `make encoder` fills.
Usage: ~/torch-venv/bin/python scripts/bench_text_torch.py [--threads 2] [--seconds 2] [--encoder-dir DIR]
"""
import argparse
import os
import time

os.environ.setdefault("HF_HUB_OFFLINE", "1")

COLOURS = ["red", "green", "blue", "black", "white", "striped", "small", "shiny"]
ITEMS = ["apple", "ankle boot", "sneaker", "dress", "handbag", "fire engine", "pullover", "sandal"]
CAPTIONS = [f"a photo of a {c} {i}" for c in COLOURS for i in ITEMS]
PROMPT = "a photo of a red apple on grass"


def median_ms(fn, budget):
    fn()
    times = []
    start = time.perf_counter()
    while time.perf_counter() - start < budget or len(times) < 3:
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return sorted(times)[len(times) // 2] * 1e3


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seconds", type=float, default=2.0)
    ap.add_argument("--encoder-dir", default=os.path.expanduser("~/.cache/arroz-studio/encoders/all-MiniLM-L6-v2"))
    a = ap.parse_args()
    import torch
    from sentence_transformers import SentenceTransformer, models

    torch.set_num_threads(a.threads)
    t = models.Transformer(a.encoder_dir, max_seq_length=256)
    m = SentenceTransformer(modules=[t, models.Pooling(384, "mean"), models.Normalize()], device="cpu")
    one = median_ms(lambda: m.encode([PROMPT]), a.seconds)
    batch = median_ms(lambda: m.encode(CAPTIONS, batch_size=64), a.seconds)
    print(f"torch {one:.3f} {batch:.3f}")


if __name__ == "__main__":
    main()
