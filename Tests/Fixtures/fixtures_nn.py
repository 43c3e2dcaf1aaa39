"""Fixtures for ArrozNNTests: optimizers, clipping and LR schedules from PyTorch; safetensors files from Python.

make(out_dir) writes:
  nn_optim.json                 {"tensors": {name: {"shape": [...], "data": [...]}}}:
      adamw.*  torch.optim.AdamW(lr=1e-2, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.1), 10 steps
      adam.*   torch.optim.Adam(lr=1e-2, weight_decay=0.05), 10 steps
      keras.*  tf.keras Adam (lr 1e-2, eps 1e-7) written out in numpy float64 (TF is not installed)
      per optimizer: <opt>.init.<p>, <opt>.grad<k>.<p> (k = 0..9), <opt>.final.<p>, <opt>.exp_avg.<p>,
      <opt>.exp_avg_sq.<p> for p in {w [3, 4], b [5]}
      clip.* clip_grad_norm_ on grads g0 [2, 3], g1 [4]: clip.max1.total / .g0 / .g1 (max_norm 1.0),
             clip.max100.* (max_norm 100, no clipping)
      onecycle.seed.lr / .beta1   OneCycleLR(max_lr 3e-4, total 50, pct 0.1, div 25, final_div 1/25, linear)
      onecycle.default.lr / .beta1   OneCycleLR(max_lr 1e-2, total 17, linear), steps 0..17
      cosine.lr   transformers get_cosine_with_min_lr_schedule_with_warmup(base 1e-3, warmup 5, total 20,
                  min_lr 1e-4), steps 0..24
      layers.* nn.Linear(5, 3), nn.Conv2d(4, 6, 3, stride=2, padding=1, groups=2),
               nn.ConvTranspose2d(4, 6, 4, stride=2, padding=1, output_padding=1, groups=2) with seeded weights:
               layers.<l>.weight / .bias / .x / .y
  python_mixed.safetensors      written by safetensors.torch.save_file: f32 [2, 3], f16 [6], bf16 [3],
                                i64 [2, 2], metadata {"source": "python", "note": "a \"quoted\" value"};
                                expected Float32 values in nn_optim.json under st.<name>
  python_plain.safetensors      a I64 [2], b.w F32 [2, 3], c F32 [1], metadata {"k": "v\"q"} — our writer must
                                produce these exact bytes for the same content
  When Tests/ArrozNNTests/Fixtures/swift_written.safetensors (and swift_checkpoint.safetensors) exist (written by the Swift round-trip test
  with ARROZ_WRITE_FIXTURES=1), it is loaded with safetensors.torch.load_file and checked.
Run: ~/torch-venv/bin/python Tests/Fixtures/fixtures_nn.py Tests/ArrozNNTests/Fixtures
"""
import json
import math
import os
import sys

import numpy as np
import torch
from safetensors import safe_open
from safetensors.torch import load_file, save_file

OUT_DIR = "Tests/ArrozNNTests/Fixtures"


def put(out, name, t):
    t = torch.as_tensor(t).detach().to(torch.float64)
    out[name] = {"shape": list(t.shape), "data": [float(v) for v in t.reshape(-1).tolist()]}


def run_torch_optimizer(out, prefix, make_opt, gen):
    w = torch.randn(3, 4, generator=gen).requires_grad_()
    b = torch.randn(5, generator=gen).requires_grad_()
    put(out, f"{prefix}.init.w", w)
    put(out, f"{prefix}.init.b", b)
    opt = make_opt([w, b])
    for k in range(10):
        gw = torch.randn(3, 4, generator=gen)
        gb = torch.randn(5, generator=gen) * 0.1
        put(out, f"{prefix}.grad{k}.w", gw)
        put(out, f"{prefix}.grad{k}.b", gb)
        w.grad = gw.clone()
        b.grad = gb.clone()
        opt.step()
    put(out, f"{prefix}.final.w", w)
    put(out, f"{prefix}.final.b", b)
    for name, p in (("w", w), ("b", b)):
        st = opt.state[p]
        put(out, f"{prefix}.exp_avg.{name}", st["exp_avg"])
        put(out, f"{prefix}.exp_avg_sq.{name}", st["exp_avg_sq"])


