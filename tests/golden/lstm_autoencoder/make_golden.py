#!/usr/bin/python3
"""Golden reference for tundish's LSTM autoencoder (tundish/nn_recon.h), PyTorch 1.13, CPU.

Usage: make_golden.py [--seed 0] [--out golden_lstm_autoencoder_small.json]

The network, with tundish's parameter names:
  encoder = nn.LSTM(C, H, batch_first=True) on pack_padded_sequence(x, lengths):
            h_n, the state at each sequence's last valid step
  latent  = nn.Linear(H, Z)(h_n)
  decoder = nn.LSTM(Z, H) over the latent repeated at every one of the T steps (causal, so
            its outputs at valid steps never see the padding)
  output  = nn.Linear(H, C) per step = recon
Per-sequence loss: sum over valid steps and channels of (recon - x)^2 / (len * C);
"loss" is the mean over the batch, and the gradients are of that mean. The target is x
itself, so grad_input has both terms (through the encoder and as the target).

Format (extends ../lstm/README.md; `tundish gradcheck` reads it):
  meta.network = "lstm_autoencoder"; "input" [B, T, C] batch first, padded steps hold
  garbage (1e3); "lengths" [B]; models.<name>.params (PyTorch tensors);
  models.<name>.float32: "recon" [B, T, C] and "grad_input" [B, T, C] (0 at padded steps),
  "loss_per_seq" [B], "loss" (a number), "grads.<param>".
Weights: torch's default initialisation (Generator-free: torch.manual_seed(seed)),
input torch.randn * 1.5 (seed + 1). Float32 throughout, as tundish trains.
"""
import argparse
import json

import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence

B, T, C, H, Z = 3, 9, 4, 6, 3
LENGTHS = [9, 6, 3]


class Ae(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = nn.LSTM(C, H, batch_first=True)
        self.latent = nn.Linear(H, Z)
        self.decoder = nn.LSTM(Z, H, batch_first=True)
        self.output = nn.Linear(H, C)

    def forward(self, x, lengths):
        packed = pack_padded_sequence(x, torch.tensor(lengths), batch_first=True,
                                      enforce_sorted=False)
        _, (h_n, _) = self.encoder(packed)
        z = self.latent(h_n[-1])                       # [B, Z]
        zrep = z.unsqueeze(1).expand(-1, x.shape[1], -1)
        out, _ = self.decoder(zrep)
        return self.output(out)                        # [B, T, C]


def tensor(t):
    return {"shape": list(t.shape), "data": [float(v) for v in t.detach().reshape(-1).tolist()]}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", default="golden_lstm_autoencoder_small.json")
    a = ap.parse_args()
    torch.manual_seed(a.seed)
    net = Ae()
    g = torch.Generator().manual_seed(a.seed + 1)
    x = torch.randn(B, T, C, generator=g) * 1.5
    mask = torch.zeros(B, T, 1)
    for b, L in enumerate(LENGTHS):
        x[b, L:, :] = 1e3
        mask[b, :L] = 1
    x.requires_grad_(True)
    recon = net(x, LENGTHS)
    n = torch.tensor(LENGTHS, dtype=torch.float32) * C
    per_seq = (((recon - x) ** 2) * mask).sum(dim=(1, 2)) / n
    loss = per_seq.mean()
    loss.backward()
    models = {"ae": {
        "params": {k: tensor(v) for k, v in net.named_parameters()},
        "float32": {
            "recon": tensor(recon * mask),
            "loss_per_seq": tensor(per_seq),
            "loss": float(loss),
            "grads": {k: tensor(v.grad) for k, v in net.named_parameters()},
            "grad_input": tensor(x.grad * mask),
        },
    }}
    x_out = x.detach().clone()
    doc = {"meta": {"network": "lstm_autoencoder", "torch": torch.__version__, "seed": a.seed,
                    "hidden": H, "latent": Z,
                    "loss": "mean over the batch of sum_{t<len,c} (recon-x)^2 / (len*C)"},
           "input": tensor(x_out), "lengths": tensor(torch.tensor(LENGTHS)), "models": models}
    with open(a.out, "w") as f:
        json.dump(doc, f)
        f.write("\n")


if __name__ == "__main__":
    main()
