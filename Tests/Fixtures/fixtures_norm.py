"""PyTorch parity fixtures for the "norm" area: normalisation ops, attention, and their layers.

make(out_dir) writes op fixtures to out_dir (Tests/ArrozTensorTests/Fixtures/norm) and layer fixtures
(with real state_dicts) to Tests/ArrozNNTests/Fixtures/norm next to it. Each file is JSON:
    {"tensors": {name: {"shape": [...], "data": [...]}}}
Inputs come from torch.manual_seed; every fixture also stores `r`, a random projection, and the gradients of
sum(y * r) with respect to every input and parameter, so the Swift tests check backward as well as forward.
Boolean masks are stored as 0/1 floats.

Run: ~/torch-venv/bin/python Tests/Fixtures/fixtures_norm.py
"""
import json
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
TESTS = os.path.dirname(HERE)


def pack(**tensors):
    out = {}
    for name, t in tensors.items():
        t = t.detach().to(torch.float32)
        out[name] = {"shape": list(t.shape), "data": [round(float(v), 8) for v in t.reshape(-1).tolist()]}
    return {"tensors": out}


def write(path, payload):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        json.dump(payload, f, separators=(",", ":"))


def leaf(*shape, scale=1.0, shift=0.0):
    return (torch.randn(*shape) * scale + shift).requires_grad_(True)


def grads_of(y, named):
    """Backward of sum(y * r) for a fixed random r; returns r and the named gradients."""
    r = torch.randn_like(y)
    (y * r).sum().backward()
    out = {"r": r}
    for name, t in named.items():
        out["d" + name] = t.grad if t.grad is not None else torch.zeros_like(t)
    return out


def op_fixtures(out_dir):
    torch.manual_seed(0)
    # layer_norm over the last axis with affine
    x, w, b = leaf(2, 3, 8, scale=2, shift=0.5), leaf(8), leaf(8)
    y = F.layer_norm(x, (8,), w, b, eps=1e-5)
    write(os.path.join(out_dir, "layer_norm.json"),
          pack(x=x, w=w, b=b, y=y, **grads_of(y, {"x": x, "w": w, "b": b})))

    # LayerNorm2d as Arroz / Paella: permute, nn.LayerNorm(C, eps=1e-6), permute back
    x, w, b = leaf(2, 4, 3, 3), leaf(4), leaf(4)
    y = F.layer_norm(x.permute(0, 2, 3, 1), (4,), w, b, eps=1e-6).permute(0, 3, 1, 2)
    write(os.path.join(out_dir, "layer_norm2d.json"),
          pack(x=x, w=w, b=b, y=y, **grads_of(y, {"x": x, "w": w, "b": b})))

    # group_norm, 3 groups of 2 channels
    x, w, b = leaf(2, 6, 3, 3, scale=3), leaf(6), leaf(6)
    y = F.group_norm(x, 3, w, b, eps=1e-5)
    write(os.path.join(out_dir, "group_norm.json"),
          pack(x=x, w=w, b=b, y=y, **grads_of(y, {"x": x, "w": w, "b": b})))

    # batch_norm in training (running stats updated), then in eval with the updated running stats
    x, w, b = leaf(4, 3, 2, 2, scale=2, shift=1), leaf(3), leaf(3)
    rm0, rv0 = torch.randn(3), torch.rand(3) + 0.5
    rm, rv = rm0.clone(), rv0.clone()
    y = F.batch_norm(x, rm, rv, w, b, training=True, momentum=0.1, eps=1e-5)
    write(os.path.join(out_dir, "batch_norm_train.json"),
          pack(x=x, w=w, b=b, running_mean0=rm0, running_var0=rv0, y=y, running_mean=rm, running_var=rv,
               **grads_of(y, {"x": x, "w": w, "b": b})))
    x, w, b = [t.detach().clone().requires_grad_(True) for t in (x, w, b)]
    y = F.batch_norm(x, rm, rv, w, b, training=False, eps=1e-5)
    write(os.path.join(out_dir, "batch_norm_eval.json"),
          pack(x=x, w=w, b=b, running_mean=rm, running_var=rv, y=y, **grads_of(y, {"x": x, "w": w, "b": b})))

    # GRN exactly as Paella v3's GlobalResponseNorm (channels-last input, gamma/beta [1, 1, 1, C])
    x, gamma, beta = leaf(2, 3, 3, 8), leaf(1, 1, 1, 8), leaf(1, 1, 1, 8)
    Gx = torch.norm(x, p=2, dim=(1, 2), keepdim=True)
    Nx = Gx / (Gx.mean(dim=-1, keepdim=True) + 1e-6)
    y = gamma * (x * Nx) + beta + x
    write(os.path.join(out_dir, "grn.json"),
          pack(x=x, gamma=gamma, beta=beta, y=y, **grads_of(y, {"x": x, "gamma": gamma, "beta": beta})))

    # scaled_dot_product_attention with S != L, a float mask and a bool mask (True = may attend)
    q, k, v = leaf(2, 2, 4, 8), leaf(2, 2, 6, 8), leaf(2, 2, 6, 5)
    mask = torch.randn(4, 6)
    y = F.scaled_dot_product_attention(q, k, v, attn_mask=mask)
    write(os.path.join(out_dir, "sdpa.json"),
          pack(q=q, k=k, v=v, mask=mask, y=y, **grads_of(y, {"q": q, "k": k, "v": v})))
    q, k, v = leaf(1, 2, 5, 4), leaf(1, 2, 5, 4), leaf(1, 2, 5, 4)
    allowed = torch.rand(2, 5, 5) > 0.3
    allowed[:, :, 0] = True  # every query sees at least one key
    y = F.scaled_dot_product_attention(q, k, v, attn_mask=allowed)
    y_causal = F.scaled_dot_product_attention(q, k, v, is_causal=True)
    write(os.path.join(out_dir, "sdpa_bool.json"),
          pack(q=q, k=k, v=v, allowed=allowed.float(), y=y, y_causal=y_causal))


