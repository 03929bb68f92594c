module BoundLab.Bounds.Tests.Symbolic.TextPrinterTests

open Expecto
open BoundLab.Bounds.Symbolic
open BoundLab.Bounds.Tests.TestUtil

/// input, Unicode, ASCII infix.
let table = [
    "sqrt(2*d*ln(e*n/d)/n)", "√(2·d·ln(e·n/d)/n)", "sqrt(2*d*ln(e*n/d)/n)"
    "sqrt(ln(1/delta)/(2*n))", "√(ln(1/δ)/(2·n))", "sqrt(ln(1/delta)/(2*n))"
    "x^2 + 1", "1 + x²", "1 + x^2"
    "x^(1/3)", "x^(1/3)", "x^(1/3)"
    "1/sqrt(x)", "1/√(x)", "1/sqrt(x)"
    "a - b", "a − b", "a - b"
    "-a - b", "−a − b", "-a - b"
    "-2*x", "−2·x", "-2*x"
    "(a + b)^2", "(a + b)²", "(a + b)^2"
    "(a + b)*c", "(a + b)·c", "(a + b)*c"
    "a/(b + c)", "a/(b + c)", "a/(b + c)"
    "2/3", "2/3", "2/3"
    "-2/3*x", "−2·x/3", "-2*x/3"
    "x^y", "x^y", "x^y"
    "x^(-y)", "x^(−y)", "x^(-y)"
    "klinv(q, ln(1/delta)/n)", "kl⁻¹(q, ln(1/δ)/n)", "klinv(q, ln(1/delta)/n)"
    "min(a, b) + max(a, b)", "min(a, b) + max(a, b)", "min(a, b) + max(a, b)"
    "pi*r^2", "π·r²", "pi*r^2"
    "exp(x)", "exp(x)", "exp(x)"
    "ln(x)^2", "ln(x)²", "ln(x)^2"
    "x/y/z", "x/(y·z)", "x/(y*z)"
    "inf", "∞", "inf"
]

[<Tests>]
let tests =
    testList "Bounds.Symbolic.TextPrinter" [
        testList "Unicode" [
            for (input, unicode, _) in table -> testCase input <| fun () -> Expect.equal (TextPrinter.Unicode(parse input)) unicode input
        ]
        testList "ASCII infix" [
            for (input, _, ascii) in table -> testCase input <| fun () -> Expect.equal (TextPrinter.Infix(parse input)) ascii input
        ]
        testCase "ToString is the ASCII infix" <| fun () ->
            Expect.equal ((parse "a + b").ToString()) "a + b" "ToString"
    ]
