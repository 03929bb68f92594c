; expect: unsat
; proves: rewrite rule exp-zero: exp(0) = 1
(declare-fun bl.exp (Real) Real)
(declare-fun bl.ln (Real) Real)
(assert (= (bl.exp 0.0) 1.0))
(assert (> (bl.exp 0.0) 0.0))
(assert (>= (bl.exp 0.0) (+ 1.0 0.0)))
(assert (= (bl.ln (bl.exp 0.0)) 0.0))
(assert (not (= (bl.exp 0.0) 1.0)))
(check-sat)
