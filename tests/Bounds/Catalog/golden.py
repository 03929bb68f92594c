#!/usr/bin/env python3
"""Golden values for the BoundLab bound catalog, computed independently of the C# code.

Each formula is re-typed here from src/Bounds/Catalog/SOURCES.md and evaluated with mpmath at 50 digits;
kl-inverses are solved by high-precision bisection, derivatives by sympy, sample complexities by exact
integer bisection. Run:  python3 tests/Bounds/Catalog/golden.py
The printed literals are pasted into tests/Bounds/Catalog/*Tests.fs.
"""
import sympy as sp
from mpmath import mp, mpf, sqrt, log, exp, pi, e, ceil, floor

mp.dps = 50


def kl(q, p):
    q, p = mpf(q), mpf(p)
    a = mpf(0) if q == 0 else q * log(q / p)
    b = mpf(0) if q == 1 else (1 - q) * log((1 - q) / (1 - p))
    return a + b


def kl_inv(q, c):
    """sup{p in [q,1] : kl(q||p) <= c} by bisection to 1e-45."""
    lo, hi = mpf(q), mpf(1)
    if kl(q, 1 - mpf(10) ** -40) <= c:
        return mpf(1)
    for _ in range(400):
        mid = (lo + hi) / 2
        if kl(q, mid) <= c:
            lo = mid
        else:
            hi = mid
    return hi


def grid_snap(v, ratio, up):
    """Two-sided geometric grid ratio^k, k in Z; index i = 2k+1 (k>=0) or -2k (k<0); weight 6/(pi^2 i^2)."""
    v, ratio = mpf(v), mpf(ratio)
    k = int(ceil(log(v) / log(ratio))) if up else int(floor(log(v) / log(ratio)))
    # exact correction against rounding in the logarithm
    if up:
        while ratio ** k < v: k += 1
        while ratio ** (k - 1) >= v: k -= 1
    else:
        while ratio ** k > v: k -= 1
        while ratio ** (k + 1) <= v: k += 1
    i = 2 * k + 1 if k >= 0 else -2 * k
    return k, i, ratio ** k, 6 / (pi ** 2 * i ** 2)


def show(name, value):
    print(f"{name} = {mp.nstr(value, 17)}")


print("# direct evaluations")
# test-set-hoeffding: test_error=0.02, n_test=10000, delta=0.05
show("test-set-hoeffding", mpf("0.02") + sqrt(log(1 / mpf("0.05")) / (2 * 10000)))
# test-set-binomial: kl^-1(0.02, ln(1/0.05)/10000)
show("test-set-binomial", kl_inv(mpf("0.02"), log(1 / mpf("0.05")) / 10000))
# vc-mohri: train_error=0.01, n=60000, vc_dim=1000, delta=0.05
n, d, dl = mpf(60000), mpf(1000), mpf("0.05")
show("vc-mohri", mpf("0.01") + sqrt(2 * d * log(e * n / d) / n) + sqrt(log(1 / dl) / (2 * n)))
show("vc-vapnik", mpf("0.01") + sqrt((8 * d * log(2 * e * n / d) + 8 * log(4 / dl)) / n))
# margin-mohri: emp_margin_loss=0.05, rho=0.5, rademacher=0.01, n=10000, delta=0.05
show("margin-mohri", mpf("0.05") + 2 / mpf("0.5") * mpf("0.01") + 3 * sqrt(log(2 / dl) / (2 * 10000)))
# margin-mohri-uniform: same + r=1
show("margin-mohri-uniform", mpf("0.05") + 4 / mpf("0.5") * mpf("0.01")
     + sqrt(log(log(2 * 1 / mpf("0.5")) / log(2)) / 10000) + 3 * sqrt(log(4 / dl) / (2 * 10000)))
