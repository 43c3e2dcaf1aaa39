"""PyTorch side of `arroz-studio bench text`: sentence-transformers all-MiniLM-L6-v2 on the same captions.

Prints `torch <ms one prompt> <ms 64 captions> <best one> <best 64> <clean rounds one> <clean rounds 64>`.
Timing as /work/shared/bench/unet_bench.py and BenchTiming.swift: rounds of >= 0.3 s, a round is clean when
other processes used < 0.2 cores meanwhile; medians over clean rounds. Runs offline from the `make encoder` cache.
Usage: ~/torch-venv/bin/python scripts/bench_text_torch.py [--threads 2] [--cpu-time] [--encoder-dir DIR]
"""
import argparse
import os
import resource
import statistics
import time

os.environ.setdefault("HF_HUB_OFFLINE", "1")

COLOURS = ["red", "green", "blue", "black", "white", "striped", "small", "shiny"]
ITEMS = ["apple", "ankle boot", "sneaker", "dress", "handbag", "fire engine", "pullover", "sandal"]
CAPTIONS = [f"a photo of a {c} {i}" for c in COLOURS for i in ITEMS]
PROMPT = "a photo of a red apple on grass"


HZ = os.sysconf("SC_CLK_TCK")


def sys_busy():
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:9]]
    return (v[0] + v[1] + v[2] + v[5] + v[6] + v[7]) / HZ


def own_cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def measure(fn, round_s=0.3, want_clean=3, max_rounds=12, cpu_time=False, threads=1):
    fn()
    fn()
    per, clean = [], []
    while len(per) < max_rounds and len(clean) < want_clean:
        s0, o0, t0 = sys_busy(), own_cpu(), time.perf_counter()
        n = 0
        while True:
            fn()
            n += 1
            dt = time.perf_counter() - t0
            if dt >= round_s:
                break
        foreign = max(0.0, ((sys_busy() - s0) - (own_cpu() - o0)) / dt)
        call = (own_cpu() - o0) / threads / n if cpu_time else dt / n
        per.append(call)
        if foreign < 0.2:
            clean.append(call)
    use = clean if clean else per
    return statistics.median(use) * 1e3, min(use) * 1e3, len(clean), len(per)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--cpu-time", action="store_true", help="CPU seconds / threads instead of wall time")
    ap.add_argument("--encoder-dir", default=os.path.expanduser("~/.cache/arroz-studio/encoders/all-MiniLM-L6-v2"))
    a = ap.parse_args()
    import torch
    from sentence_transformers import SentenceTransformer, models

    torch.set_num_threads(a.threads)
    t = models.Transformer(a.encoder_dir, max_seq_length=256)
    m = SentenceTransformer(modules=[t, models.Pooling(384, "mean"), models.Normalize()], device="cpu")
    one = measure(lambda: m.encode([PROMPT]), cpu_time=a.cpu_time, threads=a.threads)
    batch = measure(lambda: m.encode(CAPTIONS, batch_size=64), round_s=0.5, cpu_time=a.cpu_time, threads=a.threads)
    print(f"torch {one[0]:.3f} {batch[0]:.3f} {one[1]:.3f} {batch[1]:.3f} {one[2]}/{one[3]} {batch[2]}/{batch[3]}")


if __name__ == "__main__":
    main()
