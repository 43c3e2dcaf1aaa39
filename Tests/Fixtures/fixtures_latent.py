"""Fixtures for the latent family's upstream classes (issue #11): Arroz Con Cosas' DiffusionModel (v1),
DiffusionModelAttn (v5), PriorModel, VQModel and Paella v3's VQModel, written here in PyTorch from
shared/reference/seeds.md §1.1, §1.5 and §2.6 (our own code, same module structure, so the state_dict names
are the seeds').

make(out_dir) writes into Tests/ArrozModelsTests/Fixtures/latent/:
  <model>.safetensors                 state_dict at a tiny config, every parameter and buffer perturbed away from
                                      its init (layer scales, six gammas, LN affines, the scalar γ/β, BatchNorm
                                      running statistics), as safetensors.torch.save_file writes it
  <model>.<method>.in.safetensors     the call's inputs under the upstream argument names (x, r, c)
  <model>.<method>.out.safetensors    its outputs: out, or out.0, out.1, out.0.1 … for (nested) tuples;
                                      integer tensors (indices) as I64
  latent_keys.json                    {label: {class, kwargs, shapes: [[name, shape]…], parameters}} at the seeds.md §6
                                      small configs and, built on the meta device, at the upstream defaults
  latent_models.json                  {model: {class, kwargs, methods}} for the tests
Run: ~/torch-venv/bin/python Tests/Fixtures/make_fixtures.py latent
If pytorch_wavelets is importable, our Haar transform is checked against DWTForward/DWTInverse(db1) first.
"""
import json
import math
import os
import sys
import types

import numpy as np
import torch
from safetensors.torch import save_file
from torch import nn

OUT_DIR = "Tests/ArrozModelsTests/Fixtures"


# ---------------------------------------------------------------- shared pieces (seeds.md §0.2, §1.1)

def r_embedding(r, c_r, max_positions=10000):
    """[sin, cos] of (r·10000)·exp(−k·ln(10000)/(h−1)), in the seed's float order."""
    r = r * max_positions
    half = c_r // 2
    step = math.log(max_positions) / (half - 1)
    emb = torch.arange(half, device=r.device).float().mul(-step).exp()
    emb = r[:, None] * emb[None, :]
    return torch.cat([emb.sin(), emb.cos()], dim=1)


def haar(x):
    """One-level Haar (db1): bands LL, H1 = (a+b−c−d)/2, H2 = (a−b+c−d)/2, H3 = (a−b−c+d)/2, band-major."""
    a, b = x[..., 0::2, 0::2], x[..., 0::2, 1::2]
    c, d = x[..., 1::2, 0::2], x[..., 1::2, 1::2]
    return torch.cat([(a + b + c + d) / 2, (a + b - c - d) / 2, (a - b + c - d) / 2, (a - b - c + d) / 2], 1)


def inverse_haar(y):
    ll, h1, h2, h3 = y.chunk(4, dim=1)
    n, c, h, w = ll.shape
    x = y.new_zeros(n, c, 2 * h, 2 * w)
    x[..., 0::2, 0::2] = (ll + h1 + h2 + h3) / 2
    x[..., 0::2, 1::2] = (ll + h1 - h2 - h3) / 2
    x[..., 1::2, 0::2] = (ll - h1 + h2 - h3) / 2
    x[..., 1::2, 1::2] = (ll - h1 - h2 + h3) / 2
    return x


def check_haar_against_pytorch_wavelets():
    sys.modules.setdefault("pkg_resources", types.ModuleType("pkg_resources"))  # its dtcwt import needs it
    sys.modules["pkg_resources"].resource_stream = None
    try:
        from pytorch_wavelets import DWTForward, DWTInverse
    except Exception as e:  # not installed: nothing to check
        print(f"    (pytorch_wavelets not importable: {e}; Haar not cross-checked)")
        return
    x = torch.randn(2, 3, 8, 6)
    yl, yh = DWTForward(J=1, mode="reflect", wave="db1")(x)
    ref = torch.cat([yl, yh[0][:, :, 0], yh[0][:, :, 1], yh[0][:, :, 2]], dim=1)
    assert torch.allclose(haar(x), ref, atol=1e-6), "haar != pytorch_wavelets"
    ll, lh, hl, hh = ref.chunk(4, dim=1)
    back = DWTInverse(mode="reflect", wave="db1")((ll, [torch.stack([lh, hl, hh], dim=2)]))
    assert torch.allclose(inverse_haar(ref), back, atol=1e-6), "inverse_haar != pytorch_wavelets"
    print("    Haar matches pytorch_wavelets DWTForward/DWTInverse(db1)")


