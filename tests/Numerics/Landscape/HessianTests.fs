module BoundLab.Numerics.Tests.Landscape.HessianTests

open System
open Expecto
open BoundLab.Numerics
open BoundLab.Numerics.Backends
open BoundLab.Numerics.Data
open BoundLab.Numerics.Landscape
open BoundLab.Numerics.Losses
open BoundLab.Numerics.Models
open BoundLab.Numerics.Models.Layers
open BoundLab.Numerics.Random
open BoundLab.Numerics.Tensors
open BoundLab.Numerics.Training

type private MN = MathNet.Numerics.LinearAlgebra.Matrix<float>

let private reference = ReferenceBackend<float>.Instance

let private spec name (layers: LayerSpec list) = ModelSpec(name, SpecList<LayerSpec>(layers))
let private dense i o act = DenseSpec(i, o, act) :> LayerSpec
let private denseNoBias i o act = DenseSpec(i, o, act, false) :> LayerSpec

/// A float64 model with seeded random weights and non-zero biases (every parameter drawn, std 0.6).
let private randomModel (s: ModelSpec) (seed: int) =
    let rng = Random(seed)
    let shell = Model<float>.Zeros(s, reference)
    let values = [| for p in shell.Parameters -> Array.init p.Length (fun _ -> 0.6 * (2.0 * rng.NextDouble() - 1.0) * 1.7) |]
    Model<float>.FromValues(s, reference, values)

/// n samples with inputs that are exact in float32 (multiples of 1/64), labels or targets from the seed.
let private dataset (n: int) (d: int) (classes: int) (regressionOutputs: int) (seed: int) =
    let rng = Random(seed)
    let x = Matrix<float32>(n, d, Array.init (n * d) (fun _ -> float32 (rng.Next(-96, 97)) / 64.0f))
    if regressionOutputs > 0 then
        let t = Matrix<float32>(n, regressionOutputs, Array.init (n * regressionOutputs) (fun _ -> float32 (rng.Next(-64, 65)) / 32.0f))
        Dataset("tiny-regression", x, null, t, 0)
    else
        Dataset("tiny", x, Array.init n (fun i -> i % classes), null, classes)

/// The dense Hessian by central differences of the exact float64 gradient (Objective on the reference backend):
/// column j = (∇L(θ + h e_j) − ∇L(θ − h e_j)) / 2h, then symmetrized.
let private finiteDifferenceHessian (model: Model<float>) (data: Dataset) (loss: LossKind) =
    let m = model.Clone()
    let objective = Objective<float>(m, reference.Upload data, loss)
    let theta = m.FlatValues()
    let n = theta.Length
    let h = 1e-4
    let grad (t: float[]) =
        m.SetFlatValues(ReadOnlySpan t)
        objective.Full(1000, true) |> ignore
        m.FlatGradients()
    let cols =
        [| for j in 0 .. n - 1 ->
            let plus = Array.copy theta
            plus[j] <- plus[j] + h
            let minus = Array.copy theta
            minus[j] <- minus[j] - h
            Array.map2 (fun a b -> (a - b) / (2.0 * h)) (grad plus) (grad minus) |]
    Array2D.init n n (fun i j -> 0.5 * (cols[j][i] + cols[i][j]))

let private maxAbs (a: float[,]) = Seq.max (seq { for v in Seq.cast<float> a -> abs v })

let private maxDiff (a: float[,]) (b: float[,]) =
    Seq.max (seq { for i in 0 .. Array2D.length1 a - 1 do for j in 0 .. Array2D.length2 a - 1 -> abs (a[i, j] - b[i, j]) })

let private dot (a: float[]) (b: float[]) = Array.fold2 (fun s x y -> s + x * y) 0.0 a b

let private vectorOf (seed: int) n = let r = Random(seed) in Array.init n (fun _ -> r.NextDouble() * 2.0 - 1.0)