# pacbayes-maurer: emp_risk=0.03, kl=5000, n=60000, delta=0.025
show("pacbayes-maurer", kl_inv(mpf("0.03"), (5000 + log(2 * sqrt(mpf(60000)) / mpf("0.025"))) / 60000))
# pacbayes-mcallester: emp_risk=0.03, kl=5000, n=60000, delta=0.025
show("pacbayes-mcallester", mpf("0.03") + sqrt((5000 + log(1 / mpf("0.025")) + log(mpf(60000)) + 2) / (2 * 60000 - 1)))
# pacbayes-catoni: emp_risk=0.03, kl=5000, n=60000, delta=0.025, C=2
C = mpf(2)
show("pacbayes-catoni", (1 - exp(-C * mpf("0.03") - (5000 + log(1 / mpf("0.025"))) / 60000)) / (1 - exp(-C)))
# dr17: mc_error=0.028, mc_samples=150000, kl=5500, j=1200, n=55000, delta=0.025, delta_mc=0.01
rq = kl_inv(mpf("0.028"), log(2 / mpf("0.01")) / 150000)
show("dr17.mc_upper", rq)
show("dr17", kl_inv(rq, (5500 + 2 * log(mpf(1200)) + log(pi ** 2 * 55000 / (6 * mpf("0.025")))) / (55000 - 1)))
# pbb21-kl: mc_error=0.0143, mc_samples=150000, kl=480.5, n=30000, delta=0.025, delta_mc=0.01
# kl^-1(kl^-1(q, ln(2/delta_mc)/M), (KL + ln(2 sqrt(n)/delta))/n) (Perez-Ortiz et al. 2021, released code)
rq = kl_inv(mpf("0.0143"), log(2 / mpf("0.01")) / 150000)
show("pbb21-kl", kl_inv(rq, (mpf("480.5") + log(2 * sqrt(mpf(30000)) / mpf("0.025"))) / 30000))
# hrs16-convex: L=1, n=50000, sum_alpha=100
show("hrs16-convex", 2 * 1 ** 2 / mpf(50000) * 100)
# hrs16-nonconvex: L=1, beta=1, c=0.5, n=50000, T=100000
b, c, L, T = mpf(1), mpf("0.5"), mpf(1), mpf(100000)
show("hrs16-nonconvex", (1 + 1 / (b * c)) / (50000 - 1) * (2 * c * L ** 2) ** (1 / (b * c + 1)) * T ** (b * c / (b * c + 1)))
# llq20-gld / llq20-sgld: C=1, n=10000, grad_sum=50
show("llq20-gld", 2 * sqrt(2) * 1 / mpf(10000) * sqrt(50))
show("llq20-sgld", mpf("8.12") * 1 / mpf(10000) * sqrt(50))
# measures
show("neyshabur2015-frobenius", 2 ** 3 * mpf(10) * mpf(50) / sqrt(mpf(60000)))   # depth=3, input_norm=10, frob_prod=50, n=60000
show("nbs18-spectral", sqrt((mpf(10) ** 2 * 3 ** 2 * 512 * log(mpf(3 * 512)) * mpf(20) ** 2 * mpf(6)
                               + log(3 * mpf(60000) / mpf("0.05"))) / (mpf(5) ** 2 * 60000)))
# nbs18: input_norm=10, depth=3, width=512, spec_prod=20, frob_ratio_sum=6, gamma=5, n=60000, delta=0.05
show("bft-normalized-margin", mpf(2) * 60000 / (mpf(1000) * mpf(3000)))   # margin=2, n=60000, spectral_complexity=1000, x_norm=3000
show("mou18-stability", (10 + mpf(1) * sqrt(mpf(100) * mpf(5))) / 50000)    # k0=10, L=1, beta=100, eta_sum=5, n=50000
show("mou18-pacbayes", sqrt(mpf(100) / 50000 * mpf("0.3")))                # beta=100, weighted_grad_sum=0.3, n=50000

print("# post-hoc grids (ratio 1.1, two-sided, weight 6/(pi^2 i^2))")
# golowich-frobenius: margin_loss=0.04, gamma=2.5, frob_prod=37, x_norm=2000, depth=3, n=60000, delta=0.05
kg, ig, gg, wg = grid_snap(mpf("2.5"), mpf("1.1"), up=False)
km, im, gm, wm = grid_snap(mpf(37), mpf("1.1"), up=True)
deff = mpf("0.05") * wg * wm
print(f"gamma grid k={kg} i={ig} value={mp.nstr(gg, 17)} weight={mp.nstr(wg, 17)}")
print(f"frob grid k={km} i={im} value={mp.nstr(gm, 17)} weight={mp.nstr(wm, 17)}")
show("golowich.delta_eff", deff)
show("golowich-frobenius", mpf("0.04") + 2 / gg * (sqrt(2 * log(2) * 3) + 1) * gm * 2000 / 60000
     + 3 * sqrt(log(2 / deff) / (2 * 60000)))
