#!/usr/bin/python3
"""The PyTorch peer of oblique's RNN training-step benchmark
(models/rnn/bench_test.go, BenchmarkTrainStep).

    /usr/bin/python3 benchmarks/torch_rnn_step.py [REPEATS] [THREADS] [LABEL]

Times one training step of the paper's rate network, written as the paper's
reference code writes it (frschu/aligned_oblique_in_rnns,
notebooks/rnn_model_dt.py: an explicit Euler loop with autograd):

    N = 256 units, batch 32, 200 Euler steps (dt = 0.2), 2 inputs, 2 outputs,
    x <- (1-dt) x + dt (tanh(x) W^T + u W_in^T) + sqrt(dt) sigma xi, sigma = 0.2,
    x0 ~ N(0, 1), readout z = x W_out^T of the state before each update,
    MSE at every 5th step, backpropagation through time, Adam (lr0/N).

Inputs are dense N(0, 1) on both channels and the targets a sine and a
cosine, the same problem as the Go benchmark. Prints one line per repeat in
Go's benchmark format ("BenchmarkTrainStep/float32-2  1  <ns>  ns/op") so that
benchstat reads both sides. THREADS (default 0: PyTorch's own choice) goes to
torch.set_num_threads and, through threadpoolctl, to the BLAS under it
(OpenBLAS on Debian), so that "1 thread" is one thread throughout. Before
timing it prints on stderr what it runs on (peerinfo.describe: BLAS and its
kernel, PyTorch's threads and CPU capability; LABEL names the
configuration), and stops if OPENBLAS_CORETYPE or ATEN_CPU_CAPABILITY asked
for a kernel that is not running: benchmarks/rnn.sh runs it once per thread
count and kernel. The timed repeats stop after PEER_BUDGET seconds (default
20) once three are done, so that a hopeless setting (seconds a step) does
not hold the run up; the stop is reported on stderr.
"""
import math
import os
import sys
import time

import threadpoolctl
import torch

import peerinfo


def main():
    reps = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    threads = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    if threads > 0:
        torch.set_num_threads(threads)
        limits = threadpoolctl.threadpool_limits(limits=threads, user_api="blas")  # noqa: F841 (kept)
    label = sys.argv[3] if len(sys.argv) > 3 else "PyTorch"
    peerinfo.describe(label)
    budget = float(os.environ.get("PEER_BUDGET", "20"))
    name = f"BenchmarkTrainStep/float32-{peerinfo.cpus()}"
    torch.manual_seed(1)
    n, batch, steps, n_in, n_out = 256, 32, 200, 2, 2
    dt, sigma, g, lr0 = 0.2, 0.2, 1.5, 0.02
    w = (g / math.sqrt(n) * torch.randn(n, n)).requires_grad_()
    w_in = torch.randn(n, n_in).requires_grad_()
    w_out = (torch.randn(n_out, n) / math.sqrt(n)).requires_grad_()
    opt = torch.optim.Adam([w, w_in, w_out], lr=lr0 / n)
    u = torch.randn(batch, steps, n_in)
    ts = dt * torch.arange(steps, dtype=torch.float32)
    target = torch.stack([torch.sin(0.2 * math.pi * ts), torch.cos(0.2 * math.pi * ts)], -1)
    target = target.expand(batch, steps, n_out)
    mask = torch.zeros(batch, steps, n_out, dtype=torch.bool)
    mask[:, ::5] = True

    def step():
        opt.zero_grad()
        noise = math.sqrt(dt) * sigma * torch.randn(steps, batch, n)
        x = torch.randn(batch, n)
        rec = []
        for t in range(steps):
            rec.append(x)
            x = (1 - dt) * x + dt * (torch.tanh(x) @ w.T + u[:, t] @ w_in.T) + noise[t]
        z = torch.stack(rec, 1) @ w_out.T
        loss = torch.nn.functional.mse_loss(z[mask], target[mask])
        loss.backward()
        opt.step()
        return loss.item()

    # Warm-up: three steps, or one if a step takes over a second (a thread
    # setting that fights other jobs for the cores can take seconds a step).
    for _ in range(3):
        t = time.perf_counter()
        step()
        if time.perf_counter() - t > 1:
            break
    peerinfo.header("models/rnn")
    start = time.perf_counter()
    for i in range(reps):
        if i >= 3 and time.perf_counter() - start > budget:
            print(f"peer {label}: stopped after {i} of {reps} repeats (PEER_BUDGET={budget:g} s)",
                  file=sys.stderr)
            break
        t = time.perf_counter()
        step()
        print(f"{name}\t1\t{(time.perf_counter() - t) * 1e9:.0f} ns/op", flush=True)


if __name__ == "__main__":
    main()
