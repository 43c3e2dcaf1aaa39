"""Fixtures for the token and GAN families (issue 12): Paella v3, Paella v1 and cclddg, in PyTorch.

Our own PyTorch code for the architectures as /work/shared/reference/seeds.md §2.1, §2.2 and §3.1 describe
them (module names as the seeds' state_dicts), built at tiny configs with random NON-default weights (every
parameter moved away from its init: GRN gamma/beta, T mappers, zero-init clf convs and layer scales included,
since default inits make blocks identities and hide bugs). make(out_dir) writes, under
Tests/ArrozModelsTests/Fixtures/tokens/:

  <name>.safetensors      state_dict (float16; the cclddg nets instead get hash_fill weights, not stored)
  <name>_io.safetensors   inputs and outputs of one eval-mode forward (and the losses' inputs/outputs)
  keys.json               {config name: {"kwargs", "keys" [ordered], "shapes", "parameters"}} for the fixture
                          configs, seeds.md §6's small configs and the upstream defaults (built on the meta device)

Run: ~/torch-venv/bin/python Tests/Fixtures/make_fixtures.py tokens
"""
import json
import math
import os
import sys

import torch
import torch.nn.functional as F
from safetensors.torch import save_file
from torch import nn

OUT_DIR = "Tests/ArrozModelsTests/Fixtures/tokens"


# ---------------------------------------------------------------------------------------------------------
# Paella v3 (seeds.md §2.2)

class LN2d(nn.LayerNorm):
    """nn.LayerNorm over channels of NCHW (permute in, permute out)."""

    def forward(self, x):
        return super().forward(x.permute(0, 2, 3, 1)).permute(0, 3, 1, 2)