/// A dense symmetric matrix as an operator (for testing Lanczos and Hutchinson on their own).
type private DenseOperator(a: float[,]) =
    interface ISymmetricOperator with
        member _.Dimension = Array2D.length1 a
        member _.Apply(v, result) =
            for i in 0 .. Array2D.length1 a - 1 do
                let mutable s = 0.0
                for j in 0 .. Array2D.length2 a - 1 do
                    s <- s + a[i, j] * v[j]
                result[i] <- s

let private eigenvaluesDescending (a: float[,]) =
    (MN.Build.DenseOfArray a).Evd(MathNet.Numerics.LinearAlgebra.Symmetricity.Symmetric).EigenValues
    |> Seq.map (fun c -> c.Real) |> Seq.sortDescending |> Array.ofSeq

let private tinyTanh = spec "3-4-3" [ dense 3 4 Activation.Tanh; dense 4 3 Activation.Identity ]

/// A residual MLP block with an activation layer: dense 3→4 tanh, [dense 4→4 sigmoid, dense 4→4], tanh, dense 4→3.
let private resmlp =
    spec "resmlp-tiny"
        [ dense 3 4 Activation.Tanh
          ResidualSpec(SpecList<LayerSpec>([ dense 4 4 Activation.Sigmoid; dense 4 4 Activation.Identity ])) :> LayerSpec
          ActivationSpec(4, Activation.Tanh) :> LayerSpec
          dense 4 3 Activation.Identity ]

/// A small CNN on 5×5×2 images: conv (3 channels, 3×3, stride 2, pad 1) → 3×3×3, pool 2×2 stride 1 → 2×2×3, flatten, dense 12→3.
let private smallCnn (pool: PoolKind) (act: Activation) =
    spec (sprintf "cnn-%A" pool)
        [ Conv2dSpec(5, 5, 2, 3, 3, 2, 1, act) :> LayerSpec
          PoolSpec(pool, 3, 3, 3, 2, 1) :> LayerSpec
          FlattenSpec(2, 2, 3) :> LayerSpec
          dense 12 3 Activation.Identity ]

/// (name, spec, loss, data): every layer kind with an R-op and every loss.
let private cases =
    [ "3-4-3 tanh, cross-entropy", tinyTanh, LossKind.CrossEntropy, dataset 9 3 3 0 1
      "3-4-3 sigmoid, squared (one-hot)", spec "3-4-3s" [ dense 3 4 Activation.Sigmoid; dense 4 3 Activation.Identity ], LossKind.Squared, dataset 8 3 3 0 2
      "3-4-2 tanh, squared regression", spec "3-4-2" [ dense 3 4 Activation.Tanh; dense 4 2 Activation.Identity ], LossKind.Squared, dataset 7 3 0 2 3
      "3-4-1 tanh, logistic", spec "3-4-1" [ dense 3 4 Activation.Tanh; dense 4 1 Activation.Identity ], LossKind.Logistic, dataset 8 3 2 0 4
      "3-4-1 sigmoid, exponential", spec "3-4-1s" [ dense 3 4 Activation.Sigmoid; dense 4 1 Activation.Identity ], LossKind.Exponential, dataset 8 3 2 0 5
      "3-5-3 relu, hinge", spec "3-5-3" [ dense 3 5 Activation.Relu; dense 5 3 Activation.Identity ], LossKind.Hinge, dataset 9 3 3 0 6
      "3-4-4-3 tanh/sigmoid, no biases, cross-entropy", spec "3-4-4-3" [ denseNoBias 3 4 Activation.Tanh; denseNoBias 4 4 Activation.Sigmoid; denseNoBias 4 3 Activation.Identity ], LossKind.CrossEntropy, dataset 9 3 3 0 7
      "resmlp block + activation layer, cross-entropy", resmlp, LossKind.CrossEntropy, dataset 10 3 3 0 8
      "conv 5×5×2→3 (k3 s2 p1, tanh) + max-pool + flatten + dense, cross-entropy", smallCnn PoolKind.Max Activation.Tanh, LossKind.CrossEntropy, dataset 9 50 3 0 9
      "conv 5×5×2→3 (k3 s2 p1, sigmoid) + avg-pool + flatten + dense, squared", smallCnn PoolKind.Average Activation.Sigmoid, LossKind.Squared, dataset 8 50 3 0 10 ]

