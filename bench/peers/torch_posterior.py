"""The PyTorch peer of one posterior-training epoch (bench/compare_posterior.sh): Dziugaite and Roy's objective on
784-600-1 over binary MNIST (55,000 examples, batch 100), per-example draws by the local reparameterization, RMSprop;
prints the seconds of one epoch (data loading and set-up excluded). Usage: torch_posterior.py THREADS [MNIST_DIR]."""
import gzip, math, os, sys, time
import numpy as np, torch

threads = int(sys.argv[1]); torch.set_num_threads(threads)
d = sys.argv[2] if len(sys.argv) > 2 else os.path.expanduser("~/.cache/boundlab/mnist")
def idx(name):
    path = os.path.join(d, name)
    raw = (gzip.open if path.endswith(".gz") else open)(path, "rb").read()
    nd = raw[3]; dims = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(nd)]
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * nd).reshape(dims)
files = sorted(os.listdir(d)); pick = lambda p: [f for f in files if f.startswith(p)][0]
x = torch.tensor(idx(pick("train-images")).reshape(-1, 784)[:55000].astype(np.float32) / 255)
y = torch.tensor(np.where(idx(pick("train-labels"))[:55000] >= 5, 1.0, -1.0), dtype=torch.float32)
n = x.shape[0]; torch.manual_seed(0)
w0 = [torch.randn(600, 784) * math.sqrt(2 / 784), torch.zeros(600), torch.randn(1, 600) * math.sqrt(2 / 600), torch.zeros(1)]
mu = [t.clone().requires_grad_() for t in w0]
rho = [torch.log(2 * t.abs().clamp_min(1e-6)).requires_grad_() for t in w0]
s = torch.tensor(-3.0, requires_grad=True)
opt = torch.optim.RMSprop(mu + rho + [s], lr=0.01, alpha=0.9, eps=1e-10)
P = sum(t.numel() for t in w0)
def step(xb, yb):
    m1 = xb @ mu[0].T + mu[1]; v1 = (xb * xb) @ torch.exp(2 * rho[0]).T + torch.exp(2 * rho[1])
    h = torch.relu(m1 + v1.sqrt() * torch.randn_like(m1))
    m2 = h @ mu[2].T + mu[3]; v2 = (h * h) @ torch.exp(2 * rho[2]).T + torch.exp(2 * rho[3])
    out = (m2 + v2.sqrt() * torch.randn_like(m2)).squeeze(1)
    a = torch.nn.functional.softplus(-yb * out).mean() / math.log(2)
    lam = torch.exp(2 * s)
    kl2 = (sum(torch.exp(2 * r).sum() for r in rho) + sum(((m - c) ** 2).sum() for m, c in zip(mu, w0))) / lam \
        - 2 * sum(r.sum() for r in rho) + 2 * P * s - P
    bq = kl2 / 2 + math.log(math.pi ** 2 * n / (6 * 0.05)) + 2 * math.log(100) + 2 * torch.log(torch.clamp(math.log(0.1) - 2 * s, min=1e-2))
    obj = a + torch.sqrt(bq / (2 * (n - 1)))
    opt.zero_grad(); obj.backward(); opt.step()
perm = torch.randperm(n)
step(x[perm[:100]], y[perm[:100]])  # warm-up
t0 = time.perf_counter()
for i in range(0, n, 100):
    b = perm[i:i + 100]; step(x[b], y[b])
print(f"{time.perf_counter() - t0:.3f}")
