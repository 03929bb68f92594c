#!/usr/bin/python3
"""PyTorch peer of our LeNet benchmark (the net after LeCun et al. 1998, Gradient-based learning applied to document
recognition, with ReLU and max pooling): training-step throughput (forward, cross-entropy, backward, SGD momentum
0.9) of the same LeNet-like CNN, median of several timed runs after warm-up. In PyTorch's NCHW terms:
conv(1→6, 5×5, pad 2) → ReLU → maxpool 2 → conv(6→16, 5×5) → ReLU → maxpool 2 → flatten → dense 400→120 → ReLU →
dense 120→84 → ReLU → dense 84→10. Batches come from the MNIST training images in ~/.cache/boundlab/mnist when
present (else MNIST-shaped random data), taken in a fixed shuffled order.
Run with Debian's /usr/bin/python3 (apt's python3-torch) and libopenblas0-pthread installed; prints one JSON line."""
import argparse, json, os, time
import torch

p = argparse.ArgumentParser()
p.add_argument("--threads", type=int, default=2)
p.add_argument("--batch", type=int, default=128)
p.add_argument("--steps", type=int, default=40, help="training steps per timed run")
p.add_argument("--repeats", type=int, default=7, help="timed runs; the median is reported")
p.add_argument("--data", choices=["auto", "mnist", "random"], default="auto")
a = p.parse_args()
if a.threads < 1 or a.batch < 1 or a.steps < 1 or a.repeats < 1:
    p.error("--threads, --batch, --steps and --repeats must be ≥ 1")

torch.set_num_threads(a.threads)
torch.manual_seed(1)


def mnist_images(path):
    with open(path, "rb") as f:
        raw = f.read()
    if int.from_bytes(raw[:4], "big") != 0x803:
        raise SystemExit(f"{path}: not an idx3 image file")
    n, rows, cols = (int.from_bytes(raw[i:i + 4], "big") for i in (4, 8, 12))
    x = torch.frombuffer(bytearray(raw[16:16 + n * rows * cols]), dtype=torch.uint8)
    return x.reshape(n, 1, rows, cols).float() / 255.0


def mnist_labels(path):
    with open(path, "rb") as f:
        raw = f.read()
    if int.from_bytes(raw[:4], "big") != 0x801:
        raise SystemExit(f"{path}: not an idx1 label file")
    return torch.frombuffer(bytearray(raw[8:]), dtype=torch.uint8).long()


folder = os.path.expanduser("~/.cache/boundlab/mnist")
images, labels = (os.path.join(folder, f) for f in ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"))
have_mnist = os.path.exists(images) and os.path.exists(labels)
if a.data == "mnist" and not have_mnist:
    raise SystemExit(f"--data mnist: {images} or {labels} missing (run `./boundlab data fetch` or use --data random)")
if a.data != "random" and have_mnist:
    x_all, y_all, source = mnist_images(images), mnist_labels(labels), "mnist"
else:
    x_all, y_all, source = torch.rand(60000, 1, 28, 28), torch.randint(0, 10, (60000,)), "random"
order = torch.randperm(x_all.shape[0])
x_all, y_all = x_all[order].contiguous(), y_all[order].contiguous()

net = torch.nn.Sequential(
    torch.nn.Conv2d(1, 6, 5, padding=2), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
    torch.nn.Conv2d(6, 16, 5), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
    torch.nn.Flatten(),
    torch.nn.Linear(400, 120), torch.nn.ReLU(),
    torch.nn.Linear(120, 84), torch.nn.ReLU(),
    torch.nn.Linear(84, 10))
opt = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9)
loss_fn = torch.nn.CrossEntropyLoss()
batches = x_all.shape[0] // a.batch
cursor = 0


def steps(n):
    global cursor
    for _ in range(n):
        lo = (cursor % batches) * a.batch
        cursor += 1
        x, y = x_all[lo:lo + a.batch], y_all[lo:lo + a.batch]
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(net(x), y)
        loss.backward()
        opt.step()
    return loss.item()


steps(max(5, a.steps // 2))
rates = []
for _ in range(a.repeats):
    t = time.perf_counter()
    last_loss = steps(a.steps)
    rates.append(a.steps * a.batch / (time.perf_counter() - t))
rates.sort()
print(json.dumps({"benchmark": "lenet", "peer": "pytorch " + torch.__version__, "torch": torch.__version__,
                  "threads": a.threads, "batch": a.batch, "steps": a.steps, "repeats": a.repeats, "data": source,
                  "samples_per_sec": rates[len(rates) // 2], "min": rates[0], "max": rates[-1], "last_loss": last_loss}))
