; expect: unsat
; proves: rewrite rule klinv-zero: kl⁻¹(q, 0) = q
; cvc5: unknown (Debian cvc5, built without libpoly, times out on 2(p−q)² ≤ 0 ⇒ p = q; Z3 proves it)
(declare-fun q () Real)
(declare-fun bl.klinv (Real Real) Real)
(assert (and (> q 0.0) (< q 1.0)))
(assert (=> (and (>= q 0.0) (<= q 1.0) (>= 0.0 0.0)) (and (<= q (bl.klinv q 0.0)) (<= (bl.klinv q 0.0) 1.0) (<= (* 2.0 (- (bl.klinv q 0.0) q) (- (bl.klinv q 0.0) q)) 0.0))))
(assert (not (= (bl.klinv q 0.0) q)))
(check-sat)