class ModulatedLayerNorm(nn.Module):
    def __init__(self, c, eps=1e-6):
        super().__init__()
        self.ln = nn.LayerNorm(c, eps=eps)
        self.gamma = nn.Parameter(torch.randn(1, 1, 1))
        self.beta = nn.Parameter(torch.randn(1, 1, 1))

    def forward(self, x, w=None):  # channels last
        return self.ln(x) if w is None else self.gamma * w * self.ln(x) + self.beta * w


class Attention2D(nn.Module):
    def __init__(self, c, nhead=8):
        super().__init__()
        self.ln = nn.LayerNorm(c)
        self.attn = nn.MultiheadAttention(c, nhead, bias=True, batch_first=True)

    def forward(self, x):
        shape = x.shape
        t = x.view(x.size(0), x.size(1), -1).permute(0, 2, 1)
        n = self.ln(t)
        t = t + self.attn(n, n, n, need_weights=False)[0]
        return t.permute(0, 2, 1).reshape(shape)


class ResBlock(nn.Module):
    """Arroz / Paella-v1 ResBlock: depthwise (or attention), ModulatedLN, skip concat, MLP, layer scale."""

    def __init__(self, c, c_hidden, c_cond=0, c_skip=0, use_attention=False):
        super().__init__()
        self.depthwise = Attention2D(c) if use_attention else nn.Sequential(
            nn.ReflectionPad2d(1), nn.Conv2d(c, c, kernel_size=3, groups=c))
        self.ln = ModulatedLayerNorm(c)
        self.channelwise = nn.Sequential(nn.Linear(c + c_skip, c_hidden), nn.GELU(), nn.Linear(c_hidden, c))
        self.gamma = nn.Parameter(1e-6 * torch.ones(c))
        if c_cond > 0:
            self.cond_mapper = nn.Linear(c_cond, c)

    def forward(self, x, s=None, skip=None):
        res = x
        x = self.depthwise(x)
        if s is not None:
            s = self.cond_mapper(s.permute(0, 2, 3, 1)).expand(-1, x.size(2), x.size(3), -1)
        x = self.ln(x.permute(0, 2, 3, 1), s)
        if skip is not None:
            x = torch.cat([x, skip.permute(0, 2, 3, 1)], dim=-1)
        x = self.gamma * self.channelwise(x)
        return res + x.permute(0, 3, 1, 2)


# ---------------------------------------------------------------- generators (seeds.md §1.1)