def run_keras_adam(out, gen, lr=1e-2, b1=0.9, b2=0.999, eps=1e-7):
    """tf.keras.optimizers.Adam's update (ResourceApplyAdam), in float64 from float32 inputs."""
    params = {"w": torch.randn(3, 4, generator=gen), "b": torch.randn(5, generator=gen)}
    for name, p in params.items():
        put(out, f"keras.init.{name}", p)
    params = {k: p.double().numpy() for k, p in params.items()}
    m = {k: np.zeros_like(v) for k, v in params.items()}
    v = {k: np.zeros_like(x) for k, x in params.items()}
    for k in range(10):
        grads = {"w": torch.randn(3, 4, generator=gen), "b": torch.randn(5, generator=gen) * 0.1}
        t = k + 1
        alpha = lr * math.sqrt(1 - b2 ** t) / (1 - b1 ** t)
        for name, g in grads.items():
            put(out, f"keras.grad{k}.{name}", g)
            g = g.double().numpy()
            m[name] += (g - m[name]) * (1 - b1)
            v[name] += (g * g - v[name]) * (1 - b2)
            params[name] -= alpha * m[name] / (np.sqrt(v[name]) + eps)
    for name in params:
        put(out, f"keras.final.{name}", torch.tensor(params[name]))
        put(out, f"keras.exp_avg.{name}", torch.tensor(m[name]))
        put(out, f"keras.exp_avg_sq.{name}", torch.tensor(v[name]))


def schedules(out):
    def onecycle(prefix, steps, **kw):
        p = torch.zeros(1, requires_grad=True)
        opt = torch.optim.AdamW([p], lr=1.0)
        sched = torch.optim.lr_scheduler.OneCycleLR(opt, anneal_strategy="linear", three_phase=False, **kw)
        lrs, betas = [], []
        for i in range(steps + 1):
            lrs.append(opt.param_groups[0]["lr"])
            betas.append(opt.param_groups[0]["betas"][0])
            p.grad = torch.zeros(1)
            opt.step()
            if i < steps:
                sched.step()
        put(out, f"{prefix}.lr", torch.tensor(lrs, dtype=torch.float64))
        put(out, f"{prefix}.beta1", torch.tensor(betas, dtype=torch.float64))

    # Paella v1's schedule (seeds.md §2), with total 50 so that 10% is 5 steps.
    onecycle("onecycle.seed", 49, max_lr=3e-4, total_steps=50, pct_start=0.1, div_factor=25,
             final_div_factor=1 / 25)
    onecycle("onecycle.default", 17, max_lr=1e-2, total_steps=17)

    from transformers import get_cosine_with_min_lr_schedule_with_warmup
    p = torch.zeros(1, requires_grad=True)
    opt = torch.optim.AdamW([p], lr=1e-3)
    sched = get_cosine_with_min_lr_schedule_with_warmup(opt, 5, 20, min_lr=1e-4)
    lrs = []
    for _ in range(25):
        lrs.append(opt.param_groups[0]["lr"])
        p.grad = torch.zeros(1)
        opt.step()
        sched.step()
    put(out, "cosine.lr", torch.tensor(lrs, dtype=torch.float64))


def clipping(out):
    gen = torch.Generator().manual_seed(3)
    g0 = torch.randn(2, 3, generator=gen)
    g1 = torch.randn(4, generator=gen) * 2
    put(out, "clip.g0.in", g0)
    put(out, "clip.g1.in", g1)
    for max_norm in (1.0, 100.0):
        a = torch.zeros(2, 3, requires_grad=True)
        b = torch.zeros(4, requires_grad=True)
        a.grad, b.grad = g0.clone(), g1.clone()
        total = torch.nn.utils.clip_grad_norm_([a, b], max_norm)
        tag = f"clip.max{int(max_norm)}"
        put(out, f"{tag}.total", total.reshape(1))
        put(out, f"{tag}.g0", a.grad)
        put(out, f"{tag}.g1", b.grad)


def layers(out):
    torch.manual_seed(11)
    mods = {
        "linear": (torch.nn.Linear(5, 3), torch.randn(2, 4, 5)),
        "conv": (torch.nn.Conv2d(4, 6, 3, stride=2, padding=1, groups=2), torch.randn(2, 4, 7, 6)),
        "convt": (torch.nn.ConvTranspose2d(4, 6, 4, stride=2, padding=1, output_padding=1, groups=2),
                  torch.randn(2, 4, 3, 5)),
    }
    for name, (m, x) in mods.items():
        put(out, f"layers.{name}.weight", m.weight)
        put(out, f"layers.{name}.bias", m.bias)
        put(out, f"layers.{name}.x", x)
        put(out, f"layers.{name}.y", m(x))


