#!/usr/bin/python3
"""PyTorch peer of `boundlab bench mlp`: training-step throughput of the same MLP on a fixed random batch
(forward, cross-entropy, backward, SGD momentum 0.9), median of several timed runs after warm-up.
Run with Debian's /usr/bin/python3 (apt's python3-torch) and libopenblas0-pthread installed."""
import argparse, json, time
import torch

p = argparse.ArgumentParser()
p.add_argument("--arch", default="784-512-512-10")
p.add_argument("--batch", type=int, default=128)
p.add_argument("--threads", type=int, default=2)
p.add_argument("--steps", type=int, default=50)
p.add_argument("--repeats", type=int, default=7)
a = p.parse_args()

torch.set_num_threads(a.threads)
torch.manual_seed(1)
widths = [int(w) for w in a.arch.split("-")]
layers = []
for i in range(1, len(widths)):
    layers.append(torch.nn.Linear(widths[i - 1], widths[i]))
    if i < len(widths) - 1:
        layers.append(torch.nn.ReLU())
net = torch.nn.Sequential(*layers)
x = torch.randn(a.batch, widths[0])
y = torch.randint(0, widths[-1], (a.batch,))
opt = torch.optim.SGD(net.parameters(), lr=1e-3, momentum=0.9)
loss_fn = torch.nn.CrossEntropyLoss()

def steps(n):
    for _ in range(n):
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(net(x), y)
        loss.backward()
        opt.step()

steps(max(5, a.steps // 2))
rates = []
for _ in range(a.repeats):
    t = time.perf_counter()
    steps(a.steps)
    rates.append(a.steps * a.batch / (time.perf_counter() - t))
rates.sort()
print(json.dumps({"benchmark": "mlp", "peer": "pytorch " + torch.__version__, "arch": a.arch, "batch": a.batch,
                  "threads": a.threads, "samples_per_sec": rates[len(rates) // 2], "min": rates[0], "max": rates[-1]}))
