"""PyTorch parity fixtures for the [conv] ops: conv2d (stride, asymmetric padding, groups, depthwise,
Paella's 2-in-1-out groups), conv_transpose2d (4x4 s2 p1, 2x2 s2, output_padding, groups), avg_pool2d,
nearest and bilinear (align_corners=False) interpolation.

Each case writes `<out_dir>/<case>.json` = {"tensors": {name: {"shape": [...], "data": [...]}}} holding the
inputs, the output `y`, the upstream gradient `r` and the gradients of sum(y * r) w.r.t. every input.

Usage: make(out_dir) from make_fixtures.py, or standalone:
    ~/torch-venv/bin/python Tests/Fixtures/fixtures_conv.py [out_dir]
(default out_dir: Tests/ArrozTensorTests/Fixtures/conv next to this script's repo).
"""
import json
import os
import sys

import torch
import torch.nn.functional as F


def _t(t):
    t = t.detach().float().contiguous()
    return {"shape": list(t.shape), "data": [round(float(v), 7) for v in t.reshape(-1).tolist()]}


def _case(out_dir, name, fn, **inputs):
    """Runs fn(**inputs), backprops sum(y * r), writes inputs, y, r and d<input> for each input."""
    leaves = {k: v.clone().requires_grad_(True) for k, v in inputs.items()}
    y = fn(**leaves)
    g = torch.Generator().manual_seed(1234)
    r = torch.randn(y.shape, generator=g)
    (y * r).sum().backward()
    tensors = {k: _t(v) for k, v in inputs.items()}
    tensors["y"] = _t(y)
    tensors["r"] = _t(r)
    for k, v in leaves.items():
        tensors["d" + k] = _t(v.grad)
    with open(os.path.join(out_dir, name + ".json"), "w") as f:
        json.dump({"tensors": tensors}, f, separators=(",", ":"))


def make(out_dir):
    os.makedirs(out_dir, exist_ok=True)
    g = torch.Generator().manual_seed(0)

    def rn(*shape):
        return torch.randn(shape, generator=g)

    # conv2d
    _case(out_dir, "conv_basic", lambda x, w, b: F.conv2d(x, w, b, padding=1),
          x=rn(2, 3, 6, 5), w=rn(4, 3, 3, 3), b=rn(4))
    _case(out_dir, "conv_stride2_asym",  # F.pad (left 1, right 0, top 0, bottom 1) then stride 2
          lambda x, w, b: F.conv2d(F.pad(x, (1, 0, 0, 1)), w, b, stride=2),
          x=rn(2, 4, 7, 6), w=rn(5, 4, 3, 3), b=rn(5))
    _case(out_dir, "conv_rect", lambda x, w, b: F.conv2d(x, w, b, stride=(2, 1), padding=(1, 2)),
          x=rn(1, 3, 7, 5), w=rn(2, 3, 3, 5), b=rn(2))
    _case(out_dir, "conv_depthwise", lambda x, w, b: F.conv2d(x, w, b, padding=3, groups=6),
          x=rn(2, 6, 8, 7), w=rn(6, 1, 7, 7), b=rn(6))
    _case(out_dir, "conv_paella_groups", lambda x, w, b: F.conv2d(x, w, b, padding=1, groups=4),
          x=rn(2, 8, 5, 6), w=rn(4, 2, 3, 3), b=rn(4))
    _case(out_dir, "conv_groups2", lambda x, w, b: F.conv2d(x, w, b, padding=1, groups=2),
          x=rn(2, 12, 5, 4), w=rn(8, 6, 3, 3), b=rn(8))
    _case(out_dir, "conv_pointwise", lambda x, w, b: F.conv2d(x, w, b),
          x=rn(3, 5, 4, 3), w=rn(7, 5, 1, 1), b=rn(7))
    _case(out_dir, "conv_down4x4", lambda x, w, b: F.conv2d(x, w, b, stride=2, padding=1),
          x=rn(2, 3, 8, 8), w=rn(4, 3, 4, 4), b=rn(4))
    # conv_transpose2d (weight [Cin, Cout/groups, kh, kw])
    _case(out_dir, "convT_4x4_s2_p1", lambda x, w, b: F.conv_transpose2d(x, w, b, stride=2, padding=1),
          x=rn(2, 4, 4, 5), w=rn(4, 3, 4, 4), b=rn(3))
    _case(out_dir, "convT_2x2_s2", lambda x, w, b: F.conv_transpose2d(x, w, b, stride=2),
          x=rn(2, 3, 3, 4), w=rn(3, 5, 2, 2), b=rn(5))
    _case(out_dir, "convT_3x3_s2_p1_op1",
          lambda x, w, b: F.conv_transpose2d(x, w, b, stride=2, padding=1, output_padding=1),
          x=rn(1, 3, 4, 3), w=rn(3, 2, 3, 3), b=rn(2))
    _case(out_dir, "convT_groups2", lambda x, w, b: F.conv_transpose2d(x, w, b, stride=2, padding=1, groups=2),
          x=rn(2, 4, 3, 3), w=rn(4, 3, 4, 4), b=rn(6))
    _case(out_dir, "convT_3x3_s1_p1", lambda x, w: F.conv_transpose2d(x, w, padding=1),
          x=rn(1, 3, 5, 4), w=rn(3, 4, 3, 3))
    # pooling and resampling
    _case(out_dir, "avgpool_2", lambda x: F.avg_pool2d(x, 2), x=rn(2, 3, 6, 7))
    _case(out_dir, "avgpool_3_s2_p1", lambda x: F.avg_pool2d(x, 3, stride=2, padding=1), x=rn(1, 2, 7, 6))
    _case(out_dir, "nearest_scale2", lambda x: F.interpolate(x, scale_factor=2, mode="nearest"),
          x=rn(2, 3, 3, 4))
    _case(out_dir, "nearest_size_7x5", lambda x: F.interpolate(x, size=(7, 5), mode="nearest"),
          x=rn(1, 2, 3, 4))
    _case(out_dir, "nearest_size_down", lambda x: F.interpolate(x, size=(3, 2), mode="nearest"),
          x=rn(1, 2, 7, 5))
    _case(out_dir, "bilinear_7x9",
          lambda x: F.interpolate(x, size=(7, 9), mode="bilinear", align_corners=False), x=rn(2, 2, 4, 5))
    _case(out_dir, "bilinear_down",
          lambda x: F.interpolate(x, size=(3, 2), mode="bilinear", align_corners=False), x=rn(1, 3, 5, 7))
    _case(out_dir, "bilinear_x2",
          lambda x: F.interpolate(x, scale_factor=2, mode="bilinear", align_corners=False), x=rn(1, 2, 3, 3))


if __name__ == "__main__":
    here = os.path.dirname(os.path.abspath(__file__))
    default = os.path.join(here, "..", "ArrozTensorTests", "Fixtures", "conv")
    make(sys.argv[1] if len(sys.argv) > 1 else default)