/// The torch case: fixed weights and data (see the snippet in the golden test).
let private torchModel () =
    let values =
        [| [| 0.5; -0.3; 0.8; -0.7; 0.2; 0.4; 0.1; 0.9; -0.6; 0.3; -0.5; -0.2 |]
           [| 0.1; -0.2; 0.3; -0.1 |]
           [| 0.6; -0.4; 0.2; 0.7; -0.3; 0.8; -0.5; 0.1; 0.4; 0.2; 0.9; -0.6 |]
           [| 0.05; -0.15; 0.1 |] |]
    let x = Matrix<float32>(5, 3, [| 0.5f; -1.0f; 0.25f; 1.5f; 0.75f; -0.5f; -0.25f; 0.5f; 1.0f; 0.125f; -0.75f; -1.25f; 1.0f; 1.0f; 0.5f |])
    Model<float>.FromValues(tinyTanh, reference, values), Dataset("torch", x, [| 0; 2; 1; 2; 0 |], null, 3)

[<Tests>]
let tests =
    testList "Numerics.Landscape.Hessian" [
        testList "H v by the R-operator = the dense Hessian by central differences of the exact gradient" [
            for name, s, loss, data in cases ->
                testCase name <| fun () ->
                    let model = randomModel s 11
                    let exact = (HessianVectorProduct.Create(model, data, loss)).Matrix()
                    let fd = finiteDifferenceHessian model data loss
                    let scale = max 1.0 (maxAbs fd)
                    Expect.isGreaterThan (maxAbs fd) 1e-3 "the Hessian is not trivially zero"
                    Expect.isLessThanOrEqual (maxDiff exact fd) (2e-7 * scale) (sprintf "max |H_R − H_fd| (max |H| = %g)" (maxAbs fd))
        ]

        testCase "each loss's ∇²_f ℓ · u (Loss.HessianTimes) = central differences of its gradient (Loss.Row)" <| fun () ->
            let rng = Random(17)
            for kind, k in [ LossKind.CrossEntropy, 4; LossKind.Squared, 3; LossKind.Squared, 1; LossKind.Hinge, 3; LossKind.Hinge, 1
                             LossKind.Logistic, 1; LossKind.Exponential, 1 ] do
                for y in 0 .. (if k = 1 then 1 else k - 1) do
                    let f = Array.init k (fun _ -> 2.0 * rng.NextDouble() - 1.0)
                    let u = Array.init k (fun _ -> 2.0 * rng.NextDouble() - 1.0)
                    let hu = Array.zeroCreate k
                    Loss.HessianTimes(kind, ReadOnlySpan f, y, ReadOnlySpan u, Span hu)
                    let h = 1e-5
                    let grad (t: float) =
                        let g = Array.zeroCreate k
                        Loss.Row(kind, ReadOnlySpan(Array.map2 (fun a b -> a + t * b) f u), y, ReadOnlySpan.Empty, Span g) |> ignore
                        g
                    let fd = Array.map2 (fun a b -> (a - b) / (2.0 * h)) (grad h) (grad -h)
                    for j in 0 .. k - 1 do
                        Expect.floatClose { absolute = 1e-8; relative = 1e-7 } hu[j] fd[j] (sprintf "%A, k = %d, y = %d, entry %d" kind k y j)

        testCase "torch.autograd.functional.hessian golden values (3-4-3 tanh, cross-entropy, 5 samples)" <| fun () ->
            // Computed independently with Debian's /usr/bin/python3 (torch 1.13, float64):
            //   W1 = [[0.5,-0.3,0.8],[-0.7,0.2,0.4],[0.1,0.9,-0.6],[0.3,-0.5,-0.2]]; b1 = [0.1,-0.2,0.3,-0.1]
            //   W2 = [[0.6,-0.4,0.2,0.7],[-0.3,0.8,-0.5,0.1],[0.4,0.2,0.9,-0.6]]; b2 = [0.05,-0.15,0.1]
            //   X = [[0.5,-1,0.25],[1.5,0.75,-0.5],[-0.25,0.5,1],[0.125,-0.75,-1.25],[1,1,0.5]]; y = [0,2,1,2,0]
            //   theta = cat(W1.flatten(), b1, W2.flatten(), b2)
            //   loss(t) = cross_entropy(tanh(X@W1ᵀ+b1)@W2ᵀ+b2, y)   (mean)
            //   H = torch.autograd.functional.hessian(loss, theta); v = [sin(i+1) for i in range(31)]
            //   print(loss(theta), (H@v).tolist(), trace(H), eigvalsh(H)[-1], eigvalsh(H)[-2])
            let expectedHv =
                [| 0.12243104994684088; -0.01345013614273175; -0.07165827869736159; 0.12704455574697554; 0.17244884379716865
                   0.45495856936662793; -0.04975296746378856; 0.3597845936368264; 0.5088653707912801; -0.10407814382380969
                   0.07360481686954085; 0.10518258399704315; -0.07715015498298669; 0.17686436797689645; 0.14511429823466837
                   -0.055032354357474354; -0.20706433387853782; 0.11772333872927149; -0.20591457468596336; 0.27943686993151495
                   -0.07032581169879246; 0.03988279644888251; -0.32330033935066455; 0.16529786215492195; 0.27739014557733016
                   -0.15760613517815408; 0.5292149140366279; -0.4447347320864368; -0.20295768269507009; -0.13829666471918198
                   0.34125434741425203 |]
            let model, data = torchModel ()
            let h = HessianVectorProduct.Create(model, data, LossKind.CrossEntropy, chunkRows = 2)
            let v = Array.init 31 (fun i -> sin (float (i + 1)))
            let hv = h.Apply(ReadOnlySpan v)
            for i in 0 .. 30 do
                Expect.floatClose { absolute = 1e-14; relative = 1e-12 } hv[i] expectedHv[i] (sprintf "(Hv)_%d" i)
            let g = Array.zeroCreate 31
            Expect.floatClose Accuracy.veryHigh (h.Gradient(Span g)) 1.0159749821463075 "the loss"
            let dense = h.Matrix()
            Expect.floatClose Accuracy.veryHigh (Seq.sum (seq { for i in 0 .. 30 -> dense[i, i] })) 2.0756612210178575 "tr H"
            let top = HessianEigenvalues.Top(h, 2, RngKey.FromSeed 3UL, 1e-10)
            Expect.isTrue top.Converged "Lanczos converged"
            Expect.floatClose { absolute = 1e-12; relative = 1e-10 } top.Values[0] 0.9810949225136961 "λ_1"
            Expect.floatClose { absolute = 1e-12; relative = 1e-10 } top.Values[1] 0.7113040953194639 "λ_2"

        testCase "symmetry ⟨u, Hv⟩ = ⟨v, Hu⟩ and linearity H(au + v) = aHu + Hv (resmlp)" <| fun () ->
            let _, s, loss, data = cases |> List.last
            let h = HessianVectorProduct.Create(randomModel s 5, data, loss)
            let u, v = vectorOf 1 h.Dimension, vectorOf 2 h.Dimension
            let hu, hv = h.Apply(ReadOnlySpan u), h.Apply(ReadOnlySpan v)
            Expect.floatClose { absolute = 1e-15; relative = 1e-12 } (dot u hv) (dot v hu) "⟨u,Hv⟩ = ⟨v,Hu⟩"
            let mix = h.Apply(ReadOnlySpan(Array.map2 (fun a b -> 2.5 * a + b) u v))
            for i in 0 .. h.Dimension - 1 do
                Expect.floatClose { absolute = 1e-14; relative = 1e-12 } mix[i] (2.5 * hu[i] + hv[i]) "linear"

        testCase "chunked = one chunk (to rounding); bit-identical for 1, 2 and 3 threads; a float32 model gives the same H v" <| fun () ->
            let s = spec "20-17-16-5" [ dense 20 17 Activation.Tanh; dense 17 16 Activation.Sigmoid; dense 16 5 Activation.Identity ]
            let data = dataset 53 20 5 0 9
            let model = randomModel s 3
            let v = vectorOf 4 (int model.ParameterCount)
            let hvp chunk threads = (HessianVectorProduct.Create(model, data, LossKind.CrossEntropy, chunkRows = chunk, threads = threads)).Apply(ReadOnlySpan v)
            let one = hvp 1000 1
            let chunked = hvp 7 1
            for i in 0 .. one.Length - 1 do
                Expect.floatClose { absolute = 1e-15; relative = 1e-12 } chunked[i] one[i] "chunks of 7 rows vs one chunk"
            Expect.sequenceEqual (hvp 7 2) chunked "2 threads bit-identical"
            Expect.sequenceEqual (hvp 7 3) chunked "3 threads bit-identical"
            // The same (float32-exact) parameters on the float32 CPU backend: the operator takes float64 copies.
            let rounded = model.Values() |> Array.map (Array.map (fun x -> float (float32 x)))
            let m64 = Model<float>.FromValues(s, reference, rounded)
            let m32 = Model<float32>.FromValues(s, CpuBackend(1), rounded |> Array.map (Array.map float32))
            let a = (HessianVectorProduct.Create(m64, data, LossKind.CrossEntropy)).Apply(ReadOnlySpan v)
            let b = (HessianVectorProduct.Create(m32, data, LossKind.CrossEntropy)).Apply(ReadOnlySpan v)
            Expect.sequenceEqual b a "float32 model = float64 model with the same values"

        testCase "a subsample: the operator over rows R equals the operator over the data set restricted to R" <| fun () ->
            let _, s, loss, data = cases[0]
            let model = randomModel s 2
            let rows = HessianVectorProduct.SampleRows(data.Count, 5, RngKey.FromSeed 7UL)
            Expect.equal rows.Length 5 "count"
            Expect.equal (Array.sort (Array.distinct rows)) rows "sorted and distinct"
            Expect.sequenceEqual (HessianVectorProduct.SampleRows(data.Count, 5, RngKey.FromSeed 7UL)) rows "seeded"
            let sub = Dataset("sub", Matrix<float32>(5, 3, [| for r in rows do yield! data.Inputs.Row(r).ToArray() |]), [| for r in rows -> data.Labels[r] |], null, 3)
            let v = vectorOf 3 (int model.ParameterCount)
            let a = (HessianVectorProduct.Create(model, data, loss, rows)).Apply(ReadOnlySpan v)
            let b = (HessianVectorProduct.Create(model, sub, loss)).Apply(ReadOnlySpan v)
            Expect.sequenceEqual a b "same samples, same order"

        testCase "Gradient() = the Objective's exact gradient" <| fun () ->
            let _, s, loss, data = cases |> List.last
            let model = randomModel s 8
            let h = HessianVectorProduct.Create(model, data, loss, chunkRows = 3)
            let g = Array.zeroCreate h.Dimension
            let l = h.Gradient(Span g)
            let objective = Objective<float>(model, reference.Upload data, loss)
            Expect.floatClose Accuracy.veryHigh l (objective.Full(1000, true)) "loss"
            let expected = model.FlatGradients()
            for i in 0 .. g.Length - 1 do
                Expect.floatClose { absolute = 1e-15; relative = 1e-12 } g[i] expected[i] "∂L/∂θ"

        testList "Lanczos top-k = the dense eigendecomposition (MathNet)" [
            for name, s, loss, data in [ cases[0]; cases[5]; cases |> List.last ] do
                yield testCase name <| fun () ->
                    let h = HessianVectorProduct.Create(randomModel s 4, data, loss)
                    // A single-vector Krylov space holds one copy of a repeated eigenvalue (the relu/hinge Hessian has
                    // exactly double ones: 0.777, 0.777, 0.656, 0.494, 0.494, …), so compare with the distinct values.
                    let exact =
                        eigenvaluesDescending (h.Matrix())
                        |> Array.fold (fun acc x -> match acc with
                                                    | prev :: _ when abs (prev - x) <= 1e-9 * (1.0 + abs x) -> acc
                                                    | _ -> x :: acc) []
                        |> List.rev |> Array.ofList
                    let r = HessianEigenvalues.Top(h, 3, RngKey.FromSeed 1UL, 1e-9)
                    Expect.isTrue r.Converged "converged"
                    for j in 0 .. 2 do
                        Expect.floatClose { absolute = 1e-8 * abs exact[0]; relative = 1e-7 } r.Values[j] exact[j] (sprintf "λ_%d" (j + 1))
                        Expect.isLessThanOrEqual (abs (r.Values[j] - exact[j])) (r.Residuals[j] + 1e-12) "within its residual"
            yield testCase "indefinite 80×80 with λ_min = −9 larger in magnitude than λ_max = 5: the algebraic top, early stop" <| fun () ->
                let n = 80
                let q = (MN.Build.Random(n, n, MathNet.Numerics.Distributions.Normal(0.0, 1.0, Random(5)))).QR().Q
                let spectrum = Array.init n (fun i -> if i = 0 then 5.0 elif i = 1 then 4.0 elif i = 2 then 3.5 elif i = n - 1 then -9.0 else -2.0 + 4.0 * float i / float n)
                let a = (q * MN.Build.DenseOfDiagonalArray spectrum * q.Transpose()).ToArray()
                let sym = Array2D.init n n (fun i j -> 0.5 * (a[i, j] + a[j, i]))
                let r = HessianEigenvalues.Top(DenseOperator sym, 3, RngKey.FromSeed 2UL, 1e-8, maxSteps = 80)
                Expect.isTrue r.Converged "converged"
                let exact = eigenvaluesDescending sym
                for j in 0 .. 2 do
                    Expect.floatClose { absolute = 1e-7; relative = 1e-7 } r.Values[j] exact[j] (sprintf "λ_%d" (j + 1))
                Expect.isLessThan r.Steps n (sprintf "stops on the Ritz residual (%d steps)" r.Steps)
            yield testCase "too few steps: not converged, honest residuals" <| fun () ->
                let n = 60
                let sym = Array2D.init n n (fun i j -> if i = j then float (i % 7) + 0.01 * float i else 0.0)
                let r = HessianEigenvalues.Top(DenseOperator sym, 1, RngKey.FromSeed 2UL, 1e-12, maxSteps = 4)
                Expect.isFalse r.Converged "4 steps are not enough"
                Expect.equal r.Steps 4 "steps"
                let top = Seq.max (seq { for i in 0 .. n - 1 -> sym[i, i] })
                Expect.isLessThanOrEqual r.Values[0] (top + 1e-12) "a Ritz value never exceeds λ_max"
        ]

        testCase "Hutchinson: within 4 standard errors of the dense trace; the standard error matches √(2Σ_{i≠j}H²_ij/M); seeded" <| fun () ->
            let _, s, loss, data = cases |> List.last
            let h = HessianVectorProduct.Create(randomModel s 6, data, loss)
            let dense = h.Matrix()
            let n = h.Dimension
            let trace = Seq.sum (seq { for i in 0 .. n - 1 -> dense[i, i] })
            let m = 400
            let est = HutchinsonTrace.Estimate(DenseOperator dense, m, RngKey.FromSeed 9UL)
            Expect.equal est.Probes m "probes"
            Expect.isLessThanOrEqual (abs (est.Mean - trace)) (4.0 * est.StandardError) (sprintf "%g ± %g vs tr H = %g" est.Mean est.StandardError trace)
            let offDiagonal = Seq.sum (seq { for i in 0 .. n - 1 do for j in 0 .. n - 1 do if i <> j then yield dense[i, j] ** 2.0 })
            let theory = sqrt (2.0 * offDiagonal / float m)
            Expect.isLessThan (abs (est.StandardError / theory - 1.0)) 0.25 (sprintf "SE %g vs theory %g" est.StandardError theory)
            let few = HutchinsonTrace.Estimate(h, 5, RngKey.FromSeed 9UL)
            let again = HutchinsonTrace.Estimate(h, 5, RngKey.FromSeed 9UL)
            Expect.equal few again "same key, same estimate"
            Expect.notEqual (HutchinsonTrace.Estimate(h, 5, RngKey.FromSeed 10UL)).Mean few.Mean "another key, other probes"
            // Rademacher probes of a diagonal matrix give its trace exactly, with zero spread.
            let diag = Array2D.init 33 33 (fun i j -> if i = j then float i - 3.0 else 0.0)
            let exact = HutchinsonTrace.Estimate(DenseOperator diag, 3, RngKey.FromSeed 1UL)
            Expect.equal exact.Mean (Seq.sum (seq { for i in 0 .. 32 -> float i - 3.0 })) "diagonal: exact"
            Expect.equal exact.StandardError 0.0 "diagonal: no spread"

        testCase "interpolation: the grid, the end points exactly, a middle point, parameters restored" <| fun () ->
            Expect.sequenceEqual (LossInterpolation.Grid 11) [| 0.0; 0.1; 0.2; 0.3; 0.4; 0.5; 0.6; 0.7; 0.8; 0.9; 1.0 |] "0 … 1, 11 points (i/10, correctly rounded)"
            Expect.sequenceEqual (LossInterpolation.Grid(7, -0.25, 1.25)) [| -0.25; 0.0; 0.25; 0.5; 0.75; 1.0; 1.25 |] "extended"
            let _, s, loss, data = cases[0]
            let a, b = randomModel s 1, randomModel s 2
            let objective = Objective<float>(a.Clone(), reference.Upload data, loss)
            let before = objective.Model.FlatValues()
            let lossAt (m: Model<float>) = Objective<float>(m, reference.Upload data, loss).Full(1000, false)
            let points = LossInterpolation.Line(objective, ReadOnlySpan(a.FlatValues()), ReadOnlySpan(b.FlatValues()), [| 0.0; 0.3; 1.0 |])
            Expect.equal points.Count 3 "three points"
            Expect.equal points[0].Loss (lossAt a) "t = 0 is θ_a"
            Expect.equal points[2].Loss (lossAt b) "t = 1 is θ_b"
            let mid = a.Clone()
            mid.SetFlatValues(ReadOnlySpan(Array.map2 (fun x y -> 0.7 * x + 0.3 * y) (a.FlatValues()) (b.FlatValues())))
            Expect.floatClose Accuracy.veryHigh points[1].Loss (lossAt mid) "t = 0.3"
            Expect.sequenceEqual (objective.Model.FlatValues()) before "restored"

        testCase "bad arguments name the argument" <| fun () ->
            let _, s, loss, data = cases[0]
            let model = randomModel s 1
            let h = HessianVectorProduct.Create(model, data, loss)
            let throwsNaming (name: string) (f: unit -> unit) =
                let e = Expect.throwsC f id
                Expect.isTrue (e :? ArgumentException) (sprintf "an ArgumentException, got %s" (e.GetType().Name))
                Expect.equal (e :?> ArgumentException).ParamName name "names it"
            throwsNaming "v" (fun () -> h.Apply(ReadOnlySpan(Array.zeroCreate 3)) |> ignore)
            throwsNaming "k" (fun () -> HessianEigenvalues.Top(h, 0, RngKey.FromSeed 1UL) |> ignore)
            throwsNaming "probes" (fun () -> HutchinsonTrace.Estimate(h, 1, RngKey.FromSeed 1UL) |> ignore)
            throwsNaming "rows" (fun () -> HessianVectorProduct.Create(model, data, loss, [| 0; 99 |]) |> ignore)
            throwsNaming "count" (fun () -> HessianVectorProduct.SampleRows(9, 10, RngKey.FromSeed 1UL) |> ignore)
            throwsNaming "outputDim" (fun () -> HessianVectorProduct.Create(model, data, LossKind.Logistic) |> ignore)
            throwsNaming "points" (fun () -> LossInterpolation.Grid 1 |> ignore)
    ]
