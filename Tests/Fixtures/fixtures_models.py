"""Fixtures for ArrozModelsTests: the DDPM U-Net of shared/bench/unet_ref.py with real PyTorch weights.

make(out_dir) writes:
  models/ddpm_small.safetensors   state_dict of unet_ref.UNet(in_ch=3, ch=32, mults=(1, 1), nres=1,
                                  cond="add", cond_dim=16, heads=4), written by safetensors.torch.save_file
  models/ddpm_small.json          {"tensors": {x [2, 3, 8, 8], t [2], cond [2, 16], y [2, 3, 8, 8]}}: y = model(x, t, cond)
  models/ddpm_keys.json           {"keys": [...], "shapes": {...}} of the pix32-add state_dict (15.9M parameters)
Our DDPMUNet must load the first file by its state_dict names and reproduce y, and list exactly the keys of
the second. Run: ~/torch-venv/bin/python Tests/Fixtures/make_fixtures.py models
"""
import json
import os
import sys

import torch
from safetensors.torch import save_file

OUT_DIR = "Tests/ArrozModelsTests/Fixtures"
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.abspath(os.path.join(HERE, "..", "..", "..", "shared", "bench")))


def make(out_dir):
    from unet_ref import UNet

    os.makedirs(os.path.join(out_dir, "models"), exist_ok=True)
    torch.manual_seed(0)
    m = UNet(in_ch=3, ch=32, mults=(1, 1), nres=1, cond="add", cond_dim=16, heads=4).eval()
    # Make every parameter non-trivial (GroupNorm affine defaults are 1/0).
    with torch.no_grad():
        for p in m.parameters():
            p.add_(0.05 * torch.randn_like(p))
    sd = {k: v.contiguous() for k, v in m.state_dict().items()}
    save_file(sd, os.path.join(out_dir, "models", "ddpm_small.safetensors"))
    x = torch.randn(2, 3, 8, 8)
    t = torch.tensor([3.0, 517.0])
    cond = torch.randn(2, 16)
    with torch.no_grad():
        y = m(x, t, cond)

    def enc(v):
        return {"shape": list(v.shape), "data": [float(a) for a in v.flatten()]}

    with open(os.path.join(out_dir, "models", "ddpm_small.json"), "w") as f:
        json.dump({"meta": {"script": "fixtures_models.py", "torch": torch.__version__},
                   "tensors": {"x": enc(x), "t": enc(t), "cond": enc(cond), "y": enc(y)}}, f)
    big = UNet(in_ch=3, cond="add")
    keys = list(big.state_dict().keys())
    shapes = {k: list(v.shape) for k, v in big.state_dict().items()}
    with open(os.path.join(out_dir, "models", "ddpm_keys.json"), "w") as f:
        json.dump({"keys": keys, "shapes": shapes, "parameters": sum(p.numel() for p in big.parameters())}, f)


if __name__ == "__main__":
    make(sys.argv[1] if len(sys.argv) > 1 else OUT_DIR)