class GRN(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.gamma = nn.Parameter(torch.zeros(1, 1, 1, d))
        self.beta = nn.Parameter(torch.zeros(1, 1, 1, d))

    def forward(self, x):  # channels last
        g = torch.norm(x, p=2, dim=(1, 2), keepdim=True)
        n = g / (g.mean(dim=-1, keepdim=True) + 1e-6)
        return self.gamma * (x * n) + self.beta + x


class CBlock(nn.Module):
    def __init__(self, c, c_skip=0, k=3, dropout=0.0):
        super().__init__()
        self.depthwise = nn.Conv2d(c + c_skip, c, k, padding=k // 2, groups=c)
        self.norm = LN2d(c, elementwise_affine=False, eps=1e-6)
        self.channelwise = nn.Sequential(nn.Linear(c, 4 * c), nn.GELU(), GRN(4 * c), nn.Dropout(dropout),
                                         nn.Linear(4 * c, c))

    def forward(self, x, skip=None):
        h = torch.cat([x, skip], 1) if skip is not None else x
        h = self.norm(self.depthwise(h)).permute(0, 2, 3, 1)
        return self.channelwise(h).permute(0, 3, 1, 2) + x


class TBlock(nn.Module):
    def __init__(self, c, c_r):
        super().__init__()
        self.mapper = nn.Linear(c_r, 2 * c)

    def forward(self, x, r):
        a, b = self.mapper(r)[:, :, None, None].chunk(2, dim=1)
        return x * (1 + a) + b


class Attn2D(nn.Module):
    def __init__(self, c, nhead, dropout):
        super().__init__()
        self.attn = nn.MultiheadAttention(c, nhead, dropout=dropout, bias=True, batch_first=True)

    def forward(self, x, kv, self_attn):
        shape = x.shape
        q = x.flatten(2).permute(0, 2, 1)
        if self_attn:
            kv = torch.cat([q, kv], 1)
        return self.attn(q, kv, kv, need_weights=False)[0].permute(0, 2, 1).reshape(shape)


class ABlock(nn.Module):
    def __init__(self, c, c_cond, nhead, self_attn=True, dropout=0.0):
        super().__init__()
        self.self_attn = self_attn
        self.norm = LN2d(c, elementwise_affine=False, eps=1e-6)
        self.attention = Attn2D(c, nhead, dropout)
        self.kv_mapper = nn.Sequential(nn.SiLU(), nn.Linear(c_cond, c))

    def forward(self, x, kv):
        return x + self.attention(self.norm(x), self.kv_mapper(kv), self.self_attn)


class PaellaV3(nn.Module):
    def __init__(self, c_in=256, c_out=256, num_labels=8192, c_r=64, patch_size=2, c_cond=1024,
                 c_hidden=(640, 1280, 1280), nhead=(-1, 16, 16), blocks=(6, 16, 6),
                 level_config=('CT', 'CTA', 'CTA'), clip_embd=1024, byt5_embd=1536, clip_seq_len=4,
                 kernel_size=3, dropout=0.1, self_attn=True):
        super().__init__()
        self.c_r, self.c_cond = c_r, c_cond
        self.byt5_mapper = nn.Linear(byt5_embd, c_cond)
        self.clip_mapper = nn.Linear(clip_embd, c_cond * clip_seq_len)
        self.clip_image_mapper = nn.Linear(clip_embd, c_cond * clip_seq_len)
        self.seq_norm = nn.LayerNorm(c_cond, elementwise_affine=False, eps=1e-6)
        self.in_mapper = nn.Sequential(nn.Embedding(num_labels, c_in),
                                       nn.LayerNorm(c_in, elementwise_affine=False, eps=1e-6))
        self.embedding = nn.Sequential(nn.PixelUnshuffle(patch_size),
                                       nn.Conv2d(c_in * patch_size ** 2, c_hidden[0], 1),
                                       LN2d(c_hidden[0], elementwise_affine=False, eps=1e-6))

        def make(t, c, h, skip=0):
            if t == 'C':
                return CBlock(c, skip, kernel_size, dropout)
            if t == 'T':
                return TBlock(c, c_r)
            return ABlock(c, c_cond, h, self_attn, dropout)

        self.down_blocks = nn.ModuleList()
        for i, c in enumerate(c_hidden):
            lvl = nn.ModuleList()
            if i > 0:
                lvl.append(nn.Sequential(LN2d(c_hidden[i - 1], elementwise_affine=False, eps=1e-6),
                                         nn.Conv2d(c_hidden[i - 1], c, 2, stride=2)))
            for _ in range(blocks[i]):
                for t in level_config[i]:
                    lvl.append(make(t, c, nhead[i]))
            self.down_blocks.append(lvl)
        self.up_blocks = nn.ModuleList()
        for i in reversed(range(len(c_hidden))):
            lvl = nn.ModuleList()
            for j in range(blocks[i]):
                for k, t in enumerate(level_config[i]):
                    skip = c_hidden[i] if i < len(c_hidden) - 1 and j == k == 0 else 0
                    lvl.append(make(t, c_hidden[i], nhead[i], skip))
            if i > 0:
                lvl.append(nn.Sequential(LN2d(c_hidden[i], elementwise_affine=False, eps=1e-6),
                                         nn.ConvTranspose2d(c_hidden[i], c_hidden[i - 1], 2, stride=2)))
            self.up_blocks.append(lvl)
        self.clf = nn.Sequential(LN2d(c_hidden[0], elementwise_affine=False, eps=1e-6),
                                 nn.Conv2d(c_hidden[0], c_out * patch_size ** 2, 1), nn.PixelShuffle(patch_size))
        self.out_mapper = nn.Sequential(LN2d(c_out, elementwise_affine=False, eps=1e-6),
                                        nn.Conv2d(c_out, num_labels, 1, bias=False))

    def r_embed(self, r):
        r = r * 10000
        h = self.c_r // 2
        w = torch.arange(h).float().mul(-math.log(10000) / (h - 1)).exp()
        e = r[:, None] * w[None, :]
        e = torch.cat([e.sin(), e.cos()], 1)
        return F.pad(e, (0, 1)) if self.c_r % 2 == 1 else e

    def cond(self, byt5, clip, clip_image):
        seq = [self.byt5_mapper(byt5)]
        for e, m in ((clip, self.clip_mapper), (clip_image, self.clip_image_mapper)):
            if e is not None:
                seq.append(m(e).view(e.size(0), -1, self.c_cond))
        return self.seq_norm(torch.cat(seq, 1))

    def run(self, blk, x, r, c, skip=None):
        if isinstance(blk, CBlock):
            return blk(x, skip)
        if isinstance(blk, TBlock):
            return blk(x, r)
        if isinstance(blk, ABlock):
            return blk(x, c)
        return blk(x)

    def forward(self, x, r, byt5, clip=None, clip_image=None):
        re, c = self.r_embed(r), self.cond(byt5, clip, clip_image)
        h = self.embedding(self.in_mapper(x).permute(0, 3, 1, 2))
        outs = []
        for lvl in self.down_blocks:
            for b in lvl:
                h = self.run(b, h, re, c)
            outs.insert(0, h)
        h = outs[0]
        for i, lvl in enumerate(self.up_blocks):
            for j, b in enumerate(lvl):
                h = self.run(b, h, re, c, outs[i] if (i > 0 and j == 0) else None)
        return self.out_mapper(self.clf(h))


def paella_loss(logits, targets, weights):
    """src_distributed/train.py: mean_n Σ w·CE / Σ w, CE with label smoothing 0.1, per token."""
    ce = F.cross_entropy(logits, targets, label_smoothing=0.1, reduction='none')
    return ((ce * weights).sum(dim=[1, 2]) / weights.sum(dim=[1, 2])).mean()


# ---------------------------------------------------------------------------------------------------------
# Paella v1 DenoiseUNet (seeds.md §2.1, the Arroz ResBlock of §1.1)

class ModLN(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.ln = nn.LayerNorm(c, eps=1e-6)
        self.gamma = nn.Parameter(torch.randn(1, 1, 1))
        self.beta = nn.Parameter(torch.randn(1, 1, 1))

    def forward(self, x, w):  # channels last
        return self.gamma * w * self.ln(x) + self.beta * w


class V1Block(nn.Module):
    def __init__(self, c, c_hidden, c_cond, c_skip=0):
        super().__init__()
        self.depthwise = nn.Sequential(nn.ReflectionPad2d(1), nn.Conv2d(c, c, 3, groups=c))
        self.ln = ModLN(c)
        self.channelwise = nn.Sequential(nn.Linear(c + c_skip, c_hidden), nn.GELU(), nn.Linear(c_hidden, c))
        self.gamma = nn.Parameter(1e-6 * torch.ones(c))
        self.cond_mapper = nn.Linear(c_cond, c)

    def forward(self, x, s, skip=None):
        res = x
        x = self.depthwise(x)
        if s.size(2) == s.size(3) == 1:
            s = s.expand(-1, -1, x.size(2), x.size(3))
        elif s.shape[-2:] != x.shape[-2:]:
            s = F.interpolate(s, size=x.shape[-2:], mode='bilinear')
        s = self.cond_mapper(s.permute(0, 2, 3, 1))
        x = self.ln(x.permute(0, 2, 3, 1), s)
        if skip is not None:
            x = torch.cat([x, skip.permute(0, 2, 3, 1)], -1)
        return res + (self.gamma * self.channelwise(x)).permute(0, 3, 1, 2)


class DenoiseUNet(nn.Module):
    def __init__(self, num_labels, c_hidden=1280, c_clip=1024, c_r=64, down_levels=(4, 8, 16), up_levels=(16, 8, 4)):
        super().__init__()
        self.c_r = c_r
        cl = [c_hidden // (2 ** i) for i in reversed(range(len(down_levels)))]
        self.embedding = nn.Embedding(num_labels, cl[0])
        self.down_blocks = nn.ModuleList()
        for i, n in enumerate(down_levels):
            b = [nn.Conv2d(cl[i - 1], cl[i], 4, stride=2, padding=1)] if i > 0 else []
            b += [V1Block(cl[i], 4 * cl[i], c_clip + c_r) for _ in range(n)]
            self.down_blocks.append(nn.ModuleList(b))
        self.up_blocks = nn.ModuleList()
        L = len(cl)
        for i, n in enumerate(up_levels):
            c = cl[L - 1 - i]
            b = [V1Block(c, 4 * c, c_clip + c_r, c if (j == 0 and i > 0) else 0) for j in range(n)]
            if i < len(up_levels) - 1:
                b.append(nn.ConvTranspose2d(c, cl[L - 2 - i], 4, stride=2, padding=1))
            self.up_blocks.append(nn.ModuleList(b))
        self.clf = nn.Conv2d(cl[0], num_labels, 1)

    def r_embed(self, r):
        r = torch.cos(r * math.pi / 2) * 10000
        h = self.c_r // 2
        w = torch.arange(h).float().mul(-math.log(10000) / (h - 1)).exp()
        e = r[:, None] * w[None, :]
        return torch.cat([e.sin(), e.cos()], 1)

    def forward(self, x, c, r):
        re = self.r_embed(r)
        if c.dim() == 2:
            s = torch.cat([c, re], -1)[:, :, None, None]
        else:  # spatial conditioning ("multi-conditioning"): each block resizes s to its resolution
            s = torch.cat([c, re[:, :, None, None].expand(-1, -1, c.size(2), c.size(3))], 1)
        h = self.embedding(x).permute(0, 3, 1, 2)
        outs = []
        for lvl in self.down_blocks:
            for b in lvl:
                h = b(h, s) if isinstance(b, V1Block) else b(h)
            outs.insert(0, h)
        h = outs[0]
        for i, lvl in enumerate(self.up_blocks):
            for j, b in enumerate(lvl):
                if isinstance(b, V1Block):
                    h = b(h, s, outs[i]) if (i > 0 and j == 0) else b(h, s)
                else:
                    h = b(h)
        return self.clf(h)


# ---------------------------------------------------------------------------------------------------------
# cclddg (seeds.md §3.1)

class Swish(nn.Module):
    def forward(self, x):
        return x * torch.sigmoid(x)


class MLP2(nn.Module):
    """TimeEmbedding / CLOOBEmbedding / ZEmbedding body: lin1, act, lin2."""

    def __init__(self, i, o, h=None):
        super().__init__()
        self.lin1 = nn.Linear(i, h or o)
        self.act = Swish()
        self.lin2 = nn.Linear(h or o, o)

    def forward(self, x):
        return self.lin2(self.act(self.lin1(x)))


class TimeEmb(MLP2):
    def __init__(self, n_t, denom=100):
        super().__init__(n_t // 4, n_t)
        self.n_t, self.denom = n_t, denom

    def forward(self, t):
        h = self.n_t // 8
        w = torch.exp(torch.arange(h) * -(math.log(self.denom) / (h - 1)))
        e = t[:, None] * w[None, :]
        return super().forward(torch.cat((e.sin(), e.cos()), 1))


class Res(nn.Module):
    def __init__(self, i, o, n_cond, groups=32):
        super().__init__()
        self.norm1 = nn.GroupNorm(groups, i)
        self.act1 = Swish()
        self.conv1 = nn.Conv2d(i, o, 3, padding=1)
        self.norm2 = nn.GroupNorm(groups, o)
        self.act2 = Swish()
        self.conv2 = nn.Conv2d(o, o, 3, padding=1)
        self.shortcut = nn.Conv2d(i, o, 1) if i != o else nn.Identity()
        self.cond_emb = nn.Linear(n_cond, o)

    def forward(self, x, cond):
        h = self.conv1(self.act1(self.norm1(x))) + self.cond_emb(cond)[:, :, None, None]
        return self.conv2(self.act2(self.norm2(h))) + self.shortcut(x)


class Attn(nn.Module):
    def __init__(self, c, query_axis=True):
        super().__init__()
        self.norm = nn.GroupNorm(32, c)  # declared, never applied
        self.projection = nn.Linear(c, 3 * c)
        self.output = nn.Linear(c, c)
        self.query_axis = query_axis

    def forward(self, x):
        b, c, hh, ww = x.shape
        x = x.view(b, c, -1).permute(0, 2, 1)
        q, k, v = self.projection(x).view(b, -1, 1, 3 * c).chunk(3, dim=-1)
        a = torch.einsum('bihd,bjhd->bijh', q, k) * c ** -0.5
        a = a.softmax(dim=1 if self.query_axis else 2)  # dim 1 = the query axis: the labml bug
        r = self.output(torch.einsum('bijh,bjhd->bihd', a, v).reshape(b, -1, c)) + x
        return r.permute(0, 2, 1).reshape(b, c, hh, ww)


class ResAttn(nn.Module):
    """DownBlock / UpBlock: res (+ attn)."""

    def __init__(self, i, o, n_cond, attn, qa):
        super().__init__()
        self.res = Res(i, o, n_cond)
        self.attn = Attn(o, qa) if attn else nn.Identity()

    def forward(self, x, cond):
        return self.attn(self.res(x, cond))


class Middle(nn.Module):
    def __init__(self, c, n_cond, qa):
        super().__init__()
        self.res1 = Res(c, c, n_cond)
        self.attn = Attn(c, qa)
        self.res2 = Res(c, c, n_cond)

    def forward(self, x, cond):
        return self.res2(self.attn(self.res1(x, cond)), cond)


class Resample(nn.Module):
    def __init__(self, c, up):
        super().__init__()
        self.conv = nn.ConvTranspose2d(c, c, 4, 2, 1) if up else nn.Conv2d(c, c, 3, 2, 1)

    def forward(self, x, cond):
        return self.conv(x)


class DDGBase(nn.Module):
    def build_down(self, image_channels, n, ch_mults, is_attn, n_blocks, n_cond, qa):
        self.image_proj = nn.Conv2d(image_channels, n, 3, padding=1)
        down = []
        o = i = n
        for lv, m in enumerate(ch_mults):
            o = i * m
            for _ in range(n_blocks):
                down.append(ResAttn(i, o, n_cond, is_attn[lv], qa))
                i = o
            if lv < len(ch_mults) - 1:
                down.append(Resample(i, False))
        self.down = nn.ModuleList(down)
        self.middle = Middle(o, n_cond, qa)
        return o

    def encode(self, x, cond):
        x = self.image_proj(x)
        hs = [x]
        for m in self.down:
            x = m(x, cond)
            hs.append(x)
        return self.middle(x, cond), hs


class DDGUNet(DDGBase):
    def __init__(self, image_channels=3, n_channels=64, ch_mults=(1, 2, 2, 4), is_attn=(0, 0, 1, 1), n_blocks=2,
                 z_dim=8, n_z_channels=16, n_cloob_channels=256, denom_factor=100, cloob_dim=512, query_axis=True):
        super().__init__()
        n_t = 4 * n_channels
        self.time_emb = TimeEmb(n_t, denom_factor)
        self.cloob_emb = MLP2(cloob_dim, n_cloob_channels)
        self.z_emb = MLP2(z_dim, n_z_channels)
        n_cond = n_t + n_cloob_channels + n_z_channels
        # registration order of the seed: image_proj, time_emb, cloob_emb, z_emb, down, middle, up, norm, final
        i = self.build_down(image_channels, n_channels, ch_mults, is_attn, n_blocks, n_cond, query_axis)
        up = []
        for lv in reversed(range(len(ch_mults))):
            o = i
            for _ in range(n_blocks):
                up.append(ResAttn(i + o, o, n_cond, is_attn[lv], query_axis))
            o = i // ch_mults[lv]
            up.append(ResAttn(i + o, o, n_cond, is_attn[lv], query_axis))
            i = o
            if lv > 0:
                up.append(Resample(i, True))
        self.up = nn.ModuleList(up)
        self.norm = nn.GroupNorm(8, n_channels)
        self.act = Swish()
        self.final = nn.Conv2d(i, image_channels, 3, padding=1)

    def forward(self, x, t, c, z):
        cond = torch.cat((self.time_emb(t), self.cloob_emb(c), self.z_emb(z)), 1)
        x, hs = self.encode(x, cond)
        for m in self.up:
            if isinstance(m, Resample):
                x = m(x, cond)
            else:
                x = m(torch.cat((x, hs.pop()), 1), cond)
        return self.final(self.act(self.norm(x)))


class DDGDisc(DDGBase):
    def __init__(self, image_channels=3, n_channels=64, ch_mults=(1, 2, 2, 4), is_attn=(0, 0, 1, 1), n_blocks=2,
                 n_cloob_channels=256, denom_factor=100, cloob_dim=512, query_axis=True):
        super().__init__()
        n_t = 4 * n_channels
        self.time_emb = TimeEmb(n_t, denom_factor)
        self.cloob_emb = MLP2(cloob_dim, n_cloob_channels)
        o = self.build_down(image_channels, n_channels, ch_mults, is_attn, n_blocks, n_t + n_cloob_channels,
                            query_axis)
        self.head = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(o, 1), nn.Sigmoid())

    def forward(self, x, t, c):
        cond = torch.cat((self.time_emb(t), self.cloob_emb(c)), 1)
        return self.head(self.encode(x, cond)[0])


def reorder(model, names):
    """The seed registers image_proj before the embeddings; our build_down adds it later. Order keys as the seed."""
    sd = model.state_dict()
    first = [k for k in sd if k.startswith('image_proj.')]
    rest = [k for k in sd if not k.startswith('image_proj.')]
    return first + rest


# ---------------------------------------------------------------------------------------------------------

def perturb(m, scale=0.1):
    """Moves every parameter away from its init (zeros, ones, 1e-6 layer scales all become O(scale) noise),
    then rounds it to float16 so the file can store halves while torch computes in float32 on exactly the
    values Swift loads."""
    with torch.no_grad():
        for name, p in m.named_parameters():
            s = 0.5 if ('gamma' in name or 'beta' in name) else scale
            p.add_(s * torch.randn_like(p))
            p.copy_(p.half().float())


def hash_fill(m, order):
    """Deterministic non-default weights both sides can make without a file (the cclddg nets need 32-wide
    GroupNorms, too big to store): tensor k of the state_dict (seed order), element i gets
    u = frac(sin(12.9898·i + 78.233·k)·43758.5453) − ½ in float64, then
    rank ≥ 2: 2u/√(numel/shape[0]);  rank-1 `…weight` (norm scales): 1 + u;  other rank-1 (biases): u;
    rounded to float32. The Swift side is TokensFixtures.hashFill."""
    sd = m.state_dict()
    with torch.no_grad():
        for k, name in enumerate(order):
            t = sd[name]
            i = torch.arange(t.numel(), dtype=torch.float64)
            v = torch.sin(i * 12.9898 + k * 78.233) * 43758.5453
            u = v - torch.floor(v) - 0.5
            if t.dim() >= 2:
                u = 2 * u / math.sqrt(t.numel() / t.shape[0])
            elif name.endswith("weight"):
                u = 1 + u
            t.copy_(u.float().view_as(t))


def describe(m, kwargs, order=None):
    """kwargs, the state_dict as ordered [name, shape] pairs, and the parameter count."""
    sd = m.state_dict()
    keys = order or list(sd.keys())
    return {"kwargs": kwargs, "state_dict": [[k, list(sd[k].shape)] for k in keys],
            "parameters": sum(p.numel() for p in m.parameters())}


def grads_of(model, out, head=64):
    """Backward of Σ out·R (R fixed random) into every parameter; keeps the first `head` elements of each
    gradient (enough to check every tensor's backward without storing a second copy of the weights)."""
    model.zero_grad()
    rr = torch.randn_like(out)
    (out * rr).sum().backward()
    g = {"R": rr.detach()}
    for k, p in model.named_parameters():
        g["grad." + k] = (p.grad if p.grad is not None else torch.zeros_like(p)).flatten()[:head].clone()
    return g


def save(out_dir, name, model, io):
    if model is not None:  # float16: perturb() rounded every weight to a half
        save_file({k: v.half().contiguous() for k, v in model.state_dict().items()},
                  os.path.join(out_dir, name + ".safetensors"))
    save_file({k: v.float().contiguous() for k, v in io.items()}, os.path.join(out_dir, name + "_io.safetensors"))


PAELLA_TINY = dict(c_in=8, c_out=8, num_labels=32, c_r=16, patch_size=2, c_cond=16, c_hidden=[16, 32],
                   nhead=[-1, 4], blocks=[1, 2], level_config=['CT', 'CTA'], clip_embd=10, byt5_embd=12,
                   clip_seq_len=2, dropout=0.0)
PAELLA_SMALL = dict(c_in=32, c_out=32, num_labels=512, c_r=16, patch_size=1, c_cond=64, c_hidden=[64, 128],
                    nhead=[-1, 4], blocks=[2, 2], level_config=['CT', 'CTA'], clip_embd=384, byt5_embd=384,
                    clip_seq_len=2, dropout=0.0)
V1_TINY = dict(num_labels=32, c_hidden=32, c_clip=12, c_r=16, down_levels=[1, 2], up_levels=[2, 1])
V1_SMALL = dict(num_labels=512, c_hidden=128, c_clip=384, c_r=16, down_levels=[2, 2], up_levels=[2, 2])
DDG_TINY_G = dict(image_channels=4, n_channels=32, ch_mults=[1, 2], is_attn=[0, 1], n_blocks=1, z_dim=8,
                  n_z_channels=16, n_cloob_channels=24, cloob_dim=12)
DDG_TINY_D = dict(image_channels=8, n_channels=32, ch_mults=[1, 2], is_attn=[0, 1], n_blocks=1,
                  n_cloob_channels=24, cloob_dim=12)
DDG_SMALL_G = dict(image_channels=4, n_channels=32, ch_mults=[1, 2, 2], is_attn=[0, 0, 1], n_blocks=1, z_dim=8,
                   n_z_channels=16, n_cloob_channels=64)
DDG_SMALL_D = dict(image_channels=8, n_channels=32, ch_mults=[1, 2, 2], is_attn=[0, 0, 1], n_blocks=1)


def make(out_dir):
    os.makedirs(out_dir, exist_ok=True)
    keys = {}

    # Paella v3 tiny: 8×8 tokens → 4×4 after PixelUnshuffle(2) → 2×2 at level 1
    torch.manual_seed(0)
    m = PaellaV3(**PAELLA_TINY).eval()
    perturb(m)
    x = torch.randint(0, 32, (2, 8, 8))
    r = torch.tensor([0.37, 0.91])
    byt5 = torch.randn(2, 5, 12)
    clip = torch.randn(2, 10)
    clip_image = torch.randn(2, 10)
    logits = torch.randn(2, 64, 4, 4, requires_grad=True)
    targets = torch.randint(0, 64, (2, 4, 4))
    mask = (torch.rand(2, 4, 4) < 0.5).float()
    t = torch.tensor([0.25, 0.8])
    weights = 1 - (1 - mask) * ((1 - t) * (1 - 0.3))[:, None, None]
    loss = paella_loss(logits, targets, weights)
    loss.backward()
    with torch.no_grad():
        io = dict(x=x, r=r, byt5=byt5, clip=clip, clip_image=clip_image,
                  out=m(x, r, byt5, clip, clip_image), out_text=m(x, r, byt5), out_clip=m(x, r, byt5, clip),
                  loss_logits=logits.detach(), loss_targets=targets, loss_weights=weights, loss=loss.detach(),
                  loss_dlogits=logits.grad)
    io.update(grads_of(m, m(x, r, byt5, clip, clip_image)))
    save(out_dir, "paella_tiny", m, io)
    keys["paella_tiny"] = describe(m, PAELLA_TINY)
    keys["paella_small"] = describe(PaellaV3(**PAELLA_SMALL), PAELLA_SMALL)
    with torch.device("meta"):
        keys["paella_default"] = describe(PaellaV3(), {})

    # Paella v1 tiny: 8×8 tokens, levels 16 and 32 channels
    torch.manual_seed(1)
    m = DenoiseUNet(**V1_TINY).eval()
    perturb(m)
    x = torch.randint(0, 32, (2, 8, 8))
    c = torch.randn(2, 12)
    r = torch.tensor([0.2, 0.75])
    with torch.no_grad():
        cs = torch.randn(2, 12, 8, 8)
        io = dict(x=x, c=c, r=r, out=m(x, c, r), c_spatial=cs, out_spatial=m(x, cs, r))
    io.update(grads_of(m, m(x, cs, r)))
    save(out_dir, "paella_v1_tiny", m, io)
    keys["paella_v1_tiny"] = describe(m, V1_TINY)
    keys["paella_v1_small"] = describe(DenoiseUNet(**V1_SMALL), V1_SMALL)
    with torch.device("meta"):
        keys["paella_v1_default"] = describe(DenoiseUNet(8192), {"num_labels": 8192})

    # cclddg tiny: 8×8×4 latents, attention at 4², both softmax axes
    for fixed in (False, True):
        torch.manual_seed(2)
        # 32-channel GroupNorm(32) erases a per-channel bias, so a 32-wide-only net ignores its conditioning:
        # the 64-wide level keeps t, c and z alive.
        g = DDGUNet(**DDG_TINY_G, query_axis=not fixed).eval()
        hash_fill(g, reorder(g, None))
        d = DDGDisc(**DDG_TINY_D, query_axis=not fixed).eval()
        hash_fill(d, reorder(d, None))
        torch.manual_seed(4)
        x = torch.randn(2, 4, 8, 8)
        t = torch.tensor([1.0, 3.0])
        c = torch.randn(2, 12)
        z = torch.randn(2, 8)
        xd = torch.randn(2, 8, 8, 8)
        with torch.no_grad():
            gio = dict(x=x, t=t, c=c, z=z, out=g(x, t, c, z), out_zero=g(x, t, torch.zeros(2, 12), torch.zeros(2, 8)))
            dio = dict(x=xd, t=t, c=c, out=d(xd, t, c))
        suffix = "_fixed" if fixed else ""
        gio.update(grads_of(g, g(x, t, c, z)))
        dio.update(grads_of(d, d(xd, t, c)))
        # R1 as train_cclddg.py: (γ/2)·mean ‖∇_{x_t} Σ D(x_t ⊕ x_{t−1})‖², γ = 1, and its parameter gradients
        xt = xd[:, :4].clone().requires_grad_(True)
        d.zero_grad()
        pred = d(torch.cat([xt, xd[:, 4:]], 1), t, c)
        gr = torch.autograd.grad(outputs=pred.sum(), inputs=xt, create_graph=True)[0]
        pen = 0.5 * (gr.view(gr.size(0), -1).norm(2, dim=1) ** 2).mean()
        pen.backward()
        dio["r1_penalty"] = pen.detach()
        for k, p in d.named_parameters():
            dio["r1_grad." + k] = (p.grad if p.grad is not None else torch.zeros_like(p)).flatten()[:64].clone()
        # weights from hash_fill, not stored
        save(out_dir, "ddg_unet_tiny" + suffix, None, gio)
        save(out_dir, "ddg_disc_tiny" + suffix, None, dio)
    g_kw = {k: v for k, v in DDG_TINY_G.items()}
    keys["ddg_unet_tiny"] = describe(g, g_kw, reorder(g, None))
    keys["ddg_disc_tiny"] = describe(d, DDG_TINY_D, reorder(d, None))
    for name, cls, kw in (("ddg_unet_small", DDGUNet, DDG_SMALL_G), ("ddg_disc_small", DDGDisc, DDG_SMALL_D),
                          ("ddg_unet_script", DDGUNet, dict(image_channels=4, n_channels=32)),
                          ("ddg_disc_script", DDGDisc, dict(image_channels=8, n_channels=32))):
        mm = cls(**kw)
        keys[name] = describe(mm, kw, reorder(mm, None))

    # GAN losses on a hand-sized example (BCE on probabilities, MSE)
    d_real = torch.tensor([[0.9], [0.6]])
    d_fake = torch.tensor([[0.2], [0.7]])
    x0 = torch.tensor([[1.0, -1.0], [0.5, 0.0]])
    x0_hat = torch.tensor([[0.5, -1.0], [0.0, 1.0]])
    gl = dict(d_real=d_real, d_fake=d_fake, x0=x0, x0_hat=x0_hat,
              loss_d_real=F.binary_cross_entropy(d_real, torch.ones_like(d_real)),
              loss_d_fake=F.binary_cross_entropy(d_fake, torch.zeros_like(d_fake)),
              loss_g_adv=F.binary_cross_entropy(d_fake, torch.ones_like(d_fake)),
              loss_g_rec=F.mse_loss(x0_hat, x0))
    save_file({k: v.float().contiguous() for k, v in gl.items()}, os.path.join(out_dir, "ddg_losses_io.safetensors"))

    with open(os.path.join(out_dir, "keys.json"), "w") as f:
        json.dump({"meta": {"script": "fixtures_tokens.py", "torch": torch.__version__}, "models": keys}, f)


if __name__ == "__main__":
    make(sys.argv[1] if len(sys.argv) > 1 else OUT_DIR)