def safetensors_files(out, out_dir):
    mixed = {
        "f32": torch.tensor([[1.5, -2.25, 3.0e-5], [0.0, 1e10, -7.125]], dtype=torch.float32),
        "f16": torch.tensor([1.0, -0.333, 65504.0, 2.0 ** -24, -0.0, 6.1e-5], dtype=torch.float16),
        "bf16": torch.tensor([3.140625, -1e20, 1.0 / 3.0], dtype=torch.bfloat16),
        "i64": torch.tensor([[0, -5], [123456789, 2 ** 24]], dtype=torch.int64),
    }
    save_file(mixed, os.path.join(out_dir, "python_mixed.safetensors"),
              metadata={"source": "python", "note": 'a "quoted" value'})
    for name, t in mixed.items():
        put(out, f"st.{name}", t.float())
    plain = {
        "a": torch.tensor([1, 2], dtype=torch.int64),
        "b.w": torch.arange(6, dtype=torch.float32).reshape(2, 3),
        "c": torch.ones(1),
    }
    save_file(plain, os.path.join(out_dir, "python_plain.safetensors"), metadata={"k": 'v"q'})

    swift = os.path.join(out_dir, "swift_written.safetensors")
    if os.path.exists(swift):
        loaded = load_file(swift)
        with safe_open(swift, framework="pt") as f:
            meta = f.metadata()
        assert meta == {"writer": "arroz-studio", "quote": 'say "hi"\n'}, meta
        assert torch.equal(loaded["w"], torch.arange(12, dtype=torch.float32).reshape(3, 4) / 4), loaded["w"]
        assert torch.equal(loaded["b"], torch.tensor([-1.0, 0.5])), loaded["b"]
        assert torch.equal(loaded["count"], torch.tensor([7, -3, 2 ** 40], dtype=torch.int64)), loaded["count"]
        print(f"{swift}: loads in Python safetensors with the expected values")

    ckpt = os.path.join(out_dir, "swift_checkpoint.safetensors")
    if os.path.exists(ckpt):
        tensors = load_file(ckpt)
        with safe_open(ckpt, framework="pt") as f:
            meta = f.metadata()
        assert meta["arroz.format"] == "1" and meta["arroz.family"] == "prior" and meta["arroz.step"] == "3", meta
        assert json.loads(meta["arroz.config"]) == {"name": 'tiny "mlp"', "width": 4}, meta["arroz.config"]
        assert json.loads(meta["arroz.optim"])[""]["steps"]["0.weight"] == 3, meta["arroz.optim"]
        model = {k: v for k, v in tensors.items() if not k.startswith(("ema.", "optim."))}
        assert sorted(model) == ["0.bias", "0.weight", "2.bias", "2.weight"], sorted(model)
        assert tensors["ema.0.weight"].shape == tensors["optim.0.weight.exp_avg_sq"].shape == (4, 3)
        net = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Tanh(), torch.nn.Linear(4, 2))
        net.load_state_dict(model)  # strict: the names are PyTorch's nn.Sequential state_dict keys
        print(f"{ckpt}: loads in Python; model weights load_state_dict into nn.Sequential")


def make(out_dir):
    os.makedirs(out_dir, exist_ok=True)
    out = {}
    gen = torch.Generator().manual_seed(0)
    run_torch_optimizer(out, "adamw", lambda ps: torch.optim.AdamW(
        ps, lr=1e-2, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.1), gen)
    run_torch_optimizer(out, "adam", lambda ps: torch.optim.Adam(ps, lr=1e-2, weight_decay=0.05), gen)
    run_keras_adam(out, gen)
    clipping(out)
    schedules(out)
    layers(out)
    safetensors_files(out, out_dir)
    with open(os.path.join(out_dir, "nn_optim.json"), "w") as f:
        json.dump({"tensors": out}, f)


if __name__ == "__main__":
    make(sys.argv[1] if len(sys.argv) > 1 else "Tests/ArrozNNTests/Fixtures")
