"""PyTorch side of `arroz-studio bench models`: the reference U-Net of shared/bench (unet_ref.py) on the same
workloads — training images/s at batch 32 (forward + MSE + backward + AdamW) and ms per sampling step at batch 2
(one CFG step), fp32.

Prints one line per config: `torch <config> <train img/s> <ms per step b2>`.
Timing is unet_bench.py's `measure` (rounds of >= 0.3 s; a round is clean when other processes used < 0.2 cores;
medians over clean rounds), the same method as BenchTiming.swift.
Usage: ~/torch-venv/bin/python scripts/bench_models_torch.py [--threads 2] [--bench-dir ../shared/bench]
"""
import argparse
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--bench-dir", default=os.path.join(HERE, "..", "..", "shared", "bench"))
    ap.add_argument("--only", action="append", default=None, help="pix32-add, lat16-add (default: both)")
    args = ap.parse_args()
    sys.path.insert(0, os.path.abspath(args.bench_dir))
    import torch
    import torch.nn.functional as F
    from unet_bench import inputs, make, measure

    torch.set_num_threads(args.threads)
    for cfg in args.only or ["pix32-add", "lat16-add"]:
        m, shape, cond = make(cfg)
        m.eval()
        x, t, c = inputs(shape, cond, 2)

        def cfg_step():
            with torch.inference_mode():
                m(x, t, c)

        step_s = measure(cfg_step)[0]
        m.train()
        opt = torch.optim.AdamW(m.parameters(), lr=1e-4)
        xb, tb, cb = inputs(shape, cond, 32)
        eps = torch.randn_like(xb)

        def train_step():
            opt.zero_grad(set_to_none=True)
            F.mse_loss(m(xb, tb, cb), eps).backward()
            opt.step()

        train_s = measure(train_step, want_clean=3, max_rounds=8)[0]
        print(f"torch {cfg} {32 / train_s:.1f} {step_s * 1e3:.1f}", flush=True)


if __name__ == "__main__":
    main()