for v, up in [(1, True), (1, False), (mpf("0.3"), True), (mpf("0.3"), False), (mpf("1.1"), True)]:
    k, i, g, w = grid_snap(v, mpf("1.1"), up)
    print(f"snap({v}, up={up}) -> k={k} i={i} value={mp.nstr(g, 17)}")

print("# sample complexity: least integer n with value <= target")


def least_n(f, target, lo, hi):
    assert f(hi) <= target < f(lo)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if f(mid) <= target: hi = mid
        else: lo = mid
    return hi


vc = lambda nn: 0 + sqrt(2 * 100 * log(e * mpf(nn) / 100) / nn) + sqrt(log(1 / mpf("0.05")) / (2 * nn))
print("vc-mohri n (train_error=0, vc_dim=100, delta=0.05, target=0.1) =", least_n(vc, mpf("0.1"), 100, 10 ** 9))
hoef = lambda nn: mpf("0.05") + sqrt(log(1 / mpf("0.05")) / (2 * mpf(nn)))
print("test-set-hoeffding n_test (test_error=0.05, delta=0.05, target=0.06) =", least_n(hoef, mpf("0.06"), 1, 10 ** 9))

print("# sensitivities of vc-mohri at train_error=0.01, n=60000, vc_dim=1000, delta=0.05 (sympy)")
R, N, D, DL = sp.symbols("train_error n vc_dim delta", positive=True)
f = R + sp.sqrt(2 * D * sp.log(sp.E * N / D) / N) + sp.sqrt(sp.log(1 / DL) / (2 * N))
pt = {R: sp.Rational(1, 100), N: 60000, D: 1000, DL: sp.Rational(1, 20)}
for s in (R, N, D, DL):
    print(f"d/d{s} = {sp.N(sp.diff(f, s).subs(pt), 17)}")

print("# Hoeffding dominates the exact binomial-tail inversion (k=200 errors of n_test=10000, delta=0.05)")
from mpmath import betainc
k_err, nt = 200, 10000
cdf = lambda p: betainc(nt - k_err, k_err + 1, 0, 1 - p, regularized=True)  # P(X <= k | p) = I_{1-p}(n-k, k+1)
lo, hi = mpf(k_err) / nt, mpf(1)
for _ in range(200):
    mid = (lo + hi) / 2
    if cdf(mid) >= mpf("0.05"): lo = mid
    else: hi = mid
show("binomial-tail inversion", hi)

print("# bft-spectral-L: R̂_γ + 8/n + 48 ln(n) ‖X‖₂ sqrt(ln(2W²)) R/(γ n) + 3 sqrt(ln(1/δ')/(2n)),")
print("#   R = Π s_j (Σ (b_i/s_i)^{2/3})^{3/2} at grid values (γ down, s and b up; ratio 1.1), δ' = δ Π weights")


def bft(loss, gamma, s, b, x_norm, width, n, delta):
    n = mpf(n)
    kg, ig, gg, w = grid_snap(mpf(gamma), mpf("1.1"), up=False)
    weights = w
    sg, bg = [], []
    for v in s:
        _, _, g, wv = grid_snap(mpf(v), mpf("1.1"), up=True); sg.append(g); weights *= wv
    for v in b:
        _, _, g, wv = grid_snap(mpf(v), mpf("1.1"), up=True); bg.append(g); weights *= wv
    prod = mpf(1)
    for g in sg: prod *= g
    R = prod * sum((bi / si) ** (mpf(2) / 3) for si, bi in zip(sg, bg)) ** (mpf(3) / 2)
    deff = mpf(delta) * weights
    terms = [mpf(loss), 8 / n, 48 * log(n) * x_norm * sqrt(log(2 * mpf(width) ** 2)) * R / (gg * n),
             3 * sqrt(log(1 / deff) / (2 * n))]
    return sum(terms), terms, deff, R


