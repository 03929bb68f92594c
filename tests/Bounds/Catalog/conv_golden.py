#!/usr/bin/env python3
"""Golden values for graf22-conv-grid and ledent21-conv-grid (issue 12, item 4), independent of the C# code.

The formulas are re-typed from src/Bounds/Catalog/SOURCES.md (Graf et al. 2022, Theorem 3.5 as documented in
rkwitt/excess_capacity; Ledent et al. 2021, Theorem 11 as implemented there in `ledent_main`, per layer, 1-based) and
evaluated with mpmath at 60 digits. Grid: the two-sided geometric grid 1.1^k, index i = 2k+1 (k >= 0) or -2k (k < 0),
weight 6/(pi^2 i^2); gamma rounded down, every norm rounded up. The grid values are the doubles pow(1.1, k) (the grid
BoundLab fixes; any fixed grid is valid), the weights exact. The fixed-constraint values (graf22-conv, ledent21-conv)
are printed at the same point for the "grid >= fixed" tests. Run:  python3 tests/Bounds/Catalog/conv_golden.py
"""
from mpmath import mp, mpf, sqrt, log, pi

mp.dps = 60
RATIO = 1.1


def snap(v, up):
    v = float(v)
    k = 0
    while RATIO ** k < v: k += 1
    while RATIO ** k > v: k -= 1          # now RATIO**k <= v
    if up and RATIO ** k < v: k += 1       # smallest k with RATIO**k >= v
    i = 2 * k + 1 if k >= 0 else -2 * k
    return mpf(RATIO ** k), 6 / (pi ** 2 * i ** 2)


def confidence(delta, n):
    return 3 * sqrt(log(2 / delta) / (2 * n))


def graf_rad(gamma, s, b, x, w, n):
    L = len(s)
    prod = mpf(1)
    for v in s: prod *= v
    c = 4 / gamma * x / sqrt(n) * prod
    total = sum((c * bi / si) ** (mpf(2) / 3) for si, bi in zip(s, b))
    return 4 / n + 12 * (1 + log(n - 1)) / sqrt(n) * sqrt(log(2 * w)) * (total + L) ** (mpf(3) / 2)


def graf_grid(loss, gamma, s, b, x, w, n, delta):
    n = mpf(n)
    gg, wt = snap(gamma, up=False)
    sg, bg = [], []
    for v in s: g, ww = snap(v, True); sg.append(g); wt *= ww
    for v in b: g, ww = snap(v, True); bg.append(g); wt *= ww
    return mpf(loss) + 2 * graf_rad(gg, sg, bg, mpf(x), mpf(w), n) + confidence(mpf(delta) * wt, n)


def graf_fixed(loss, gamma, s, b, x, w, n, delta):
    """graf22-conv: gamma on the grid, lip_prod = prod s and ratio_sum = sum (b/s)^(2/3) as given."""
    n = mpf(n)
    gg, wt = snap(gamma, up=False)
    s = [mpf(v) for v in s]; b = [mpf(v) for v in b]
    return mpf(loss) + 2 * graf_rad(gg, s, b, mpf(x), mpf(w), n) + confidence(mpf(delta) * wt, n)


def ledent_r(gamma, rho, a, b, d):
    """r_l of Graf et al.'s ledent_main (1-based): rho_{l+} = max_{i=l+1..L} d_{l+1} prod_{j=l+1}^{i} rho_j / b_{i+1}
    with b_{L+1} = gamma, and the code's rho_{L+} = b_L / gamma; with max (exact) or sum (the grid entry's loosening)."""
    L = len(rho)
    bb = list(b) + [gamma]
    r_max, r_sum = [], []
    for l in range(1, L + 1):
        if l < L:
            cands = []
            for i in range(l + 1, L + 1):
                p = mpf(1)
                for j in range(l + 1, i + 1): p *= rho[j - 1]
                cands.append(d[l] * p / bb[i])          # d[l] is d_{l+1} (0-based list), bb[i] is b_{i+1}
            plus_max, plus_sum = max(cands), sum(cands)
        else:
            plus_max = plus_sum = b[L - 1] / gamma
        r_max.append(b[l - 1] * plus_max * a[l - 1])
        r_sum.append(b[l - 1] * plus_sum * a[l - 1])
    return r_max, r_sum


def ledent_rad(R, G, wbar, n):
    return 4 / n + 768 * R * sqrt(log(32 * G * n ** 2 + 7 * wbar * n) / log(2)) * log(n) / sqrt(n)


def ledent_grid(loss, gamma, rho, a, b, d, om, wbar, n, delta):
    n = mpf(n)
    gg, wt = snap(gamma, up=False)
    rg, ag, bg = [], [], []
    for v in rho: g, ww = snap(v, True); rg.append(g); wt *= ww
    for v in a: g, ww = snap(v, True); ag.append(g); wt *= ww
    for v in b: g, ww = snap(v, True); bg.append(g); wt *= ww
    _, r = ledent_r(gg, rg, ag, bg, [mpf(v) for v in d])
    R = sum(x ** (mpf(2) / 3) for x in r) ** (mpf(3) / 2)
    G = sum(x * mpf(o) for x, o in zip(r, om))
    return mpf(loss) + 2 * ledent_rad(R, G, mpf(wbar), n) + confidence(mpf(delta) * wt, n)


def ledent_fixed_inputs(gamma, rho, a, b, d, om):
    """R and Gamma of ledent21-conv at the measured values (no grid), with the code's max."""
    r, _ = ledent_r(mpf(gamma), [mpf(v) for v in rho], [mpf(v) for v in a], [mpf(v) for v in b], [mpf(v) for v in d])
    R = sum(x ** (mpf(2) / 3) for x in r) ** (mpf(3) / 2)
    G = max(x * mpf(o) for x, o in zip(r, om))
    return R, G


def ledent_fixed(loss, R, G, wbar, n, delta):
    n = mpf(n)
    return mpf(loss) + 2 * ledent_rad(R, G, mpf(wbar), n) + confidence(mpf(delta), n)


def show(name, v):
    print(f"{name} = {mp.nstr(v, 17)}   (30 digits: {mp.nstr(v, 30)})")


# Case A: three layers.
lip, l21 = [8.3, 16.3, 2.6], [18.5, 78.9, 11.2]
show("graf22-conv-grid A", graf_grid(0.05, 4, lip, l21, 3000, 2400, 50000, 0.05))
show("graf22-conv (fixed) A", graf_fixed(0.05, 4, lip, l21, 3000, 2400, 50000, 0.05))
print("   lip_prod =", repr(8.3 * 16.3 * 2.6), " ratio_sum =", mp.nstr(sum((mpf(b) / mpf(s)) ** (mpf(2) / 3) for s, b in zip(lip, l21)), 20))
a, pn, d, om = [4.1, 16.3, 3.9], [5.0, 11.7, 23.9], [28, 14, 1], [4704, 1600, 10]
show("ledent21-conv-grid A", ledent_grid(0.05, 4, lip, a, pn, d, om, 4704, 50000, 0.05))
R, G = ledent_fixed_inputs(4, lip, a, pn, d, om)
print("   fixed R =", mp.nstr(R, 20), " Gamma =", mp.nstr(G, 20))
show("ledent21-conv (fixed) A", ledent_fixed(0.05, R, G, 4704, 50000, 0.05))

# Case B: one layer (empty inner sums), small n.
show("graf22-conv-grid B", graf_grid(0.2, 0.5, [3.0], [2.0], 40, 10, 100, 0.01))
show("ledent21-conv-grid B", ledent_grid(0.2, 0.5, [3.0], [2.0], [1.5], [1], [10], 10, 100, 0.01))
