#!/usr/bin/env python3
"""Golden values of the Jiang et al. (2020) measures for GoldenTests.fs: each formula re-typed from Appendix C
(equation numbers in the comments), with the final size adjustment sqrt(mu/m) or (mu - ln m)/2, mpmath at 50 digits,
inputs the binary doubles. Prints the F# case lines.  python3 tests/Bounds/Catalog/jiang_golden.py"""
from mpmath import mp, mpf, log, sqrt
mp.dps = 50
x = dict(log_spec_prod=1.7, log_frob_prod=2.3, margin_q10=2.5, depth=3.0, n=1000.0, params=50000.0, frob_ratio_sum=6.0,
         dist_frob_ratio_sum=0.8, dist_frob_sq_sum=12.5, dist_spec_sq_sum=3.5, frob_sq_sum=40.0, path_norm=7.5,
         sharpness_sigma=0.03, sharpness_sigma_mag=0.2, mag_log_ratio_init=1500.0, mag_log_ratio_orig=2600.0)
v = {k: mpf(val) for k, val in x.items()}
m, g, d = v['n'], v['margin_q10'], v['depth']
plain = lambda mu: sqrt(mu / m)
logm = lambda mu: (mu - log(m)) / 2
lsp, lfp = 2 * v['log_spec_prod'], 2 * v['log_frob_prod']
cases = [
    ('jiang-params', ['params'], plain(v['params'])),                                     # (20)
    ('jiang-inverse-margin', ['margin_q10'], plain(1 / g**2)),                             # (22)
    ('jiang-log-prod-spec-over-margin', ['log_spec_prod', 'margin_q10'], logm(lsp - 2 * log(g))),   # (31)
    ('jiang-log-prod-spec', ['log_spec_prod'], logm(lsp)),                                 # (32)
    ('jiang-log-sum-spec-over-margin', ['log_spec_prod', 'margin_q10', 'depth'], logm(log(d) + (lsp - 2 * log(g)) / d)),  # (34)
    ('jiang-log-sum-spec', ['log_spec_prod', 'depth'], logm(log(d) + lsp / d)),            # (35)
    ('jiang-log-spec-init-main', ['log_spec_prod', 'margin_q10', 'dist_frob_ratio_sum'], logm(lsp - 2 * log(g) + log(v['dist_frob_ratio_sum']))),  # (29)
    ('jiang-log-spec-orig-main', ['log_spec_prod', 'margin_q10', 'frob_ratio_sum'], logm(lsp - 2 * log(g) + log(v['frob_ratio_sum']))),  # (30)
    ('jiang-log-prod-fro-over-margin', ['log_frob_prod', 'margin_q10'], logm(lfp - 2 * log(g))),   # (36)
    ('jiang-log-prod-fro', ['log_frob_prod'], logm(lfp)),                                  # (37)
    ('jiang-log-sum-fro-over-margin', ['log_frob_prod', 'margin_q10', 'depth'], logm(log(d) + (lfp - 2 * log(g)) / d)),  # (38)
    ('jiang-log-sum-fro', ['log_frob_prod', 'depth'], logm(log(d) + lfp / d)),             # (39)
    ('jiang-fro-over-spec', ['frob_ratio_sum'], plain(v['frob_ratio_sum'])),               # (33)
    ('jiang-fro-dist', ['dist_frob_sq_sum'], plain(v['dist_frob_sq_sum'])),                # (40)
    ('jiang-spec-dist', ['dist_spec_sq_sum'], plain(v['dist_spec_sq_sum'])),               # (41)
    ('jiang-param-norm', ['frob_sq_sum'], plain(v['frob_sq_sum'])),                        # (42)
    ('jiang-path-norm-over-margin', ['path_norm', 'margin_q10'], plain(v['path_norm']**2 / g**2)),  # (43)
    ('jiang-path-norm', ['path_norm'], plain(v['path_norm']**2)),                          # (44)
    ('jiang-pacbayes-init', ['dist_frob_sq_sum', 'sharpness_sigma'], plain(v['dist_frob_sq_sum'] / (4 * v['sharpness_sigma']**2) + log(m / v['sharpness_sigma']) + 10)),  # (48)
    ('jiang-pacbayes-orig', ['frob_sq_sum', 'sharpness_sigma'], plain(v['frob_sq_sum'] / (4 * v['sharpness_sigma']**2) + log(m / v['sharpness_sigma']) + 10)),  # (49)
    ('jiang-pacbayes-flatness', ['sharpness_sigma'], plain(1 / v['sharpness_sigma']**2)),  # (53)
    ('jiang-pacbayes-mag-init', ['mag_log_ratio_init', 'sharpness_sigma_mag'], plain(v['mag_log_ratio_init'] / 4 + log(m / v['sharpness_sigma_mag']) + 10)),  # (56)
    ('jiang-pacbayes-mag-orig', ['mag_log_ratio_orig', 'sharpness_sigma_mag'], plain(v['mag_log_ratio_orig'] / 4 + log(m / v['sharpness_sigma_mag']) + 10)),  # (57)
    ('jiang-pacbayes-mag-flatness', ['sharpness_sigma_mag'], plain(1 / v['sharpness_sigma_mag']**2)),  # (61)
]
fmt = lambda f: repr(float(f)) if f != int(f) else repr(float(f)).replace('.0', '.')
for cid, names, val in cases:
    ins = '; '.join(f'"{k}", {fmt(x[k])}' for k in names + ['n'])
    print(f'    "{cid}", [ {ins} ], {mp.nstr(val, 20, strip_zeros=False)}')