for name, args in [("bft-spectral-2", (mpf("0.05"), 8, [mpf("3.2"), mpf("2.1")], [15, mpf("4.5")], 2000, 784, 60000, mpf("0.05"))),
                   ("bft-spectral-3", (mpf("0.05"), 8, [mpf("3.2"), mpf("2.1"), mpf("1.7")], [15, mpf("4.5"), 3], 2000, 784, 60000, mpf("0.05")))]:
    total, terms, deff, R = bft(*args)
    show(name, total)
    print("   terms:", [mp.nstr(t, 17) for t in terms], "delta_eff:", mp.nstr(deff, 17), "R at grid:", mp.nstr(R, 17))

print("# Dr17Prior: 2KL = (sqd + Σs)/λ − Σ ln s + P ln λ − P, λ_j = 0.1 exp(−j/100); optimized λ = 0.003")
P, sqd, sums, sumlog = 1000, mpf("25.3"), mpf("12.1"), 1000 * log(mpf("0.0121"))
klj = lambda lam: ((sqd + sums) / lam - sumlog + P * log(lam) - P) / 2
jstar = 100 * log(mpf("0.1") / mpf("0.003"))
print("j* =", mp.nstr(jstar, 17))
for j in (int(floor(jstar)), int(ceil(jstar))):
    lam = mpf("0.1") * exp(-mpf(j) / 100)
    print(f"j={j} lambda={mp.nstr(lam, 17)} KL={mp.nstr(klj(lam), 17)} KL+2lnj={mp.nstr(klj(lam) + 2 * log(j), 17)}")

print("# margin-mohri-multiclass: emp_margin_loss=0.05, rho=2, rademacher_pi1=0.001, k=10, n=60000, delta=0.05")
show("margin-mohri-multiclass", mpf("0.05") + 4 * 10 / mpf(2) * mpf("0.001") + sqrt(log(1 / mpf("0.05")) / (2 * 60000)))


print("# issue 12 entries (formulas re-typed from SOURCES.md, second table)")
ALPHA = mpf(1) / 10000


def catoni(risk, kl, n, C, delta):
    return (1 - exp(-(C * risk + (kl + log(1 / delta)) / n))) / (1 - exp(-C))


def catoni_grid(risk, kl, n, C, delta):
    """Lotfi et al. pac_bayes_bound_opt with g = ln(nC): lambda = nC on the grid (1+alpha)^j, delta/(j+2)^2."""
    risk, kl, n, C, delta = map(mpf, (risk, kl, n, C, delta))
    g = log(n * C)
    q = risk + ((1 + ALPHA) / exp(g)) * (kl - log(delta) + 2 * log(2 + g / log(1 + ALPHA)))
    a = exp(g) / n
    return (1 - exp(-a * q)) / (1 - exp(-a))


show("pacbayes-catoni-grid", catoni_grid("0.03", 5000, 60000, 2, "0.025"))
show("  pacbayes-catoni at the same point", catoni(mpf("0.03"), 5000, 60000, 2, mpf("0.025")))
k, i, rho_g, w = grid_snap(mpf("0.5"), mpf("1.1"), up=False)
show("margin-mohri-grid", mpf("0.05") + 2 / rho_g * mpf("0.01") + 3 * sqrt(log(2 / (mpf("0.05") * w)) / (2 * 10000)))
print(f"  rho grid point k={k} i={i}")
k, i, rho_g, w = grid_snap(mpf(2), mpf("1.1"), up=False)
show("margin-mohri-multiclass-grid", mpf("0.05") + 4 * 10 / rho_g * mpf("0.001") + sqrt(log(1 / (mpf("0.05") * w)) / (2 * 60000)))
print(f"  rho grid point k={k} i={i}")
show("occam-kl", kl_inv(mpf("0.02"), (20000 * log(2) + log(1 / mpf("0.05"))) / 60000))
show("lotfi22-compression", catoni_grid("0.02", 20000 * log(2), 60000, 3, "0.05"))


