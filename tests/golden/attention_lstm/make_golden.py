#!/usr/bin/python3
"""Golden reference for tundish's attention_lstm numerics (PyTorch 1.13, CPU).

Usage: make_golden.py [--seed 0] [--out golden_attention_lstm_small.json]

The format of ../lstm/README.md, extended for self-attention and variable lengths:

  model "attn2":   nn.LSTM(5, 8, num_layers=2, batch_first=True)
                   -> nn.MultiheadAttention(8, 2 heads, batch_first=True), self-attention with
                      key_padding_mask from the lengths
                   -> mean over each sequence's valid steps
                   -> head Linear(8, 4) - ReLU - Dropout(0) - Linear(4, 1)
  model "attn1bi": nn.LSTM(5, 6, num_layers=1, bidirectional=True)
                   -> nn.MultiheadAttention(12, 3 heads) -> max over valid steps -> Linear(12, 1)

Variable lengths: top-level "lengths" [B] = [7, 4, 7]; the LSTM runs on
pack_padded_sequence(x, lengths), the attention masks padded keys. The padded steps of
the input hold garbage (1e3) to show they change nothing. Every per-step tensor is 0 at
padded steps (t >= lengths[b]): out, layer_h, layer_c, attn_out (torch computes rows for
padded queries; they are excluded from pooling and zeroed here), attn_weights [B, heads,
T, T] (padded query rows zeroed; padded key columns are 0 by the mask), grad_input.

Parameters use the names tundish gives them: the LSTM's without the "lstm." prefix
(weight_ih_l0, ...), "attn.in_proj_weight" [3E, E], "attn.in_proj_bias" [3E],
"attn.out_proj.weight" [E, E], "attn.out_proj.bias" [E], "head.*" as in torch.
Per model: "attn_heads" (the head count, which shapes cannot tell) and "pool".
Extra per precision: "attn_out" [B, T, E], "attn_weights" [B, heads, T, T] (per head, not
averaged), "pooled" [B, E].

attn.in_proj_bias and attn.out_proj.bias are U(-0.5, 0.5) (Generator seeded seed + 2)
instead of torch's zeros; see run().

Input x [3, 7, 5] = torch.randn (Generator seeded seed + 1) * 2 + 0.5, padding set to 1e3;
target [1, 0, 1]. Loss BCEWithLogits(pos_weight 3), mean. Training mode (no dropout in
these models). Three torch.optim.Adam steps (lr 1e-3, eps 1e-6 = meta.adam_eps, see
ADAM_EPS, weight_decay 1e-4 as L2). Computed
with the same float32-valued weights in float64 and float32.
"""
import argparse
import json
import os

import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

B, T, C = 3, 7, 5
LENGTHS = [7, 4, 7]
# Adam's eps: 1e-6, not torch's default 1e-8. Near-uniform attention gives some query/key
# weights gradients of ~1e-9; Adam's first step on such an element is lr·g/(|g| + eps),
# which turns float32 rounding of g (~1e-7 of the largest gradient) into a relative error
# of 2e-5 in the parameters at eps 1e-8, above the 1e-5 tolerance; at 1e-6 it is 100× smaller.
ADAM_EPS = 1e-6
CONFIGS = {
    "attn2": dict(hidden=8, layers=2, bidirectional=False, heads=2, pool="mean", head=4),
    "attn1bi": dict(hidden=6, layers=1, bidirectional=True, heads=3, pool="max", head=0),
}


class AttnLSTM(nn.Module):
    def __init__(self, hidden, layers, bidirectional, heads, pool, head):
        super().__init__()
        E = hidden * (2 if bidirectional else 1)
        self.pool = pool
        self.lstm = nn.LSTM(C, hidden, layers, batch_first=True, bidirectional=bidirectional)
        self.attn = nn.MultiheadAttention(E, heads, dropout=0.0, batch_first=True)
        if head:
            self.head = nn.Sequential(nn.Linear(E, head), nn.ReLU(), nn.Dropout(0.0),
                                      nn.Linear(head, 1))
        else:
            self.head = nn.Linear(E, 1)

    def forward(self, x, lengths):
        pad = torch.arange(x.shape[1])[None, :] >= lengths[:, None]           # [B, T]
        packed = pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
        out, (h_n, c_n) = self.lstm(packed)
        out, _ = pad_packed_sequence(out, batch_first=True, total_length=x.shape[1])
        a, w = self.attn(out, out, out, key_padding_mask=pad, need_weights=True,
                         average_attn_weights=False)
        if self.pool == "mean":
            pooled = (a * (~pad)[..., None]).sum(1) / lengths[:, None].to(a.dtype)
        else:
            pooled = a.masked_fill(pad[..., None], float("-inf")).max(dim=1).values
        return out, h_n, c_n, a, w, pooled, self.head(pooled).squeeze(-1)


def flat(t):
    return {"shape": list(t.shape), "data": [float(v) for v in t.detach().reshape(-1).tolist()]}


def tundish_name(k):
    return k[len("lstm."):] if k.startswith("lstm.") else k


