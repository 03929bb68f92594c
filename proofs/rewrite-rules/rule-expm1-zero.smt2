; expect: unsat
; proves: rewrite rule expm1-zero: expm1(0) = 0
(declare-fun bl.exp (Real) Real)
(declare-fun bl.ln (Real) Real)
(assert (= (bl.exp 0.0) 1.0))
(assert (> (bl.exp 0.0) 0.0))
(assert (>= (bl.exp 0.0) (+ 1.0 0.0)))
(assert (= (bl.ln (bl.exp 0.0)) 0.0))
(assert (not (= (- (bl.exp 0.0) 1.0) 0.0)))
(check-sat)