class DiffusionModel(nn.Module):
    """v1 (`v5=False`) or v5 1B+ATTN (`v5=True`: ConvT first, skip into block 1, attention, clf per level)."""

    def __init__(self, c_hidden=1280, c_r=64, c_embd=1024, down_levels=(4, 12, 16), up_levels=(16, 12, 4),
                 v5=False, down_attn=None, up_attn=None):
        super().__init__()
        self.c_r, self.v5 = c_r, v5
        L = len(down_levels)
        ch = [c_hidden // (2 ** i) for i in reversed(range(L))]
        down_attn = down_attn or [[] for _ in range(L)]
        up_attn = up_attn or [[] for _ in range(L)]
        self.embedding = nn.Conv2d(4, ch[0], kernel_size=1)
        self.down_blocks = nn.ModuleList()
        for i, n in enumerate(down_levels):
            blocks = [nn.Conv2d(ch[i - 1], ch[i], 4, 2, 1)] if i > 0 else []
            for j in range(n):
                b = ResBlock(ch[i], ch[i] * 4, c_r + c_embd, use_attention=j in down_attn[i])
                b.channelwise[-1].weight.data *= np.sqrt(1 / sum(down_levels))
                blocks.append(b)
            self.down_blocks.append(nn.ModuleList(blocks))
        self.up_blocks = nn.ModuleList()
        for i, n in enumerate(up_levels):
            c = ch[L - 1 - i]
            blocks = [nn.ConvTranspose2d(ch[L - i], c, 4, 2, 1)] if (v5 and i > 0) else []
            for j in range(n):
                b = ResBlock(c, c * 4, c_r + c_embd, c if (j == 0 and i > 0) else 0, use_attention=j in up_attn[i])
                b.channelwise[-1].weight.data *= np.sqrt(1 / sum(up_levels))
                blocks.append(b)
            if not v5 and i < L - 1:
                blocks.append(nn.ConvTranspose2d(c, ch[L - 2 - i], 4, 2, 1))
            self.up_blocks.append(nn.ModuleList(blocks))
        if v5:
            self.clf = nn.ModuleList([nn.Conv2d(ch[i], 4, kernel_size=1) for i in reversed(range(L))])
        else:
            self.clf = nn.Conv2d(ch[0], 4, kernel_size=1)

    def forward(self, x, r, c):
        s = torch.cat([c, r_embedding(r, self.c_r)], dim=1)[:, :, None, None]
        x = self.embedding(x)
        levels = []
        for blocks in self.down_blocks:
            for b in blocks:
                x = b(x, s) if isinstance(b, ResBlock) else b(x)
            levels.insert(0, x)
        x = levels[0]
        heads = []
        skip_at = 1 if self.v5 else 0
        for i, blocks in enumerate(self.up_blocks):
            for j, b in enumerate(blocks):
                if isinstance(b, ResBlock):
                    x = b(x, s, levels[i]) if (i > 0 and j == skip_at) else b(x, s)
                else:
                    x = b(x)
            if self.v5:
                heads.append(self.clf[i](x))
        if not self.v5:
            return self.clf(x)
        size = heads[-1].shape[-2:]
        return torch.stack([nn.functional.interpolate(h, size=size, mode="bilinear") for h in heads], 1).sum(1)


class PriorModel(nn.Module):
    def __init__(self, clip_r=1024, c_hidden=1280, c_r=64, num_blocks=48):
        super().__init__()
        self.c_r = c_r
        self.blocks = nn.ModuleList([nn.Linear(clip_r, c_hidden)])
        for _ in range(num_blocks):
            self.blocks.append(nn.Sequential(
                nn.Linear(clip_r + c_hidden + c_r, c_hidden * 4, bias=False), nn.LayerNorm(c_hidden * 4), nn.GELU(),
                nn.Linear(c_hidden * 4, c_hidden, bias=False), nn.LayerNorm(c_hidden)))
            self.blocks[-1][0].weight.data *= np.sqrt(1 / num_blocks)
        self.blocks.append(nn.Linear(c_hidden, clip_r))

    def forward(self, x, r, c):
        r = r_embedding(r, self.c_r)
        h = self.blocks[0](x)
        for b in self.blocks[1:-1]:
            h = h + b(torch.cat([h, c, r], dim=1))
        return self.blocks[-1](h)


# ---------------------------------------------------------------- quantiser and autoencoders (§1.5, §2.6)

class VectorQuantize(nn.Module):
    """Eval-mode nearest-code lookup of the seeds' quantiser (+ EMA buffers when `ema`)."""

    def __init__(self, dim, k, ema=False):
        super().__init__()
        self.codebook = nn.Embedding(k, dim)
        self.codebook.weight.data.uniform_(-1. / k, 1. / k)
        if ema:
            self.register_buffer("ema_element_count", torch.ones(k))
            self.register_buffer("ema_weight_sum", torch.zeros_like(self.codebook.weight))

    def forward(self, x):  # x [N, C, H, W], dim = 1
        z = x.movedim(1, -1)
        flat = z.reshape(-1, z.size(-1))
        e = self.codebook.weight
        dist = torch.addmm(torch.sum(e ** 2, 1) + torch.sum(flat ** 2, 1, keepdim=True), flat, e.t(),
                           alpha=-2.0, beta=1.0)
        idx = dist.min(dim=1)[1]
        q = e.index_select(0, idx)
        vq = (q - flat.detach()).pow(2).mean()
        commit = (flat - q.detach()).pow(2).mean()
        sorted_d = dist.sort(dim=1)[0]
        self.margin = float((sorted_d[:, 1] - sorted_d[:, 0]).min())
        return q.view(z.shape).movedim(-1, 1), (vq, commit), idx.view(z.shape[:-1])

    def idx2vq(self, idx):
        return self.codebook(idx).movedim(-1, 1)


class VQModule(nn.Module):
    def __init__(self, c, k):
        super().__init__()
        self.vquantizer = VectorQuantize(c, k, ema=True)
        self.register_buffer("q_step_counter", torch.tensor(0))


class ArrozVQModel(nn.Module):
    def __init__(self, levels=3, bottleneck_blocks=32, c_hidden=480, c_latent=4, codebook_size=8192):
        super().__init__()
        ch = [c_hidden // (2 ** i) for i in reversed(range(levels))]
        self.in_block = nn.Conv2d(12, ch[0], kernel_size=1)
        down = []
        for i in range(levels):
            if i > 0:
                down.append(nn.Conv2d(ch[i - 1], ch[i], 4, 2, 1))
            b = ResBlock(ch[i], ch[i] * 4)
            b.channelwise[-1].weight.data *= np.sqrt(1 / levels)
            down.append(b)
        self.down_blocks = nn.Sequential(*down)
        self.latent_mapper = nn.Sequential(nn.Conv2d(ch[-1], c_latent, kernel_size=1), nn.BatchNorm2d(c_latent))
        self.vqmodule = VQModule(c_latent, codebook_size)
        self.latent_unmapper = nn.Conv2d(c_latent, ch[-1], kernel_size=1)
        self.up_blocks = nn.ModuleList()
        for i in range(levels):
            for _ in range(bottleneck_blocks if i == 0 else 1):
                b = ResBlock(ch[levels - 1 - i], ch[levels - 1 - i] * 4)
                b.channelwise[-1].weight.data *= np.sqrt(1 / (levels + bottleneck_blocks))
                self.up_blocks.append(b)
            if i < levels - 1:
                self.up_blocks.append(nn.ConvTranspose2d(ch[levels - 1 - i], ch[levels - 2 - i], 4, 2, 1))
        self.out_block = nn.Conv2d(ch[0], 12, kernel_size=1)

    def encode(self, x):
        x = self.latent_mapper(self.down_blocks(self.in_block(haar(x))))
        qe, (_, commit), idx = self.vqmodule.vquantizer(x)
        return (x, qe), commit, idx

    def decode(self, x):
        x = self.latent_unmapper(x)
        for b in self.up_blocks:
            x = b(x)
        return inverse_haar(self.out_block(x))

    def decode_indices(self, x):  # ours: not in the seed's class
        return self.decode(self.vqmodule.vquantizer.idx2vq(x))

    def forward(self, x):
        (_, qe), commit, _ = self.encode(x)
        return self.decode(qe), commit


class PaellaResBlock(nn.Module):
    def __init__(self, c, c_hidden):
        super().__init__()
        self.norm1 = nn.LayerNorm(c, elementwise_affine=False, eps=1e-6)
        self.depthwise = nn.Sequential(nn.ReplicationPad2d(1), nn.Conv2d(c, c, kernel_size=3, groups=c))
        self.norm2 = nn.LayerNorm(c, elementwise_affine=False, eps=1e-6)
        self.channelwise = nn.Sequential(nn.Linear(c, c_hidden), nn.GELU(), nn.Linear(c_hidden, c))
        self.gammas = nn.Parameter(torch.zeros(6))

    def _norm(self, x, norm):
        return norm(x.permute(0, 2, 3, 1)).permute(0, 3, 1, 2)

    def forward(self, x):
        g = self.gammas
        x = x + self.depthwise(self._norm(x, self.norm1) * (1 + g[0]) + g[1]) * g[2]
        t = self._norm(x, self.norm2) * (1 + g[3]) + g[4]
        return x + self.channelwise(t.permute(0, 2, 3, 1)).permute(0, 3, 1, 2) * g[5]


class PaellaVQModel(nn.Module):
    def __init__(self, levels=2, bottleneck_blocks=12, c_hidden=384, c_latent=4, codebook_size=8192,
                 scale_factor=0.3764):
        super().__init__()
        self.scale_factor = scale_factor
        ch = [c_hidden // (2 ** i) for i in reversed(range(levels))]
        self.in_block = nn.Sequential(nn.PixelUnshuffle(2), nn.Conv2d(12, ch[0], kernel_size=1))
        down = []
        for i in range(levels):
            if i > 0:
                down.append(nn.Conv2d(ch[i - 1], ch[i], 4, 2, 1))
            down.append(PaellaResBlock(ch[i], ch[i] * 4))
        down.append(nn.Sequential(nn.Conv2d(ch[-1], c_latent, kernel_size=1, bias=False), nn.BatchNorm2d(c_latent)))
        self.down_blocks = nn.Sequential(*down)
        self.vquantizer = VectorQuantize(c_latent, codebook_size)
        up = [nn.Sequential(nn.Conv2d(c_latent, ch[-1], kernel_size=1))]
        for i in range(levels):
            for _ in range(bottleneck_blocks if i == 0 else 1):
                up.append(PaellaResBlock(ch[levels - 1 - i], ch[levels - 1 - i] * 4))
            if i < levels - 1:
                up.append(nn.ConvTranspose2d(ch[levels - 1 - i], ch[levels - 2 - i], 4, 2, 1))
        self.up_blocks = nn.Sequential(*up)
        self.out_block = nn.Sequential(nn.Conv2d(ch[0], 12, kernel_size=1), nn.PixelShuffle(2))

    def encode(self, x):
        x = self.down_blocks(self.in_block(x))
        qe, (vq, commit), idx = self.vquantizer(x)
        return qe / self.scale_factor, x / self.scale_factor, idx, vq + commit * 0.25

    def decode(self, x):
        return self.out_block(self.up_blocks(x * self.scale_factor))

    def decode_indices(self, x):
        return self.out_block(self.up_blocks(self.vquantizer.idx2vq(x)))

    def forward(self, x):  # as intended: the seed's forward passes a stray argument to encode
        qe, _, _, loss = self.encode(x)
        return self.decode(qe), loss


# ---------------------------------------------------------------- building, perturbing, writing

def perturb(model, g):
    """Moves every parameter and buffer away from its init, so no block is an identity."""
    with torch.no_grad():
        for name, p in model.named_parameters():
            leaf = name.rsplit(".", 1)[-1]
            if leaf == "gamma" and p.dim() == 1:          # layer scale, 1e-6 at init
                p.copy_(0.3 + 0.5 * torch.rand(p.shape, generator=g))
            elif leaf == "gammas":                          # Paella's six gammas, 0 at init
                p.copy_(0.4 * torch.randn(p.shape, generator=g))
            elif leaf in ("gamma", "beta") and p.dim() == 3:  # ModulatedLN scalars
                p.copy_(0.5 + 0.5 * torch.rand(p.shape, generator=g))
            elif name.endswith("codebook.weight"):
                p.copy_(torch.randn(p.shape, generator=g))
            elif leaf == "weight" and p.dim() == 1:         # LN / BN affine, 1 at init
                p.copy_(1 + 0.2 * torch.randn(p.shape, generator=g))
            else:
                p.add_(0.05 * torch.randn(p.shape, generator=g))
        for name, b in model.named_buffers():
            if name.endswith("running_mean"):
                b.copy_(0.3 * torch.randn(b.shape, generator=g))
            elif name.endswith("running_var"):
                b.copy_(0.5 + torch.rand(b.shape, generator=g))
            elif name.endswith("num_batches_tracked") or name.endswith("q_step_counter"):
                b.fill_(7)
            elif name.endswith("ema_element_count"):
                b.copy_(0.5 + torch.rand(b.shape, generator=g))
            elif name.endswith("ema_weight_sum"):
                b.copy_(torch.randn(b.shape, generator=g))


def describe(model, names=True):
    sd = model.state_dict()
    out = {"parameters": sum(p.numel() for p in model.parameters()), "tensors": len(sd)}
    if names:
        out["shapes"] = [[k, list(v.shape)] for k, v in sd.items()]
    return out


def flatten_outputs(y, prefix="out"):
    if isinstance(y, (tuple, list)):
        out = {}
        for i, v in enumerate(y):
            out.update(flatten_outputs(v, f"{prefix}.{i}"))
        return out
    return {prefix: y.detach().contiguous()}


CLASSES = {
    "arroz.DiffusionModel": lambda **k: DiffusionModel(**k),
    "arroz.DiffusionModelAttn": lambda **k: DiffusionModel(v5=True, **{
        "down_levels": (1, 2, 8, 32), "up_levels": (32, 8, 2, 1),
        "down_attn": [[], [0], list(range(4, 8, 2)), list(range(16, 32, 2))],
        "up_attn": [list(range(1, 16, 2)), list(range(1, 4, 2)), [1], []], **k}),
    "arroz.PriorModel": lambda **k: PriorModel(**k),
    "arroz.VQModel": lambda **k: ArrozVQModel(**k),
    "paella.VQModel": lambda **k: PaellaVQModel(**k),
}

# Tiny configs whose weights are committed (a few tens of KB each).
PARITY = {
    "gen_v1": ("arroz.DiffusionModel",
               {"c_hidden": 16, "c_r": 8, "c_embd": 16, "down_levels": [1, 2], "up_levels": [2, 1]}),
    "gen_v5": ("arroz.DiffusionModelAttn",
               {"c_hidden": 16, "c_r": 8, "c_embd": 16, "down_levels": [1, 2], "up_levels": [2, 1],
                "down_attn": [[], [1]], "up_attn": [[1], []]}),
    "prior": ("arroz.PriorModel", {"clip_r": 16, "c_hidden": 16, "c_r": 8, "num_blocks": 2}),
    "arroz_vq": ("arroz.VQModel",
                 {"levels": 2, "bottleneck_blocks": 2, "c_hidden": 16, "c_latent": 4, "codebook_size": 32}),
    "paella_vq": ("paella.VQModel",
                  {"levels": 2, "bottleneck_blocks": 2, "c_hidden": 16, "c_latent": 4, "codebook_size": 32,
                   "scale_factor": 0.3764}),
}

# seeds.md §6 small configs (names, shapes, parameter counts) — D_c = 64 as the table's counts.
SMALL = {
    "gen_v1_small": ("arroz.DiffusionModel",
                     {"c_hidden": 128, "c_r": 16, "c_embd": 64, "down_levels": [2, 4], "up_levels": [4, 2]}),
    "gen_v5_small": ("arroz.DiffusionModelAttn",
                     {"c_hidden": 128, "c_r": 16, "c_embd": 64, "down_levels": [2, 4], "up_levels": [4, 2],
                      "down_attn": [[], [1, 3]], "up_attn": [[1], []]}),
    "prior_small": ("arroz.PriorModel", {"clip_r": 64, "c_hidden": 128, "c_r": 16, "num_blocks": 4}),
    "arroz_vq_small": ("arroz.VQModel",
                       {"levels": 2, "c_hidden": 64, "bottleneck_blocks": 2, "c_latent": 4, "codebook_size": 512}),
    "arroz_vq_64": ("arroz.VQModel",
                    {"levels": 3, "c_hidden": 96, "bottleneck_blocks": 2, "c_latent": 4, "codebook_size": 512}),
    "paella_vq_small": ("paella.VQModel",
                        {"levels": 2, "c_hidden": 64, "bottleneck_blocks": 2, "c_latent": 4, "codebook_size": 512}),
}

# The upstream defaults, built on the meta device (no memory): names and shapes of the released classes.
DEFAULTS = {
    "gen_v1_default": ("arroz.DiffusionModel", {}),
    "gen_v5_default": ("arroz.DiffusionModelAttn", {}),
    "prior_default": ("arroz.PriorModel", {}),
    "arroz_vq_default": ("arroz.VQModel", {}),
    "paella_vq_default": ("paella.VQModel", {}),
}


def inputs_for(label, cls, kw, model, g):
    n = 2
    if cls.startswith("arroz.Diffusion"):
        return {"forward": {"x": torch.randn(n, 4, 8, 8, generator=g), "r": torch.tensor([0.25, 0.8125]),
                            "c": torch.randn(n, kw["c_embd"], generator=g)}}
    if cls == "arroz.PriorModel":
        return {"forward": {"x": torch.randn(n, kw["clip_r"], generator=g), "r": torch.tensor([0.5, 0.0625]),
                            "c": torch.randn(n, kw["clip_r"], generator=g)}}
    img = torch.rand(n, 3, 16, 16, generator=g)
    lat = torch.randn(n, kw["c_latent"], 4, 4, generator=g)
    idx = torch.randint(0, kw["codebook_size"], (n, 4, 4), generator=g)
    return {"forward": {"x": img}, "encode": {"x": img}, "decode": {"x": lat}, "decode_indices": {"x": idx}}


def make(out_dir):
    d = os.path.join(out_dir, "latent")
    os.makedirs(d, exist_ok=True)
    check_haar_against_pytorch_wavelets()
    models = {}
    for label, (cls, kw) in PARITY.items():
        for attempt in range(20):
            torch.manual_seed(100 + attempt)
            g = torch.Generator().manual_seed(200 + attempt)
            m = CLASSES[cls](**kw)
            perturb(m, g)
            m.eval()
            calls = inputs_for(label, cls, kw, m, g)
            outs = {}
            with torch.no_grad():
                for method, args in calls.items():
                    outs[method] = flatten_outputs(getattr(m, method)(**args))
            vq = getattr(m, "vquantizer", None) or getattr(getattr(m, "vqmodule", None), "vquantizer", None)
            if vq is None or vq.margin > 1e-3:  # no near-ties between codes: the argmin is robust
                break
        if vq is not None:
            print(f"    {label}: smallest gap between nearest and second code distance {vq.margin:.4f}")
        sd = {k: v.contiguous() for k, v in m.state_dict().items()}
        save_file(sd, os.path.join(d, f"{label}.safetensors"))
        for method, args in calls.items():
            save_file({k: v.contiguous() for k, v in args.items()}, os.path.join(d, f"{label}.{method}.in.safetensors"))
            save_file(outs[method], os.path.join(d, f"{label}.{method}.out.safetensors"))
        models[label] = {"class": cls, "kwargs": kw, "methods": list(calls.keys())}
    keys = {}
    for label, (cls, kw) in list(PARITY.items()) + list(SMALL.items()):
        torch.manual_seed(0)
        keys[label] = {"class": cls, "kwargs": kw, **describe(CLASSES[cls](**kw))}
    for label, (cls, kw) in DEFAULTS.items():
        with torch.device("meta"):  # names only where our test can afford to build the model (the VQs)
            keys[label] = {"class": cls, "kwargs": kw, **describe(CLASSES[cls](**kw), names="VQ" in cls)}
    with open(os.path.join(d, "latent_keys.json"), "w") as f:
        json.dump(keys, f, separators=(",", ":"))
    with open(os.path.join(d, "latent_models.json"), "w") as f:
        json.dump({"meta": {"script": "fixtures_latent.py", "torch": torch.__version__}, "models": models}, f,
                  indent=1)
    for label in SMALL:
        print(f"    {label}: {keys[label]['parameters']:,} parameters")
    for label in DEFAULTS:
        print(f"    {label}: {keys[label]['parameters']:,} parameters")


if __name__ == "__main__":
    make(sys.argv[1] if len(sys.argv) > 1 else OUT_DIR)
