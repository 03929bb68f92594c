#!/usr/bin/env python3
"""Exact values of every catalog formula at its golden points and extreme variants, for CertifiedTests.fs.

Input: the JSON lines of dump_forms.fsx (the formula tree as BoundEvaluator evaluates it and the prepared point, exact
doubles). Each double is converted exactly (mpf(float)) and the tree is evaluated in mpmath's interval arithmetic at 1000 digits (so
cancellations down to 1e-900 relative are resolved); kl^-1 and bin^-1 by bisection to 1e-70 relative. Printed per case:
the double d nearest the value and the residual (exact - d) rounded DOWN and UP to 30 significant digits, as
decimal strings, so d + floor <= exact <= d + ceil exactly.
  dotnet fsi tests/Bounds/Catalog/dump_forms.fsx > /tmp/forms.jsonl && python3 tests/Bounds/Catalog/certified_golden.py < /tmp/forms.jsonl
"""
import json, sys
from mpmath import mp, iv, mpf, log, inf, floor, ceil, betainc

mp.dps = 1000
iv.dps = 1000


def kl(q, p):
    a = mpf(0) if q == 0 else q * log(q / p)
    b = mpf(0) if q == 1 else (1 - q) * log((1 - q) / (1 - p))
    return a + b


def bisect(lo, hi, inside):
    """[lo, hi] around the sup of {p : inside(p)}, to 1e-70 relative of hi."""
    while hi - lo > hi * mpf(10) ** -70:
        mid = (lo + hi) / 2
        if inside(mid): lo = mid
        else: hi = mid
    return lo, hi


def kl_inv(q, c):
    if c == 0: return q, q
    if q == 1 or c == inf: return mpf(1), mpf(1)
    return bisect(q, mpf(1), lambda p: p < 1 and kl(q, p) <= c)


def binom_inv(q, n, delta):
    k = int(mp.nint(q * n)); n = int(n)
    if k >= n: return mpf(1), mpf(1)
    with mp.workdps(150):
        lo, hi = bisect(mpf(0), mpf(1), lambda p: betainc(n - k, k + 1, 0, 1 - p, regularized=True) >= delta)
    return +lo, +hi


def ev(t, pt):
    """An mpmath interval (iv, 1000 digits, outward rounded) around the exact value; kl^-1 and bin^-1 (monotone) from
    the bisection brackets at the interval ends."""
    op = t[0]
    if op == "num": return iv.mpf(int(t[1])) / int(t[2])
    if op == "sym": return iv.mpf(float(pt[t[1]]))
    if op == "e": return iv.e
    if op == "pi": return iv.pi
    if op == "inf": return iv.mpf(inf)
    args = [ev(a, pt) for a in t[1:]]
    if op == "KlInv":
        (q, c) = args
        return iv.mpf([kl_inv(mpf(q.a), mpf(c.a))[0], kl_inv(mpf(q.b), mpf(c.b))[1]])
    if op == "BinomInv":
        (q, n, d) = args
        assert n.a == n.b
        return iv.mpf([binom_inv(mpf(q.a), mpf(n.a), mpf(d.b))[0], binom_inv(mpf(q.b), mpf(n.a), mpf(d.a))[1]])
    if op == "+":
        v = iv.mpf(0)
        for a in args: v += a
        return v
    if op == "*":
        v = iv.mpf(1)
        for a in args: v *= a
        return v
    if op == "^": return args[0] ** args[1]
    if op == "Ln": return iv.log(args[0])
    if op == "Exp": return iv.exp(args[0])
    if op == "Expm1": return iv.exp(args[0]) - 1
    if op == "Min": return iv.mpf([min(a.a for a in args), min(a.b for a in args)])
    if op == "Max": return iv.mpf([max(a.a for a in args), max(a.b for a in args)])
    raise ValueError(op)


def directed(v, up, digits=30):
    """v rounded to `digits` significant digits toward +inf (up) or -inf, as a decimal string."""
    if v == 0: return "0"
    s = "-" if v < 0 else ""
    a = abs(v)
    ex = int(floor(log(a, 10)))
    scaled = a / mpf(10) ** (ex - digits + 1)
    while scaled >= mpf(10) ** digits: ex += 1; scaled = a / mpf(10) ** (ex - digits + 1)
    while scaled < mpf(10) ** (digits - 1): ex -= 1; scaled = a / mpf(10) ** (ex - digits + 1)
    m = int(ceil(scaled) if (up != (v < 0)) else floor(scaled))
    return f"{s}{m}e{ex - digits + 1}"


for line in sys.stdin:
    c = json.loads(line)
    v = ev(c["formula"], c["point"])
    lo, hi = mpf(v.a), mpf(v.b)
    d = float(lo)  # the double nearest the value; exact = d + residual, the residual to 30 digits each way
    ins = "; ".join(f'"{k}", {repr(float(v))}' for k, v in c["inputs"])
    print(f'    "{c["id"]}", "{c["label"]}", [ {ins} ], {repr(d)}, "{directed(lo - mpf(d), False)}", "{directed(hi - mpf(d), True)}"')
