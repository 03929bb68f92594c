; expect: unsat
; proves: rewrite rule power-power-pos: (x^a)^b = x^(a·b) for x > 0, numbers a, b, at a = 2, b = 1/3
(declare-fun x () Real)
(declare-fun bl.pow.0 () Real)
(declare-fun bl.pow.1 () Real)
(assert (> x 0.0))
(assert (=> (>= (* x x) 0.0) (and (>= bl.pow.0 0.0) (= (* bl.pow.0 bl.pow.0 bl.pow.0) (* x x)))))
(assert (=> (>= x 0.0) (and (>= bl.pow.1 0.0) (= (* bl.pow.1 bl.pow.1 bl.pow.1) (* x x)))))
(assert (not (= bl.pow.0 bl.pow.1)))
(check-sat)
