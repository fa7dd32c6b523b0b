#!/usr/bin/python3
"""An independent peer of `oblique train` in PyTorch (Debian python3-torch).

Trains one rate network on the Romo or flip-flop task exactly as METHODS.md §5
specifies — written from METHODS.md, not from oblique's Go code — and writes
it as an oblique run directory (run.json + float32 NPY weights), so that
`oblique models -runs DIR` measures it with the same analysis as the bundled
networks. It answers one question: do networks trained by PyTorch's autograd
and Adam come out like the ones oblique's own BPTT engine trains?

    /usr/bin/python3 benchmarks/torch_train_peer.py romo oblique 1 OUTDIR [steps] [lr0] [n]

Model: x <- (1-dt) x + dt (tanh(x) W^T + u W_in^T) + sqrt(dt) sigma xi, dt 0.2,
z = x W_out^T with x the state before the step's update, x0 ~ N(0, 1) per
trial; W ~ N(0, g^2/N), W_in ~ N(0, 1), W_out ~ N(0, 1/N) (oblique) or
N(0, 1/N^2) (aligned); Adam(lr0/N); batch 32, fresh each step; loss = MSE
at the scored steps (every 5th Euler step of the scored periods).
"""
import json
import math
import os
import sys
import time

import numpy as np
import torch

DT = 0.2


def steps_of(t):
    return int(round(t / DT))


def empty(trials, length, k_in, k_out):
    """Input, target and scored arrays of a batch, trials x steps x channels."""
    n = steps_of(length)
    return (np.zeros((trials, n, k_in), np.float32), np.zeros((trials, n, k_out), np.float32),
            np.zeros((trials, n, k_out), bool))


def romo(rng, trials):
    u, target, scored = empty(trials, 29, 1, 1)
    for b in range(trials):
        gap = rng.uniform(2, 12)
        wait = rng.uniform(1, 3)
        while True:
            a = rng.uniform(0.5, 1.5, size=2)
            if abs(a[0] - a[1]) >= 0.2:
                break
        s0 = int(wait / DT)
        s1 = s0 + steps_of(1) + int(gap / DT)
        d0 = s1 + steps_of(1) + steps_of(4)
        u[b, s0:s0 + steps_of(1), 0] = a[0]
        u[b, s1:s1 + steps_of(1), 0] = a[1]
        target[b, d0:d0 + steps_of(8), 0] = 1.0 if a[0] > a[1] else -1.0
        scored[b, d0:d0 + steps_of(8), 0] = True
    return u, target, scored


def flipflop(rng, trials):
    u, target, scored = empty(trials, 25, 3, 3)
    n = u.shape[1]
    for b in range(trials):
        t = rng.uniform(0, 1)
        pulses = [(t + 2.2 * i, c, rng.choice([-1.0, 1.0])) for i, c in enumerate(rng.permutation(3))]
        t = pulses[-1][0]
        while True:
            t += rng.uniform(3, 10) + 2
            if steps_of(t) >= n:
                break
            pulses.append((t, rng.integers(3), rng.choice([-1.0, 1.0])))
        for t0, c, sign in pulses:
            s = steps_of(t0)
            u[b, s:s + steps_of(1), c] = sign
            scored[b, s:, c] = False  # the flipped bit is free for 2 units
            target[b, s + steps_of(2):, c] = sign
            scored[b, s + steps_of(2):, c] = True
    return u, target, scored


TASKS = {"romo": (romo, 1, 1, 0.2), "flipflop": (flipflop, 3, 3, 0.2)}


def thin(scored, every=5):
    out = np.zeros_like(scored)
    out[:, ::every] = scored[:, ::every]
    return out


def run(net, u, x0, sigma, gen=None):
    w_in, w, w_out = net
    x = x0
    outs = []
    for t in range(u.shape[1]):
        outs.append(x @ w_out.T)
        x = (1 - DT) * x + DT * (torch.tanh(x) @ w.T + u[:, t] @ w_in.T)
        if sigma > 0:
            x = x + math.sqrt(DT) * sigma * torch.randn(x.shape, generator=gen)
    return torch.stack(outs, 1)


def main():
    if len(sys.argv) < 5 or sys.argv[1] not in TASKS or sys.argv[2] not in ("aligned", "oblique"):
        sys.exit("usage: torch_train_peer.py romo|flipflop aligned|oblique SEED OUTDIR [steps] [lr0] [n]")
    task, regime, seed, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    steps = int(sys.argv[5]) if len(sys.argv) > 5 else 6000
    lr0 = float(sys.argv[6]) if len(sys.argv) > 6 else 0.02
    n = int(sys.argv[7]) if len(sys.argv) > 7 else 256
    make, k_in, k_out, sigma = TASKS[task]
    torch.set_num_threads(1)
    gen = torch.Generator().manual_seed(seed)
    rng = np.random.default_rng(seed)
    g = 1.5
    w = torch.randn((n, n), generator=gen) * g / math.sqrt(n)
    w_in = torch.randn((n, k_in), generator=gen)
    w_out = torch.randn((k_out, n), generator=gen) / math.sqrt(n)
    if regime == "aligned":
        w_out /= math.sqrt(n)
    net = [p.requires_grad_() for p in (w_in, w, w_out)]
    opt = torch.optim.Adam(net, lr=lr0 / n)
    start = time.time()
    for step in range(steps):
        u, target, scored = make(rng, 32)
        mask = torch.from_numpy(thin(scored))
        z = run(net, torch.from_numpy(u), torch.randn((32, n), generator=gen), sigma, gen)
        loss = ((z - torch.from_numpy(target))[mask] ** 2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 500 == 0 or step == steps - 1:
            print(f"{task} {regime} s{seed} step {step} loss {loss.item():.4f} ({time.time() - start:.0f} s)", flush=True)
    with torch.no_grad():
        u, target, scored = make(np.random.default_rng(10_000 + seed), 64)
        mask = torch.from_numpy(thin(scored))
        tg = torch.from_numpy(target)
        z = run(net, torch.from_numpy(u), torch.randn((64, n), generator=gen), 0)
        ev = ((z - tg)[mask] ** 2).mean().item()
        zero = (tg[mask] ** 2).mean().item()
    name = f"{task}-{regime}-s{seed}"
    d = os.path.join(out, name)
    os.makedirs(d, exist_ok=True)
    for f, p in zip(("W_in", "W", "W_out"), net):
        np.save(os.path.join(d, f"weights_{f}.npy"), p.detach().numpy().astype(np.float32))
    info = {
        "format": 1,
        "status": "done",
        "regime": regime,
        "settings": {
            "task": task, "out_scale": "large" if regime == "oblique" else "small", "n": n, "g": g,
            "steps": steps, "lr0": lr0, "batch": 32, "noise": sigma, "init_noise": 1,
            "train": "in,rec,out", "seed": seed, "precision": "float32",
        },
        "steps_done": steps,
        "eval_loss": ev, "zero_loss": zero, "eval_ratio": ev / zero,
        "wall_seconds": time.time() - start,
        "version": "benchmarks/torch_train_peer.py, PyTorch " + torch.__version__,
        "files": ["run.json", "weights_W.npy", "weights_W_in.npy", "weights_W_out.npy"],
    }
    with open(os.path.join(d, "run.json"), "w") as fh:
        json.dump(info, fh, indent=2)
    print(f"{name}: eval loss {ev / zero:.3f} of the zero-output loss, {time.time() - start:.0f} s")


if __name__ == "__main__":
    main()
