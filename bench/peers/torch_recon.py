#!/usr/bin/python3
"""PyTorch peers of tundish's lstm_autoencoder and vae (CPU), for `tundish bench` side by side.

Usage: torch_recon.py --model ae|vae [--sequences 960] [--steps 300] [--channels 5]
                      [--epochs 3] [--threads 2] [--json OUT]

The same architectures as the plugins' defaults (tundish/nn_recon.h):
  ae : LSTM(C, 32) encoder -> h_n -> Linear(32, 8) -> repeated over T -> LSTM(8, 32)
       -> Linear(32, C) per step; loss = mean over the batch of each sequence's mean
       squared error
  vae: Conv1d(C, 32, 5, padding 2) -> ReLU -> MaxPool1d(4) -> mu, logvar = Linear(32, 8)
       per latent step -> z = mu + exp(logvar/2) eps -> repeat_interleave(4) -> Conv1d(8, 32, 5)
       -> ReLU -> Conv1d(32, C, 5); loss = mean of (SSE + beta KL) / (T C), beta 1
Adam(lr 1e-3), batch 32, shuffled (torch.Generator seeded 42), no gradient clipping, no
validation split: what `tundish bench MODEL clip_norm=0` does. Data: uniform(-1.7, 1.7) of
the given shape (as tundish bench's, whose labels these models never read).
Run with OPENBLAS_NUM_THREADS=1 (torch.set_num_threads(threads) does the threading).
Prints seconds per epoch (each, and the median), the training's CPU seconds (all threads,
time.process_time: a measure a loaded machine disturbs less than wall time) and the median
single-sequence inference latency over 200 calls (torch.no_grad, batch 1).
"""
import argparse
import json
import time

import torch
import torch.nn as nn


class Ae(nn.Module):
    def __init__(self, c, h=32, z=8):
        super().__init__()
        self.encoder = nn.LSTM(c, h, batch_first=True)
        self.latent = nn.Linear(h, z)
        self.decoder = nn.LSTM(z, h, batch_first=True)
        self.output = nn.Linear(h, c)

    def loss(self, x):
        _, (h_n, _) = self.encoder(x)
        z = self.latent(h_n[-1]).unsqueeze(1).expand(-1, x.shape[1], -1)
        out, _ = self.decoder(z)
        return ((self.output(out) - x) ** 2).mean(dim=(1, 2))


class Vae(nn.Module):
    def __init__(self, c, f=32, k=5, z=8, pool=4, beta=1.0):
        super().__init__()
        self.pool, self.beta = pool, beta
        self.enc = nn.Conv1d(c, f, k, padding=k // 2)
        self.mu = nn.Linear(f, z)
        self.logvar = nn.Linear(f, z)
        self.dec = nn.Sequential(nn.Conv1d(z, f, k, padding=k // 2), nn.ReLU(),
                                 nn.Conv1d(f, c, k, padding=k // 2))

    def loss(self, x):
        T = x.shape[1]
        h = nn.functional.max_pool1d(torch.relu(self.enc(x.transpose(1, 2))), self.pool,
                                     ceil_mode=True).transpose(1, 2)
        mu, lv = self.mu(h), self.logvar(h)
        z = mu + torch.exp(0.5 * lv) * torch.randn_like(mu)
        zu = z.repeat_interleave(self.pool, dim=1)[:, :T]
        recon = self.dec(zu.transpose(1, 2)).transpose(1, 2)
        kl = 0.5 * (mu ** 2 + torch.exp(lv) - 1 - lv).sum(dim=(1, 2))
        return (((recon - x) ** 2).sum(dim=(1, 2)) + self.beta * kl) / (T * x.shape[2])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", choices=["ae", "vae"], required=True)
    ap.add_argument("--sequences", type=int, default=960)
    ap.add_argument("--steps", type=int, default=300)
    ap.add_argument("--channels", type=int, default=5)
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--json")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(42)
    g = torch.Generator().manual_seed(42)
    x = (torch.rand(a.sequences, a.steps, a.channels, generator=g) * 3.4 - 1.7)
    net = Ae(a.channels) if a.model == "ae" else Vae(a.channels)
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    epoch_s, epoch_cpu = [], []
    for _ in range(a.epochs):
        t0, c0 = time.perf_counter(), time.process_time()
        perm = torch.randperm(a.sequences, generator=g)
        total = 0.0
        for s in range(0, a.sequences, 32):
            xb = x[perm[s:s + 32]]
            opt.zero_grad()
            loss = net.loss(xb).mean()
            loss.backward()
            opt.step()
            total += float(loss) * xb.shape[0]
        epoch_s.append(time.perf_counter() - t0)
        epoch_cpu.append(time.process_time() - c0)
        print("epoch %d: loss %.5f, %.3f s" % (len(epoch_s), total / a.sequences, epoch_s[-1]))
    lat = []
    with torch.no_grad():
        one = x[1:2]
        for _ in range(5):
            net.loss(one)
        for _ in range(200):
            t0 = time.perf_counter()
            net.loss(one)
            lat.append((time.perf_counter() - t0) * 1e3)
    med = sorted(epoch_s)[len(epoch_s) // 2] if len(epoch_s) % 2 else \
        0.5 * sum(sorted(epoch_s)[len(epoch_s) // 2 - 1:len(epoch_s) // 2 + 1])
    lat.sort()
    r = {"model": a.model, "epoch_s": epoch_s, "epoch_s_median": med, "epoch_cpu_s": epoch_cpu,
         "infer_b1_ms_median": 0.5 * (lat[99] + lat[100]), "torch": torch.__version__,
         "threads": a.threads}
    print("epoch_seconds=" + ",".join("%.4f" % s for s in epoch_s))
    print("seconds_per_epoch=%.4f" % med)
    print("fit_cpu_seconds=%.4f" % sum(epoch_cpu))
    print("infer_ms_per_sequence=%.4f" % r["infer_b1_ms_median"])
    if a.json:
        with open(a.json, "w") as f:
            json.dump(r, f)


if __name__ == "__main__":
    main()
