; expect: unsat
; proves: η ≤ 1/ℓ for η = 0.1, ℓ = 10
(declare-fun ell () Real)
(declare-fun eta () Real)
(assert (> ell 0.0))
(assert (> eta 0.0))
(assert (= eta (/ 1.0 10.0)))
(assert (= ell 10.0))
(assert (not (<= eta (/ 1.0 ell))))
(check-sat)