def layer_fixtures(out_dir):
    torch.manual_seed(1)
    # nn.MultiheadAttention, batch_first, cross-attention (S != L), float attn_mask + bool key_padding_mask
    E, H, N, L, S = 8, 2, 2, 3, 5
    mha = nn.MultiheadAttention(E, H, batch_first=True)
    with torch.no_grad():  # non-zero biases so the fixture exercises them
        mha.in_proj_bias.normal_()
        mha.out_proj.bias.normal_()
    query, key, value = leaf(N, L, E), leaf(N, S, E), leaf(N, S, E)
    attn_mask = torch.randn(L, S)
    pad = torch.zeros(N, S, dtype=torch.bool)
    pad[0, 4] = True
    pad[1, 1] = True
    y, _ = mha(query, key, value, key_padding_mask=pad, attn_mask=attn_mask, need_weights=False)
    sd = {k: v for k, v in mha.state_dict().items()}
    params = dict(mha.named_parameters())
    g = grads_of(y, {"query": query, "key": key, "value": value, **params})
    write(os.path.join(out_dir, "multihead_attention.json"),
          pack(**sd, query=query, key=key, value=value, attn_mask=attn_mask, key_padding_mask=pad.float(),
               y=y, **g))

    # self-attention with a bool attn_mask (True = masked out) and no biases
    mha = nn.MultiheadAttention(E, H, bias=False, batch_first=True)
    x = leaf(N, 4, E)
    causal = torch.triu(torch.ones(4, 4, dtype=torch.bool), diagonal=1)
    y, _ = mha(x, x, x, attn_mask=causal, need_weights=False)
    write(os.path.join(out_dir, "multihead_attention_self.json"),
          pack(**mha.state_dict(), x=x, attn_mask=causal.float(), y=y))

    # nn.BatchNorm2d: two training steps then eval, with its state_dict (num_batches_tracked as float)
    bn = nn.BatchNorm2d(3)
    with torch.no_grad():
        bn.weight.normal_()
        bn.bias.normal_()
    x1, x2, x3 = torch.randn(4, 3, 2, 2) * 2 + 1, torch.randn(4, 3, 2, 2), torch.randn(2, 3, 2, 2)
    bn.train()
    y1, y2 = bn(x1), bn(x2)
    bn.eval()
    y3 = bn(x3)
    write(os.path.join(out_dir, "batch_norm2d.json"),
          pack(weight=bn.weight, bias=bn.bias, running_mean=bn.running_mean, running_var=bn.running_var,
               num_batches_tracked=bn.num_batches_tracked, x1=x1, x2=x2, x3=x3, y1=y1, y2=y2, y3=y3))

    # nn.LayerNorm and nn.GroupNorm with non-trivial affine parameters
    ln, gn = nn.LayerNorm(6), nn.GroupNorm(2, 4)
    with torch.no_grad():
        for m in (ln, gn):
            m.weight.normal_()
            m.bias.normal_()
    xl, xg = torch.randn(2, 3, 6), torch.randn(2, 4, 3, 3)
    write(os.path.join(out_dir, "layer_norm_group_norm.json"),
          pack(ln_weight=ln.weight, ln_bias=ln.bias, gn_weight=gn.weight, gn_bias=gn.bias,
               xl=xl, yl=ln(xl), xg=xg, yg=gn(xg)))


def make(out_dir=None):
    out_dir = out_dir or os.path.join(TESTS, "ArrozTensorTests", "Fixtures", "norm")
    op_fixtures(out_dir)
    layer_fixtures(os.path.join(TESTS, "ArrozNNTests", "Fixtures", "norm"))


if __name__ == "__main__":
    make(sys.argv[1] if len(sys.argv) > 1 else None)
