#!/usr/bin/python3
"""Golden reference for tundish's cnn_lstm numerics (PyTorch 1.13, CPU).

Usage: make_golden_cnn_lstm.py [--seed 0] [--out golden_cnn_lstm_small.json]

The format of ../lstm/README.md, extended for a convolutional front-end:

  model "cnn2": nn.Sequential "conv" = [Conv1d(5, 4, 3, padding=1), ReLU, BatchNorm1d(4),
                Conv1d(4, 4, 3, padding=1), ReLU, BatchNorm1d(4), MaxPool1d(2)]
                -> nn.LSTM(4, 6, num_layers=2, batch_first=True) -> Linear(6, 1) on the last step
  model "cnn1k5": one block Conv1d(5, 3, 5, padding=2) + ReLU + BatchNorm1d(3), MaxPool1d(2)
                -> nn.LSTM(3, 5, 1) -> Linear(5, 1)

Parameters use the names tundish gives them: the LSTM's without the "lstm." prefix
(weight_ih_l0, ...), "conv.<i>.*" and "head.*" as in torch. BatchNorm running statistics
are under "buffers" (initial) and, per precision, "buffers_after" (after the first forward)
and in every Adam step. The model is in training mode throughout (BatchNorm uses batch
statistics and updates its running ones at every forward). Extra per precision: "conv_out"
[B, T/2, ch], the LSTM's input. meta.conv_pool = 2.

Input x [3, 12, 5] = torch.randn (Generator seeded seed + 1) * 2 + 0.5; target [1, 0, 1].
Loss BCEWithLogits(pos_weight 3), mean. Three torch.optim.Adam steps (lr 1e-3, weight_decay
1e-4 as L2). Computed with the same float32-valued weights in float64 and float32.
"""
import argparse
import json
import os

import torch
import torch.nn as nn

B, T, C = 3, 12, 5
CONFIGS = {
    "cnn2": dict(blocks=2, ch=4, k=3, hidden=6, layers=2),
    "cnn1k5": dict(blocks=1, ch=3, k=5, hidden=5, layers=1),
}


class CNNLSTM(nn.Module):
    def __init__(self, blocks, ch, k, hidden, layers):
        super().__init__()
        mods = []
        for b in range(blocks):
            mods += [nn.Conv1d(C if b == 0 else ch, ch, k, padding=k // 2), nn.ReLU(),
                     nn.BatchNorm1d(ch)]
        mods.append(nn.MaxPool1d(2))
        self.conv = nn.Sequential(*mods)
        self.lstm = nn.LSTM(ch, hidden, layers, batch_first=True)
        self.head = nn.Linear(hidden, 1)

    def forward(self, x):
        z = self.conv(x.transpose(1, 2)).transpose(1, 2)        # [B, T/2, ch]
        out, (h_n, c_n) = self.lstm(z)
        return z, out, h_n, c_n, self.head(out[:, -1, :]).squeeze(-1)


def flat(t):
    return {"shape": list(t.shape), "data": [float(v) for v in t.detach().reshape(-1).tolist()]}


def tundish_name(k):
    return k[len("lstm."):] if k.startswith("lstm.") else k


def manual_layers(lstm, x):
    hs, cs, inp = [], [], x
    H = lstm.hidden_size
    for l in range(lstm.num_layers):
        Wi, Wh = getattr(lstm, f"weight_ih_l{l}"), getattr(lstm, f"weight_hh_l{l}")
        bi, bh = getattr(lstm, f"bias_ih_l{l}"), getattr(lstm, f"bias_hh_l{l}")
        h = torch.zeros(x.shape[0], H, dtype=x.dtype)
        c = torch.zeros(x.shape[0], H, dtype=x.dtype)
        hl, cl = [], []
        for t in range(x.shape[1]):
            i, f, g, o = (inp[:, t] @ Wi.T + bi + h @ Wh.T + bh).chunk(4, dim=1)
            c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
            h = torch.sigmoid(o) * torch.tanh(c)
            hl.append(h)
            cl.append(c)
        inp = torch.stack(hl, 1)
        hs.append(inp)
        cs.append(torch.stack(cl, 1))
    return torch.stack(hs, 0), torch.stack(cs, 0)


def buffers(model):
    return {k: flat(v) for k, v in model.state_dict().items()
            if k.endswith("running_mean") or k.endswith("running_var")}


def run(cfg, seed, x32, y32, dtype):
    torch.manual_seed(seed)
    model = CNNLSTM(**cfg)
    params0 = {tundish_name(k): v.detach().clone() for k, v in model.named_parameters()}
    buffers0 = buffers(model)
    model = model.to(dtype).train()
    x = x32.to(dtype).clone().requires_grad_(True)
    y = y32.to(dtype)
    lossf = nn.BCEWithLogitsLoss(pos_weight=torch.tensor(3.0, dtype=dtype))
    z, out, h_n, c_n, logits = model(x)
    loss = lossf(logits, y)
    loss.backward()
    with torch.no_grad():
        lh, lc = manual_layers(model.lstm, z.detach())
        err = float((lh[-1] - out).abs().max())
    assert err < (1e-12 if dtype == torch.float64 else 1e-5), err
    named = [(tundish_name(k), v) for k, v in model.named_parameters()]
    res = {
        "conv_out": flat(z), "out": flat(out), "h_n": flat(h_n), "c_n": flat(c_n),
        "layer_h": flat(lh), "layer_c": flat(lc), "logits": flat(logits), "loss": float(loss),
        "grads": {k: flat(v.grad) for k, v in named}, "grad_input": flat(x.grad),
        "buffers_after": buffers(model),
    }
    opt = torch.optim.Adam([v for _, v in named], lr=1e-3, betas=(0.9, 0.999), eps=1e-8,
                           weight_decay=1e-4)
    steps = []
    for _ in range(3):
        opt.zero_grad()
        l = lossf(model(x.detach())[-1], y)
        l.backward()
        opt.step()
        steps.append({"loss_before": float(l), "params_after": {k: flat(v) for k, v in named},
                      "buffers_after": buffers(model)})
    res["adam_steps"] = steps
    return params0, buffers0, res


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                 "golden_cnn_lstm_small.json"))
    a = ap.parse_args()
    torch.set_num_threads(1)
    g = torch.Generator().manual_seed(a.seed + 1)
    x = torch.randn(B, T, C, generator=g) * 2 + 0.5
    y = torch.tensor([1.0, 0.0, 1.0])
    doc = {
        "meta": {
            "torch": torch.__version__, "seed": a.seed, "pos_weight": 3.0, "conv_pool": 2,
            "mode": "train (BatchNorm batch statistics; running ones updated every forward)",
            "layout": "batch-first; conv_out/out [B,T/2,*]; layer_* [L,B,T/2,H]",
            "adam": "torch.optim.Adam lr 1e-3 betas (0.9,0.999) eps 1e-8 weight_decay 1e-4 (L2)",
        },
        "input": flat(x), "target": flat(y), "models": {},
    }
    for name, cfg in CONFIGS.items():
        m = {}
        for prec, dt in (("float64", torch.float64), ("float32", torch.float32)):
            params0, buffers0, r = run(cfg, a.seed, x, y, dt)
            m["params"] = {k: flat(v) for k, v in params0.items()}
            m["buffers"] = buffers0
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
