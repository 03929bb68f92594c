#!/usr/bin/env python3
"""Golden values for pbb21-kl and for a full dr17 example, independent of the C# code.

Inputs are the exact doubles the tests pass (mpf(float) is exact); mpmath at 60 digits; kl⁻¹ by 500-step
bisection of kl(q‖p) ≤ c on [q, 1] (width 2⁻⁵⁰⁰, far below one ulp). Prints for each point the double nearest
the exact value (repr) and the exact value to 40 significant digits.
Run:  python3 tests/Bounds/Catalog/pbb21_golden.py
"""
from mpmath import mp, mpf, log, sqrt, exp, pi, nstr

mp.dps = 60


def kl(q, p):
    a = mpf(0) if q == 0 else q * log(q / p)
    b = mpf(0) if q == 1 else (1 - q) * log((1 - q) / (1 - p))
    return a + b


def kl_inv(q, c):
    """sup{p ∈ [q, 1] : kl(q‖p) ≤ c}: bisection keeps kl(q‖lo) ≤ c < kl(q‖hi); returns hi (≥ the root)."""
    if q == 1:
        return mpf(1)
    if kl(q, mpf(1) - mpf(10) ** -50) <= c:
        # The root lies in (1 − 10⁻⁵⁰, 1): its nearest double, and its certified value, is 1.
        return mpf(1)
    lo, hi = q, mpf(1)
    for _ in range(250):
        mid = (lo + hi) / 2
        if kl(q, mid) <= c:
            lo = mid
        else:
            hi = mid
    return hi


def pbb21(mc, m, kl_, n, delta, delta_mc):
    mc, m, kl_, n, delta, delta_mc = (mpf(float(v)) for v in (mc, m, kl_, n, delta, delta_mc))
    upper = kl_inv(mc, log(2 / delta_mc) / m)
    return kl_inv(upper, (kl_ + log(2 * sqrt(n) / delta)) / n)


def dr17(mc, m, kl_, j, n, delta, delta_mc):
    mc, m, kl_, j, n, delta, delta_mc = (mpf(float(v)) for v in (mc, m, kl_, j, n, delta, delta_mc))
    upper = kl_inv(mc, log(2 / delta_mc) / m)
    return kl_inv(upper, (kl_ + 2 * log(j) + log(pi ** 2 * n / (6 * delta))) / (n - 1))


def show(label, v):
    print(f'{label}: nearest {float(v)!r}, exact ≈ {mp.nstr(v, 40, strip_zeros=False)}')


POINTS = [
    # label, mc_error, mc_samples, kl, n, delta, delta_mc
    ("typical", 0.0143, 150000, 480.5, 30000, 0.025, 0.01),
    ("q=0", 0.0, 1000, 10.0, 30000, 0.025, 0.01),
    ("q=1e-6", 1e-6, 1e6, 5.0, 30000, 0.025, 0.01),
    ("q=0.999", 0.999, 1e9, 0.0, 1e9, 0.025, 0.01),
    ("saturated", 0.999, 1000, 20.0, 30000, 0.025, 0.01),
    ("q=1", 1.0, 1000, 20.0, 30000, 0.025, 0.01),
    ("M=1", 0.02, 1, 100.0, 30000, 0.025, 0.01),
    ("M=1e12", 0.02, 1e12, 100.0, 30000, 0.025, 0.01),
    ("n=8", 0.1, 1000, 0.5, 8, 0.025, 0.01),
    ("n=1e9", 0.05, 1e9, 1e4, 1e9, 1e-6, 1e-6),
]

if __name__ == "__main__":
    for p in POINTS:
        show("pbb21-kl " + p[0], pbb21(*p[1:]))
    # Full dr17 example: P = 784·600 + 600 + 600 + 1 parameters, j = 1300, λ_j = 0.1·exp(−j/100);
    # ‖w − w₀‖², Σ s, Σ ln s as below (doubles), KL = ((d + Σs)/λ − Σ ln s + P ln λ − P)/2.
    P, j = 471601, 1300
    d, sum_s, sum_log_s = 0.0016, 0.0959376, -7266500.0
    lam = mpf("0.1") * exp(-mpf(j) / 100)
    KL = ((mpf(d) + mpf(sum_s)) / lam - mpf(sum_log_s) + P * log(lam) - P) / 2
    print(f"dr17 example: lambda = {nstr(lam, 20)}, KL = {nstr(KL, 30)}")
    show("dr17 example", dr17(0.0281, 150000, float(KL), j, 55000, 0.025, 0.01))
    show("dr17 example (exact KL)", (lambda up: kl_inv(up, (KL + 2 * log(mpf(j)) + log(pi ** 2 * 55000 / (6 * mpf(0.025)))) / (55000 - 1)))(kl_inv(mpf(0.0281), log(2 / mpf(0.01)) / 150000)))
