#!/usr/bin/env python3
"""The peer: trains Layerlab's templates in PyTorch with the same recipe
(float32, Adam 1e-3, random inputs of the right shape) and prints one JSON line
{"samples_per_s": ...}. Run it as bench/compare.sh does, once with PyTorch's
defaults and once tuned (torch.set_num_threads(2), OPENBLAS_NUM_THREADS=1)."""
import argparse
import json
import statistics
import time

import torch
from torch import nn


def build(model):
    if model == "mlp":
        return nn.Sequential(nn.Flatten(), nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))
    if model == "seed-cnn":
        return nn.Sequential(
            nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(64 * 5 * 5, 128), nn.ReLU(), nn.Linear(128, 10))
    if model == "lenet":
        return nn.Sequential(
            nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(16 * 5 * 5, 120), nn.ReLU(),
            nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))
    if model in ("char-lstm", "char-gru"):
        return CharRNN(nn.LSTM if model == "char-lstm" else nn.GRU)
    if model == "depthwise":
        # bench/models/depthwise.layerlab: two MobileNet-style depthwise 3×3
        # convolutions (the second with stride 2) on 32 channels.
        return nn.Sequential(
            nn.Conv2d(32, 32, 3, padding=1, groups=32), nn.ReLU(),
            nn.Conv2d(32, 32, 3, stride=2, padding=1, groups=32), nn.ReLU(),
            nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(32, 10))
    raise SystemExit(f"unknown model {model}")


class CharRNN(nn.Module):
    """Layerlab's char-lstm / char-gru without a dataset: 16 token ids of a
    vocabulary of 64 → Embedding 32 → LSTM/GRU 128 (last state) → 10 classes."""

    def __init__(self, cell):
        super().__init__()
        self.embedding = nn.Embedding(64, 32)
        self.rnn = cell(32, 128, batch_first=True)
        self.dense = nn.Linear(128, 10)

    def forward(self, x):
        out, _ = self.rnn(self.embedding(x))
        return self.dense(out[:, -1])


def make_input(model, batch):
    if model in ("char-lstm", "char-gru"):
        return torch.randint(0, 64, (batch, 16))
    return torch.rand(batch, 32 if model == "depthwise" else 1, 28, 28)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--model", default="seed-cnn")
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--steps", type=int, default=100)
    p.add_argument("--windows", type=int, default=5)
    p.add_argument("--threads", type=int, default=0, help="0 keeps PyTorch's default")
    a = p.parse_args()
    if a.threads:
        torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    net = build(a.model)
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    x = make_input(a.model, a.batch)
    y = torch.randint(0, 10, (a.batch,))

    def step():
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(net(x), y)
        loss.backward()
        opt.step()

    for _ in range(max(10, a.steps // 5)):
        step()
    rates = []
    for _ in range(a.windows):
        t = time.perf_counter()
        for _ in range(a.steps):
            step()
        rates.append(a.steps * a.batch / (time.perf_counter() - t))
    print(json.dumps({"samples_per_s": statistics.median(rates), "min": min(rates),
                      "max": max(rates), "threads": torch.get_num_threads()}))


if __name__ == "__main__":
    main()
