#!/usr/bin/python3
"""PyTorch check of the ucr-*.yaml LSTM configuration (docs/results-ucr.md): does the same small
LSTM (1->32, mean or max pooling, Linear-ReLU-Dropout head, Adam 3e-3, weight decay 1e-4, clip
1.0, batch 32, 30 epochs) learn on the archive's TRAIN/TEST split? Seeds 0-2.

    /usr/bin/python3 experiments/ucr_lstm_torch_check.py Trace [mean|max]
"""
import os
import sys, numpy as np, torch, torch.nn as nn
torch.set_num_threads(1)
name = sys.argv[1]; pool = sys.argv[2] if len(sys.argv) > 2 else "mean"
base = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "ucr", name, name)
tr = np.loadtxt(base + "_TRAIN.tsv"); te = np.loadtxt(base + "_TEST.tsv")
cls = np.unique(tr[:, 0]); ytr = np.searchsorted(cls, tr[:, 0]); yte = np.searchsorted(cls, te[:, 0])
mu, sd = tr[:, 1:].mean(), tr[:, 1:].std()
Xtr = torch.tensor((tr[:, 1:] - mu) / sd, dtype=torch.float32)[..., None]
Xte = torch.tensor((te[:, 1:] - mu) / sd, dtype=torch.float32)[..., None]
for seed in range(3):
    torch.manual_seed(seed)
    lstm = nn.LSTM(1, 32, batch_first=True); head = nn.Sequential(nn.Linear(32, 32), nn.ReLU(), nn.Dropout(0.2), nn.Linear(32, len(cls)))
    params = list(lstm.parameters()) + list(head.parameters())
    opt = torch.optim.Adam(params, lr=3e-3, weight_decay=1e-4)
    def fwd(X):
        h, _ = lstm(X); z = h.mean(1) if pool == "mean" else h.max(1).values
        return head(z)
    yt = torch.tensor(ytr)
    for ep in range(30):
        head.train(); perm = torch.randperm(len(Xtr)); tot = 0
        for i in range(0, len(Xtr), 32):
            b = perm[i:i+32]; opt.zero_grad(); loss = nn.functional.cross_entropy(fwd(Xtr[b]), yt[b]); loss.backward()
            nn.utils.clip_grad_norm_(params, 1.0); opt.step(); tot += loss.item() * len(b)
    head.eval()
    with torch.no_grad(): acc = (fwd(Xte).argmax(1).numpy() == yte).mean()
    print(name, pool, "seed", seed, "final train loss %.4f" % (tot / len(Xtr)), "test acc %.3f" % acc)
