module BoundLab.Bounds.Tests.Symbolic.LatexPrinterTests

open Expecto
open BoundLab.Bounds.Symbolic
open BoundLab.Bounds.Tests.TestUtil

let table = [
    "sqrt(2*d*ln(e*n/d)/n)", @"\sqrt{\frac{2 d \ln\left(\frac{e n}{d}\right)}{n}}"
    "sqrt(ln(1/delta)/(2*n))", @"\sqrt{\frac{\ln\left(\frac{1}{\delta}\right)}{2 n}}"
    "klinv(q, c)", @"\operatorname{kl}^{-1}\left(q, c\right)"
    "min(a, b)", @"\min\left(a, b\right)"
    "max(a, b, c)", @"\max\left(a, b, c\right)"
    "x^(-2)", @"\frac{1}{x^{2}}"
    "x^(1/3)", @"x^{\frac{1}{3}}"
    "(a + b)^2", @"\left(a + b\right)^{2}"
    "ln(x)^2", @"\left(\ln\left(x\right)\right)^{2}"
    "(a + b)*c", @"\left(a + b\right) c"
    "a - 2*b", @"a - 2 b"
    "-x", @"-x"
    "2^(1/2)*3", @"3 \sqrt{2}"
    "train_error + pi", @"\pi + \mathrm{train\_error}"
    "exp(-x)", @"\exp\left(-x\right)"
    "a/(b*c)", @"\frac{a}{b c}"
    "inf", @"\infty"
]

[<Tests>]
let tests =
    testList "Bounds.Symbolic.LatexPrinter" [
        for (input, latex) in table -> testCase input <| fun () -> Expect.equal (LatexPrinter.Latex(parse input)) latex input
    ]
