#!/usr/bin/python3
"""Golden reference for tundish's convolutional VAE (tundish/nn_recon.h), PyTorch 1.13, CPU.

Usage: make_golden.py [--seed 0] [--out golden_vae_small.json]

The network, with tundish's parameter names (x [B, T, C] batch first, T divisible by POOL):
  enc.0  = nn.Conv1d(C, F, K, padding=K//2) -> ReLU -> nn.MaxPool1d(POOL): [B, F, T/POOL]
  mu     = nn.Linear(F, Z), logvar = nn.Linear(F, Z), per latent step: [B, T/POOL, Z]
  z      = mu + exp(logvar / 2) * eps, eps given in the file ("eps" [B, T/POOL, Z]) so that
           tundish draws nothing
  upsampling: z.repeat_interleave(POOL, time) -> [B, T, Z] (nearest)
  dec.0  = nn.Conv1d(Z, F, K, padding=K//2) -> ReLU -> dec.2 = nn.Conv1d(F, C, K) = recon
Per-sequence loss: (sum (recon - x)^2 + BETA * KL) / (T * C), KL = sum over latent steps
and units of (mu^2 + exp(logvar) - 1 - logvar) / 2; "loss" is the batch mean, and the
gradients are of that mean. grad_input has both terms (encoder and target).

Format (extends ../lstm/README.md; `tundish gradcheck` reads it): meta.network = "vae",
meta.beta, meta.pool; "input", "eps"; models.<name>.params; models.<name>.float32:
"recon" [B, T, C], "mu", "logvar" [B, T/POOL, Z], "loss_per_seq" [B], "loss",
"grads.<param>", "grad_input". The logvar bias is shifted by +0.5 from torch's default so
that sigma is not ~1 everywhere (the KL's logvar terms then matter). Float32 throughout.
"""
import argparse
import json

import torch
import torch.nn as nn

B, T, C, F, K, Z, POOL, BETA = 3, 8, 3, 5, 3, 2, 2, 0.7


class Vae(nn.Module):
    def __init__(self):
        super().__init__()
        self.enc = nn.Sequential(nn.Conv1d(C, F, K, padding=K // 2))
        self.mu = nn.Linear(F, Z)
        self.logvar = nn.Linear(F, Z)
        self.dec = nn.Sequential(nn.Conv1d(Z, F, K, padding=K // 2), nn.ReLU(),
                                 nn.Conv1d(F, C, K, padding=K // 2))

    def forward(self, x, eps):
        h = torch.relu(self.enc(x.transpose(1, 2)))            # [B, F, T]
        h = nn.functional.max_pool1d(h, POOL).transpose(1, 2)  # [B, T', F]
        mu, lv = self.mu(h), self.logvar(h)
        z = mu + torch.exp(0.5 * lv) * eps
        zu = z.repeat_interleave(POOL, dim=1)                  # [B, T, Z]
        recon = self.dec(zu.transpose(1, 2)).transpose(1, 2)   # [B, T, C]
        return recon, mu, lv


def tensor(t):
    return {"shape": list(t.shape), "data": [float(v) for v in t.detach().reshape(-1).tolist()]}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", default="golden_vae_small.json")
    a = ap.parse_args()
    torch.manual_seed(a.seed)
    net = Vae()
    with torch.no_grad():
        net.logvar.bias += 0.5
    g = torch.Generator().manual_seed(a.seed + 1)
    x = (torch.randn(B, T, C, generator=g) * 1.5).requires_grad_(True)
    eps = torch.randn(B, T // POOL, Z, generator=g)
    recon, mu, lv = net(x, eps)
    kl = 0.5 * (mu ** 2 + torch.exp(lv) - 1 - lv).sum(dim=(1, 2))
    per_seq = (((recon - x) ** 2).sum(dim=(1, 2)) + BETA * kl) / (T * C)
    loss = per_seq.mean()
    loss.backward()
    models = {"vae": {
        "params": {k: tensor(v) for k, v in net.named_parameters()},
        "float32": {
            "recon": tensor(recon), "mu": tensor(mu), "logvar": tensor(lv),
            "loss_per_seq": tensor(per_seq), "loss": float(loss),
            "grads": {k: tensor(v.grad) for k, v in net.named_parameters()},
            "grad_input": tensor(x.grad),
        },
    }}
    doc = {"meta": {"network": "vae", "torch": torch.__version__, "seed": a.seed, "beta": BETA,
                    "pool": POOL, "filters": F, "kernel": K, "latent": Z,
                    "loss": "mean over the batch of (sum (recon-x)^2 + beta*KL) / (T*C)"},
           "input": tensor(x), "eps": tensor(eps), "models": models}
    with open(a.out, "w") as f:
        json.dump(doc, f)
        f.write("\n")


if __name__ == "__main__":
    main()
