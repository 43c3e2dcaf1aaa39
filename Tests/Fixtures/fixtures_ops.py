"""PyTorch parity fixtures for the [ops] area: elementwise math and activations, maximum/minimum, where,
masked_fill, lerp, amax/amin, var, softmax/log_softmax, cross-entropy (label smoothing, per-element weights,
ignore_index, spatial), MSE/L1/BCE-with-logits, embedding, and the movement ops (expand, slice, cat, split,
flip, pad, pixel_(un)shuffle).

Each case writes `<out_dir>/<case>.json` = {"meta": {...}, "tensors": {name: {"shape": [...], "data": [...]}}}
holding the inputs, the output `y`, a fixed random upstream gradient `r` and `d<input>` = the gradient of
sum(y * r) for every differentiable input. Constant inputs (targets, indices, masks) carry no `d<input>`.
The Swift side (Tests/ArrozTensorTests/OpsFixtureTests.swift) runs the same op on the same inputs.

Usage: make(out_dir) from make_fixtures.py, or standalone:
    ~/torch-venv/bin/python Tests/Fixtures/fixtures_ops.py [out_dir]
"""
import json
import os
import sys

import torch
import torch.nn.functional as F

OUT_DIR = "Tests/ArrozTensorTests/Fixtures/ops"


def _t(t):
    t = t.detach().float().contiguous()
    return {"shape": list(t.shape), "data": [round(float(v), 8) for v in t.reshape(-1).tolist()]}


def _case(out_dir, name, fn, consts=None, **inputs):
    """Runs fn(**consts, **inputs), backprops sum(y * r) and writes everything to <name>.json."""
    consts = consts or {}
    leaves = {k: v.clone().requires_grad_(True) for k, v in inputs.items()}
    y = fn(**consts, **leaves)
    g = torch.Generator().manual_seed(1234)
    r = torch.randn(y.shape, generator=g)
    if leaves:
        (y * r).sum().backward()
    tensors = {k: _t(v) for k, v in {**consts, **inputs}.items()}
    tensors["y"] = _t(y)
    tensors["r"] = _t(r)
    for k, v in leaves.items():
        tensors["d" + k] = _t(v.grad if v.grad is not None else torch.zeros_like(v))
    meta = {"torch": torch.__version__, "inputs": list(inputs), "consts": list(consts)}
    with open(os.path.join(out_dir, name + ".json"), "w") as f:
        json.dump({"meta": meta, "tensors": tensors}, f, separators=(",", ":"))


def _away(x, margin=0.1):
    """Pushes values at least `margin` from 0 (keeps kinked ops off their kinks)."""
    return x + margin * torch.where(x >= 0, 1.0, -1.0)


