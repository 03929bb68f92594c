# Regenerates klinv_roots.csv, the fixture of KlDivergenceTests: python3 klinv_roots.py > klinv_roots.csv
# (mpmath 1.3.0). Each row is q, c and the SMALLEST double p with kl(q‖p) ≥ c, i.e. the true root
# kl⁻¹(q, c) = sup{p ∈ [q, 1] : kl(q‖p) ≤ c} rounded up to a double. It is found by bisection over the
# doubles themselves (their bit patterns), with kl evaluated exactly enough by mpmath at 60 digits at each
# candidate, q and c being the exact binary values of the doubles printed; 1.0 when no double below 1 reaches c.
import math, random, struct
from mpmath import mp, mpf, log

mp.dps = 60

def kl(q, p):
    q, p = mpf(q), mpf(p)
    if p == 1:
        return mpf('inf') if q < 1 else mpf(0)
    t1 = q * log(q / p) if q > 0 else mpf(0)
    t2 = (1 - q) * log((1 - q) / (1 - p)) if q < 1 else mpf(0)
    return t1 + t2

def bits(x): return struct.unpack('<q', struct.pack('<d', x))[0]
def from_bits(b): return struct.unpack('<d', struct.pack('<q', b))[0]

def root_up(q, c):
    c = mpf(c)
    lo, hi = bits(q), bits(1.0)  # kl(q‖q) = 0 < c; kl(q‖1) = ∞ ≥ c (q < 1)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if kl(q, from_bits(mid)) >= c: hi = mid
        else: lo = mid
    return from_bits(hi)

random.seed(20261201)
qs = [0.0, 5e-324, 1e-300, 1e-12, 1e-9, 1e-6, 1e-3, 0.001, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 0.999,
      1 - 1e-6, 1 - 1e-9, 1 - 1e-12, 1 - 2**-53]
rows = [(0.001, 1e-6), (0.5, 0.1)]  # the two cases of the issue
for q in qs:
    for e in range(-12, 2):
        rows.append((q, 10.0 ** e))
while len(rows) < 3000:
    r = random.random()
    if r < 0.3: q = 10 ** random.uniform(-15, 0) * random.random()
    elif r < 0.5: q = 1 - 10 ** random.uniform(-15, 0)
    else: q = random.random()
    c = 10 ** random.uniform(-12, 1)
    rows.append((q, c))
print("q,c,root_up")
for q, c in rows:
    print(f"{q!r},{c!r},{root_up(q, c)!r}")
