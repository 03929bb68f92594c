/// Every union-bounded (grid) variant is at least its fixed-parameter version at the same point: paying for a
/// parameter chosen after seeing the data can only loosen a bound.
module BoundLab.Bounds.Tests.Catalog.UnionGridTests

open Expecto
open BoundLab.Bounds.Catalog

let private value (id: string) (inputs: (string * float) list) = (BoundEvaluator.Evaluate(id, readOnlyDict inputs, 2)).Value

[<Tests>]
let tests =
    testList "Bounds.Catalog.UnionGrid" [
        // (risk, KL, n, C, δ): small and large C, grid and off-grid values, near-zero risk.
        for risk, kl, n, c, delta in [ (0.03, 5000., 60000., 2., 0.025); (0.0, 10., 1000., 0.01, 0.05); (0.2, 0., 50., 0.5, 0.1);
                                        (0.01, 200., 60000., 17.3, 0.01); (0.5, 1e5, 60000., 1.0001, 0.05); (0.03, 5000., 60000., 1. / 60000., 0.05) ] ->
            testCase $"pacbayes-catoni-grid ≥ pacbayes-catoni at R̂={risk} KL={kl} n={n} C={c}" <| fun () ->
                let p = [ "emp_risk", risk; "kl", kl; "n", n; "catoni_c", c; "delta", delta ]
                Expect.isGreaterThanOrEqual (value "pacbayes-catoni-grid" p) (value "pacbayes-catoni" p) "grid ≥ fixed"

        for rho in [ 0.5; 1.0; 1.1; 0.01; 37.0 ] ->
            testCase $"margin-mohri-grid ≥ margin-mohri at ρ = {rho}" <| fun () ->
                let p = [ "ramp_loss", 0.05; "gamma", rho; "rademacher", 0.01; "n", 10000.; "delta", 0.05 ]
                Expect.isGreaterThanOrEqual (value "margin-mohri-grid" p) (value "margin-mohri" p) "grid ≥ fixed"

        for rho in [ 2.0; 0.3; 1.0; 12.5 ] ->
            testCase $"margin-mohri-multiclass-grid ≥ margin-mohri-multiclass at ρ = {rho}" <| fun () ->
                let p = [ "ramp_loss", 0.05; "gamma", rho; "rademacher_pi1", 0.001; "classes", 10.; "n", 60000.; "delta", 0.05 ]
                Expect.isGreaterThanOrEqual (value "margin-mohri-multiclass-grid" p) (value "margin-mohri-multiclass" p) "grid ≥ fixed"

        yield testCase "lotfi22-compression ≥ fixed-C Catoni with KL = ℓ ln 2" <| fun () ->
            for bits, c in [ 20000., 3.; 500., 0.2; 1e6, 40. ] do
                let grid = value "lotfi22-compression" [ "train_error", 0.02; "code_length_bits", bits; "n", 60000.; "catoni_c", c; "delta", 0.05 ]
                let fixedC = value "pacbayes-catoni" [ "emp_risk", 0.02; "kl", bits * log 2.; "n", 60000.; "catoni_c", c; "delta", 0.05 ]
                Expect.isGreaterThanOrEqual grid fixedC $"ℓ = {bits}, C = {c}"

        yield testCase "the Catoni grid starts at C = 1/n: smaller C is rejected naming C" <| fun () ->
            let e = BoundLab.Bounds.Tests.TestUtil.catch<System.ArgumentException> (fun () ->
                        value "pacbayes-catoni-grid" [ "emp_risk", 0.03; "kl", 5000.; "n", 60000.; "catoni_c", 1e-6; "delta", 0.05 ] |> ignore)
            Expect.equal e.ParamName "catoni_c" "names catoni_c"
            Expect.stringContains e.Message "C must be ≥ 1/n" "says what is allowed"
    ]