def make(out_dir):
    os.makedirs(out_dir, exist_ok=True)
    g = torch.Generator().manual_seed(0)

    def rn(*shape):
        return torch.randn(shape, generator=g)

    def un(*shape, lo=0.0, hi=1.0):
        return lo + (hi - lo) * torch.rand(shape, generator=g)

    def ri(*shape, hi):
        return torch.randint(0, hi, shape, generator=g).float()

    # elementwise math and activations on [3, 4]
    unary = {
        "exp": (torch.exp, False), "log": (torch.log, True), "sqrt": (torch.sqrt, True),
        "abs": (torch.abs, False), "square": (torch.square, False), "pow3": (lambda x: x.pow(3), False),
        "pow1_5": (lambda x: x.pow(1.5), True), "sin": (torch.sin, False), "cos": (torch.cos, False),
        "tanh": (torch.tanh, False), "sigmoid": (torch.sigmoid, False), "silu": (F.silu, False),
        "gelu": (F.gelu, False), "gelu_tanh": (lambda x: F.gelu(x, approximate="tanh"), False),
        "quick_gelu": (lambda x: x * torch.sigmoid(1.702 * x), False), "relu": (F.relu, False), "leaky_relu": (lambda x: F.leaky_relu(x, 0.2), False),
        "clamp": (lambda x: x.clamp(-0.5, 0.7), False),
    }
    for name, (fn, positive) in unary.items():
        x = un(3, 4, lo=0.2, hi=2.5) if positive else _away(1.5 * rn(3, 4))
        if name == "clamp":
            x = torch.where(((x + 0.5).abs() < 0.05) | ((x - 0.7).abs() < 0.05), x + 0.1, x)
        _case(out_dir, "unary_" + name, lambda x, fn=fn: fn(x), x=x)

    # broadcasting selections
    a, b = _away(rn(2, 3)), rn(3)
    _case(out_dir, "maximum", lambda a, b: torch.maximum(a, b), a=a, b=b)
    _case(out_dir, "minimum", lambda a, b: torch.minimum(a, b), a=a, b=b)
    cond = (un(2, 1, 3) > 0.5).float()
    _case(out_dir, "where", lambda cond, a, b: torch.where(cond != 0, a, b), consts={"cond": cond},
          a=rn(4, 1), b=rn(2, 4, 3))
    mask = (un(1, 4) > 0.5).float()
    _case(out_dir, "masked_fill", lambda mask, x: x.masked_fill(mask != 0, -2.5), consts={"mask": mask},
          x=rn(3, 4))
    _case(out_dir, "lerp_scalar", lambda a, b: torch.lerp(a, b, 0.3), a=rn(2, 3), b=rn(3))
    _case(out_dir, "lerp_tensor", lambda a, b, w: torch.lerp(a, b, w), a=rn(2, 3), b=rn(2, 1), w=un(3))

    # reductions
    x = rn(3, 4, 5)
    _case(out_dir, "amax_02", lambda x: x.amax(dim=(0, 2)), x=x)
    _case(out_dir, "amin_1_keep", lambda x: x.amin(dim=1, keepdim=True), x=x)
    _case(out_dir, "argmax_1", lambda x: x.argmax(dim=1).float(), consts={"x": x})
    _case(out_dir, "var_1", lambda x: x.var(dim=1), x=x)
    _case(out_dir, "var_02_biased_keep", lambda x: x.var(dim=(0, 2), unbiased=False, keepdim=True), x=x)
    _case(out_dir, "softmax_1", lambda x: torch.softmax(x, dim=1), x=3 * x)
    _case(out_dir, "log_softmax_last", lambda x: torch.log_softmax(x, dim=-1), x=3 * x)

    # losses
    _case(out_dir, "ce_mean", lambda t, x: F.cross_entropy(x, t.long()), consts={"t": ri(6, hi=5)}, x=rn(6, 5))
    _case(out_dir, "ce_smooth_sum", lambda t, x: F.cross_entropy(x, t.long(), label_smoothing=0.1,
                                                               reduction="sum"),
          consts={"t": ri(6, hi=5)}, x=rn(6, 5))
    _case(out_dir, "ce_spatial_none", lambda t, x: F.cross_entropy(x, t.long(), label_smoothing=0.2,
                                                                 reduction="none"),
          consts={"t": ri(2, 3, 2, hi=4)}, x=rn(2, 4, 3, 2))
    # per-element weights multiply the loss; mean divides by the element count (not by Σw)
    _case(out_dir, "ce_weighted_mean",
          lambda t, x, w: (F.cross_entropy(x, t.long(), label_smoothing=0.1, reduction="none") * w).mean(),
          consts={"t": ri(2, 3, hi=6)}, x=rn(2, 6, 3), w=un(2, 3, lo=0.3, hi=1.0))
    t_ign = ri(7, hi=4)
    t_ign[[1, 4]] = -100
    _case(out_dir, "ce_ignore_smooth_mean",
          lambda t, x: F.cross_entropy(x, t.long(), label_smoothing=0.1, ignore_index=-100),
          consts={"t": t_ign}, x=rn(7, 4))
    _case(out_dir, "mse_mean", lambda a, b: F.mse_loss(a, b), a=rn(3, 4), b=rn(3, 4))
    _case(out_dir, "l1_sum", lambda a, b: F.l1_loss(a, b, reduction="sum"), a=_away(rn(3, 4)), b=rn(3, 4) * 0)
    _case(out_dir, "bce_logits_mean", lambda x, t: F.binary_cross_entropy_with_logits(x, t),
          x=4 * rn(3, 4), t=un(3, 4))
    _case(out_dir, "embedding", lambda ids, w: F.embedding(ids.long(), w),
          consts={"ids": torch.tensor([[4.0, 0, 4], [2, 1, 0]])}, w=rn(5, 3))

    # movement
    _case(out_dir, "expand", lambda x: x.expand(2, 3, 4), x=rn(3, 1))
    _case(out_dir, "slice_step", lambda x: x[:, 1:6:2], x=rn(2, 7, 3))
    _case(out_dir, "cat_1", lambda a, b: torch.cat([a, b, a], dim=1), a=rn(2, 2, 3), b=rn(2, 1, 3))
    _case(out_dir, "split_1", lambda x: torch.cat([p * (i + 1) for i, p in enumerate(x.split([1, 3], dim=1))], 1),
          x=rn(2, 4, 2))
    _case(out_dir, "chunk_last", lambda x: torch.cat([p * (i + 1) for i, p in enumerate(x.chunk(3, dim=-1))], -1),
          x=rn(2, 7))
    _case(out_dir, "flip_02", lambda x: x.flip(0, 2), x=rn(2, 3, 4))
    _case(out_dir, "pad_constant", lambda x: F.pad(x, (2, 1, 0, 1, 1, 0), value=0.0), x=rn(2, 2, 3))
    for mode in ("reflect", "replicate"):
        _case(out_dir, "pad2d_" + mode, lambda x, mode=mode: F.pad(x, (2, 1, 1, 2), mode=mode), x=rn(2, 2, 3, 4))
    _case(out_dir, "pixel_shuffle", lambda x: F.pixel_shuffle(x, 2), x=rn(2, 8, 2, 3))
    _case(out_dir, "pixel_unshuffle", lambda x: F.pixel_unshuffle(x, 2), x=rn(2, 2, 4, 6))


if __name__ == "__main__":
    here = os.path.dirname(os.path.abspath(__file__))
    default = os.path.join(here, "..", "ArrozTensorTests", "Fixtures", "ops")
    make(sys.argv[1] if len(sys.argv) > 1 else default)