def manual_layers(lstm, x, lengths):
    """Every layer's h and c, step by step per sequence (states 0 at padded steps)."""
    H, dirs = lstm.hidden_size, 2 if lstm.bidirectional else 1
    inp = x
    hs, cs = [], []
    for l in range(lstm.num_layers):
        h_all = torch.zeros(x.shape[0], x.shape[1], dirs * H, dtype=x.dtype)
        c_all = torch.zeros_like(h_all)
        for d in range(dirs):
            sfx = "_reverse" if d else ""
            Wi, Wh = getattr(lstm, f"weight_ih_l{l}{sfx}"), getattr(lstm, f"weight_hh_l{l}{sfx}")
            bi, bh = getattr(lstm, f"bias_ih_l{l}{sfx}"), getattr(lstm, f"bias_hh_l{l}{sfx}")
            for b in range(x.shape[0]):
                L = int(lengths[b])
                h = torch.zeros(H, dtype=x.dtype)
                c = torch.zeros(H, dtype=x.dtype)
                for t in (range(L - 1, -1, -1) if d else range(L)):
                    i, f, g, o = (inp[b, t] @ Wi.T + bi + h @ Wh.T + bh).chunk(4)
                    c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
                    h = torch.sigmoid(o) * torch.tanh(c)
                    h_all[b, t, d * H:(d + 1) * H] = h
                    c_all[b, t, d * H:(d + 1) * H] = c
        inp = h_all
        hs.append(h_all)
        cs.append(c_all)
    return torch.stack(hs, 0), torch.stack(cs, 0)


def run(cfg, seed, x32, y32, lengths, dtype):
    torch.manual_seed(seed)
    model = AttnLSTM(**cfg)
    with torch.no_grad():
        # torch initialises these to 0; random values exercise the bias paths, and give
        # the key bias (whose loss gradient is 0 in exact arithmetic: a softmax does not
        # see a shift of a whole row) a defined gradient through the weight decay, so the
        # Adam steps on it do not amplify rounding noise.
        gb = torch.Generator().manual_seed(seed + 2)
        for p in (model.attn.in_proj_bias, model.attn.out_proj.bias):
            p.copy_(torch.rand(p.shape, generator=gb) - 0.5)
    params0 = {tundish_name(k): v.detach().clone() for k, v in model.named_parameters()}
    model = model.to(dtype).train()
    x = x32.to(dtype).clone().requires_grad_(True)
    y = y32.to(dtype)
    lossf = nn.BCEWithLogitsLoss(pos_weight=torch.tensor(3.0, dtype=dtype))
    out, h_n, c_n, a, w, pooled, logits = model(x, lengths)
    loss = lossf(logits, y)
    loss.backward()
    valid = (torch.arange(T)[None, :] < lengths[:, None]).to(dtype)          # [B, T]
    with torch.no_grad():
        lh, lc = manual_layers(model.lstm, x.detach(), lengths)
        err = float((lh[-1] - out).abs().max())
        w_rows = w * valid[:, None, :, None]                                 # padded queries 0
        sums = w_rows.sum(-1)
        err_sum = float((sums - valid[:, None, :]).abs().max())
    tol = 1e-12 if dtype == torch.float64 else 1e-5
    assert err < tol, err
    assert err_sum < tol, err_sum
    named = [(tundish_name(k), v) for k, v in model.named_parameters()]
    res = {
        "out": flat(out * valid[..., None]), "h_n": flat(h_n), "c_n": flat(c_n),
        "layer_h": flat(lh), "layer_c": flat(lc),
        "attn_out": flat(a * valid[..., None]), "attn_weights": flat(w_rows),
        "pooled": flat(pooled), "logits": flat(logits), "loss": float(loss),
        "grads": {k: flat(v.grad) for k, v in named}, "grad_input": flat(x.grad),
    }
    opt = torch.optim.Adam([v for _, v in named], lr=1e-3, betas=(0.9, 0.999), eps=ADAM_EPS,
                           weight_decay=1e-4)
    steps = []
    for _ in range(3):
        opt.zero_grad()
        l = lossf(model(x.detach(), lengths)[-1], y)
        l.backward()
        opt.step()
        steps.append({"loss_before": float(l), "params_after": {k: flat(v) for k, v in named}})
    res["adam_steps"] = steps
    return params0, res


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                 "golden_attention_lstm_small.json"))
    a = ap.parse_args()
    torch.set_num_threads(1)
    g = torch.Generator().manual_seed(a.seed + 1)
    x = torch.randn(B, T, C, generator=g) * 2 + 0.5
    lengths = torch.tensor(LENGTHS)
    for b in range(B):
        x[b, LENGTHS[b]:] = 1e3          # garbage in the padding
    y = torch.tensor([1.0, 0.0, 1.0])
    doc = {
        "meta": {
            "torch": torch.__version__, "seed": a.seed, "pos_weight": 3.0,
            "mode": "train (no dropout in these models)",
            "layout": "batch-first; out/attn_out [B,T,E], layer_* [L,B,T,D], "
                      "attn_weights [B,heads,T,T]; 0 at padded steps",
            "adam": "torch.optim.Adam lr 1e-3 betas (0.9,0.999) eps 1e-6 weight_decay 1e-4 (L2)",
            "adam_eps": ADAM_EPS,
        },
        "input": flat(x), "target": flat(y), "lengths": flat(lengths.to(torch.float64)),
        "models": {},
    }
    for name, cfg in CONFIGS.items():
        m = {"attn_heads": cfg["heads"], "pool": cfg["pool"]}
        for prec, dt in (("float64", torch.float64), ("float32", torch.float32)):
            params0, r = run(cfg, a.seed, x, y, lengths, dt)
            m["params"] = {k: flat(v) for k, v in params0.items()}
            m[prec] = r
        doc["models"][name] = m
    with open(a.out, "w") as f:
        json.dump(doc, f, separators=(",", ":"))
    for name in CONFIGS:
        m = doc["models"][name]
        print(f"{name}: loss64={m['float64']['loss']!r} loss32={m['float32']['loss']!r}")
    print("wrote", a.out, os.path.getsize(a.out), "bytes")


if __name__ == "__main__":
    main()