def binom_inv(k, n, delta):
    """sup{p : P(X <= k | n, p) >= delta}, P(X <= k) = I_{1-p}(n-k, k+1) (mpmath betainc, regularized), 400-step bisection."""
    from mpmath import betainc
    lo, hi = mpf(0), mpf(1)
    for _ in range(400):
        mid = (lo + hi) / 2
        if betainc(n - k, k + 1, 0, 1 - mid, regularized=True) >= delta:
            lo = mid
        else:
            hi = mid
    return hi


print("# test-set-binomial-exact: (k, n, delta) -> root of I_{1-p}(n-k, k+1) = delta")
for k, n, d in [(200, 10000, "0.05"), (0, 1000, "0.05"), (10, 20, "0.01"), (123, 10000, "1e-6"), (3, 60000, "0.001")]:
    show(f"  binom_inv({k}, {n}, {d})", binom_inv(k, n, mpf(d)))
show("  closed form k=0: 1 - 0.05^(1/1000)", 1 - mpf("0.05") ** (mpf(1) / 1000))


print("# issue 12 entries, part 2")
def log2(x): return log(x) / log(2)
# vc-relu-bhlm19: D = L + cum*log2(4ep U log2(2ep U)), p = 2; arch 784-10-1 with biases: L=2, cum=7850+7861, U=10+2
D = 2 + 15711 * log2(4 * e * 2 * 12 * log2(2 * e * 2 * 12))
show("  D (784-10-1)", D)
n = mpf(10) ** 6
show("vc-relu-bhlm19", mpf("0.01") + sqrt(2 * D * log(e * n / D) / n) + sqrt(log(1 / mpf("0.05")) / (2 * n)))
# nlbls19-two-layer (authors' code 'Our bound', gap = sqrt(measure/m))
c, h, m, g, dl = 10, 1024, mpf(60000), mpf(5), mpf("0.01")
R = 3 * sqrt(2) * (sqrt(2 * c) + 1) * (3 + 1) * (6 + 4 * mpf("9.3") + 1) / g
show("nlbls19-two-layer", mpf("0.01") + (R + 3 * sqrt(5 * h + log(max(1, g * sqrt(m)) / dl))) / sqrt(m))
# nbs18-pacbayes-spectral: gamma down, spec_prod up on 1.1^k; delta times both weights
kg, ig, gg, wg = grid_snap(mpf(5), mpf("1.1"), up=False)
ks, is_, sg, ws = grid_snap(mpf(20), mpf("1.1"), up=True)
d, B, hh, RF, m = 3, 10, 784, 6, mpf(60000)
KL = 42 ** 2 * d ** 2 * B ** 2 * hh * log(4 * hh * d) * sg ** 2 * RF / (2 * gg ** 2)
show("nbs18-pacbayes-spectral", mpf("0.02") + 4 * sqrt((KL + log(6 * m / (mpf("0.05") * wg * ws))) / (m - 1)))
show("cmi-sz20", sqrt(2 * mpf(50) / 60000))
# graf22-conv: ramp 0.05, gamma 4 (grid down), x_norm 3000, lip_prod 50, ratio_sum 7, depth 6, max_params 36864, n 50000, delta 0.05
kg, ig, gg, wg = grid_snap(mpf(4), mpf("1.1"), up=False)
n = mpf(50000)
C = 4 / gg * 3000 / sqrt(n) * 50
rad = 4 / n + 12 * (1 + log(n - 1)) / sqrt(n) * sqrt(log(2 * 36864)) * (C ** (mpf(2) / 3) * 7 + 6) ** (mpf(3) / 2)
show("graf22-conv", mpf("0.05") + 2 * rad + 3 * sqrt(log(2 / (mpf("0.05") * wg)) / (2 * n)))
# ledent21-conv: ramp 0.05, R 40, Gamma 1e6, barW 65536, n 50000, delta 0.05
rad = 4 / n + 768 * 40 * sqrt(log(32 * mpf(10) ** 6 * n ** 2 + 7 * 65536 * n) / log(2)) * log(n) / sqrt(n)
show("ledent21-conv", mpf("0.05") + 2 * rad + 3 * sqrt(log(2 / mpf("0.05")) / (2 * n)))
# haghifam20-ld: sqrt(incoherence_sum)/(n sqrt 2), incoherence_sum 2.5e5, n 20000
show("haghifam20-ld", sqrt(mpf("2.5e5")) / (20000 * sqrt(2)))
