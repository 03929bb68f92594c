/// The parts of posterior training against independent values: the certified KL (mpmath, Monte-Carlo), each objective's
/// value (mpmath), the bounded cross-entropy and its gradient (torch), the optimizers' steps (torch / mpmath), the
/// sampling formula, the posterior's validation and the options' errors.
module BoundLab.Numerics.Tests.Stochastic.PosteriorPartsTests

open System
open Expecto
open BoundLab.Numerics
open BoundLab.Numerics.Kernels
open BoundLab.Numerics.Models
open BoundLab.Numerics.Random
open BoundLab.Numerics.Stochastic
open BoundLab.Numerics.Tests.TestUtil

// python3 (mpmath, 50 digits), the exact KL of the float32 values below:
//   import struct; from mpmath import mp, mpf, log; mp.dps = 50
//   f32 = lambda x: struct.unpack('f', struct.pack('f', x))[0]
//   mu = [f32(v) for v in [0.5, -1.25, 0.03, 2.0, 0.0]]; sig = [f32(v) for v in [0.03, 0.5, 1.5, 0.001, 0.1]]
//   c = [f32(v) for v in [0.1, -1.0, 0.0, 1.75, 0.2]]
//   for lam in [0.0009, 0.0024787521766663585]:   # 0.03², e^-6 (correctly rounded)
//       L = mpf(lam); print(sum(((mpf(s)**2 + (mpf(m) - mpf(cc))**2)/L - 1 - log(mpf(s)**2/L)) for m, s, cc in zip(mu, sig, c))/2)
//   → 1568.97234649157452333581390912, 567.728182750096839166580431879
let private klMu = [| [| 0.5f; -1.25f |]; [| 0.03f; 2.0f; 0.0f |] |]
let private klSigma = [| [| 0.03f; 0.5f |]; [| 1.5f; 0.001f; 0.1f |] |]
let private klCenter = [| [| 0.1f; -1.0f |]; [| 0.0f; 1.75f; 0.2f |] |]

/// A 1-2-1 model without bias... has 2 + 2 = 4 parameters; a 1-1-1 with bias has W1, b1, W2, b2 = 4 tensors.
let private spec121 = ModelSpec.FromMlp(MlpSpec.Parse "1-2-1")

let private options' (o: PosteriorTrainingOptions) (f: obj[] -> unit) =
    let a : obj[] = [| o.Method; o.Epochs; o.BatchSize; o.LearningRate; o.Momentum; o.DropEpoch; o.DropFactor; o.PriorVariance; o.Delta; o.PMin; o.KlPenalty; o.InitialLambda |]
    f a
    PosteriorTrainingOptions(unbox a[0], unbox a[1], unbox a[2], unbox a[3], unbox a[4], (match a[5] with null -> Nullable() | v -> Nullable(unbox<int> v)),
                             unbox a[6], unbox a[7], unbox a[8], unbox a[9], unbox a[10], unbox a[11])

[<Tests>]
let tests =
    testList "Numerics.Stochastic.Parts" [
        testList "certified KL" [
            for (lambda, exact) in [ 0.0009, 1568.97234649157452333581390912; 0.0024787521766663585, 567.728182750096839166580431879 ] do
                testCase $"λ = {lambda}: never below the 50-digit value, within 1e-12 relative" <| fun () ->
                    let kl = PosteriorKl.CertifiedCore(klMu, klSigma, klCenter, lambda)
                    // exact is the double nearest the 50-digit value; its own rounding is ≤ ½ ulp, far inside 1e-12.
                    Expect.isGreaterThanOrEqual kl (exact * (1.0 + 2e-16)) "rounded up"
                    Expect.isLessThan ((kl - exact) / exact) 1e-12 "tight"

            testCase "posterior = prior: KL 0 exactly, certified ≥ 0 and tiny" <| fun () ->
                let m = [| [| 0.5f; -0.25f; 3.0f |] |]
                let kl = PosteriorKl.CertifiedCore(m, [| [| 0.5f; 0.5f; 0.5f |] |], m, 0.25)
                Expect.isGreaterThanOrEqual kl 0.0 "≥ 0"
                // The allowance: ½·64u·Σ(|a| + 1 + |ln b|) = ½·64·2⁻⁵³·6 ≈ 2.1e-14.
                Expect.isLessThan kl 3e-14 "≈ 0"

            testCase "the public path uses the posterior's float32 σ" <| fun () ->
                let mu = [| [| 0.5f; -1.25f |]; [| 0.03f; 2.0f |] |]
                let rho = [| [| -3.5f; -0.7f |]; [| 0.4f; -6.9f |] |]
                let spec = ModelSpec.FromMlp(MlpSpec.Parse("1-2", bias = true)) // W1 (2×1), b1 (2)
                for p in [ SigmaParameterization.Exp; SigmaParameterization.Softplus ] do
                    let q = GaussianPosterior.FromRho(spec, mu, rho, p)
                    let center = [| [| 0.1f; -1.0f |]; [| 0.0f; 1.75f |] |]
                    Expect.equal (PosteriorKl.Certified(q, center, 0.01)) (PosteriorKl.CertifiedCore(mu, q.Std(), center, 0.01)) $"{p}"

            testCase "closed form vs a Monte-Carlo estimate of E_Q[ln q(w) − ln p(w)] (200 000 draws, 5 standard errors)" <| fun () ->
                let mu = [| 0.3f; -0.8f; 1.1f; 0.0f; 0.5f |]
                let sigma = [| 0.4f; 1.2f; 0.7f; 0.9f; 0.25f |]
                let center = [| 0.0f; -0.5f; 0.6f; 0.4f; 0.5f |]
                let lambda = 0.6
                let kl = PosteriorKl.CertifiedCore([| mu |], [| sigma |], [| center |], lambda)
                let s = (RngKey.FromSeed 77UL).Stream()
                let m = 200000
                let mutable sum = 0.0
                let mutable sumSq = 0.0
                for _ in 1 .. m do
                    let mutable v = 0.0
                    for i in 0 .. mu.Length - 1 do
                        let xi = s.NextGaussian()
                        let w = float mu[i] + float sigma[i] * xi
                        // ln q − ln p per coordinate: −ln σ − ξ²/2 + ½ ln λ + (w − μ₀)²/(2λ).
                        v <- v - log (float sigma[i]) - xi * xi / 2.0 + 0.5 * log lambda + (w - float center[i]) ** 2.0 / (2.0 * lambda)
                    sum <- sum + v
                    sumSq <- sumSq + v * v
                let mean = sum / float m
                let se = sqrt ((sumSq / float m - mean * mean) / float m)
                Expect.isLessThan (abs (mean - kl)) (5.0 * se) $"closed form {kl}, Monte-Carlo {mean} ± {se}"
                Expect.isLessThan se (0.02 * kl) "the estimate is sharp enough to mean something"

            testCase "bad prior: wrong layout and non-positive variance are named" <| fun () ->
                let q = GaussianPosterior.FromStd(spec121, [| [| 1.0f; 2.0f |]; [| 0.0f; 0.0f |]; [| 1.0f; 1.0f |]; [| 0.0f |] |],
                                                  [| [| 0.1f; 0.1f |]; [| 0.1f; 0.1f |]; [| 0.1f; 0.1f |]; [| 0.1f |] |], SigmaParameterization.Exp)
                let e = thrown (fun () -> PosteriorKl.Certified(q, [| [| 1.0f |] |], 0.1) |> ignore)
                Expect.stringContains e.Message "priorCenter has 1 tensors" "layout"
                let e = thrown (fun () -> PosteriorKl.Certified(q, q.Mean, 0.0) |> ignore)
                Expect.stringContains e.Message "priorVariance" "variance"
        ]

        testList "objective values vs mpmath" [
            // KlStats S = 12.5, Σ ln σ² = −20, P = 5; python3 (mpmath, 50 digits):
            //   kl = lambda lam: (S/lam - P - LV + P*log(lam))/2
            //   DR17 s = −3, n = 55000, δ = 0.05, L̂ = 0.3: lam = exp(2s);
            //     B = kl(lam) + log(pi**2*n/(6*d)) + 2*log(100) + 2*log(max(log(mpf('0.1')) - 2*s, mpf('0.01'))); L + sqrt(B/(2*(n-1)))
            //   PBB n = 30000, δ = 0.025, λ₀ = 0.0009, kl_penalty 0.1, L̂ = 0.2, θ = 6: K = pen*kl(lam) + log(2*sqrt(n)/d); r = K/(2n)
            //     quad (sqrt(L + r) + sqrt(r))**2; classic L + sqrt(r); m = 1/sqrt(n); la = sigmoid(θ)(1 - m) + m; lambda L/(1-la/2) + K/(n la (1-la/2))
            let stats = KlStats(12.5, -20.0, 5L)
            testCase "dr17" <| fun () ->
                let v = Dr17Objective(55000, 0.05).Evaluate(0.3, stats, ReadOnlySpan<float>([| -3.0 |]), Span<float>(Array.zeroCreate 1))
                Expect.floatClose Accuracy.veryHigh v.Value 0.451963221453162575753138 "F"
                Expect.floatClose Accuracy.veryHigh v.Kl 2513.92995932959451630242 "KL"
                Expect.floatClose Accuracy.veryHigh v.PriorVariance (exp -6.0) "λ = e^{2s}"
            for (method, expected) in [ PacBayesMethod.PbbQuad, 0.3230424368770750828460315
                                        PacBayesMethod.PbbClassic, 0.3082418332916915323861809
                                        PacBayesMethod.PbbLambda, 0.4458845336041106551302398 ] do
                testCase $"{PacBayesMethods.Name method}" <| fun () ->
                    let o = PbbObjective(method, 30000, 0.025, 0.1, 0.0009)
                    let v = o.Evaluate(0.2, stats, ReadOnlySpan<float>([| 6.0 |]), Span<float>(Array.zeroCreate 1))
                    Expect.floatClose Accuracy.veryHigh v.Value expected "F"
                    Expect.floatClose Accuracy.veryHigh v.Kl 6934.411654957844536061241 "KL (unpenalized)"
                    if method = PacBayesMethod.PbbLambda then
                        Expect.floatClose Accuracy.veryHigh (o.Lambda 6.0) 0.9975416525398161015574695 "λ(θ)"
        ]

        testCase "bounded cross-entropy and its gradient match torch (float64; row 2 is clamped)" <| fun () ->
            // /usr/bin/python3 (torch 1.13):
            //   f = torch.tensor([[0.5, -1.0, 2.0, 0.1], [20.0, 0.0, 0.0, 0.0], [-0.3, 0.7, 0.2, -2.5]], dtype=torch.float64, requires_grad=True)
            //   y = torch.tensor([2, 1, 0]); out = torch.clamp(F.log_softmax(f, dim=1), np.log(1e-5))
            //   loss = F.nll_loss(out, y) / np.log(1/1e-5); loss.backward(); print(loss.item(), f.grad)
            let f = [| 0.5; -1.0; 2.0; 0.1; 20.0; 0.0; 0.0; 0.0; -0.3; 0.7; 0.2; -2.5 |]
            let g = Array.zeroCreate<float> 12
            let loss = BoundedCrossEntropy<float>(1e-5).Evaluate(ReadOnlySpan f, ReadOnlySpan [| 2; 1; 0 |], 3, 4, Span g)
            Expect.floatClose Accuracy.veryHigh loss 0.39277697480659424 "loss"
            let torchGrad = [| 0.004541542420389546; 0.0010133550875824071; -0.00859918443228028; 0.0030442869243083297; 0.0; 0.0; 0.0; 0.0
                               -0.023667461720382647; 0.014367488770243471; 0.008714322442229624; 0.0005856505079095503 |]
            for i in 0 .. 11 do
                Expect.floatClose Accuracy.veryHigh g.[i] torchGrad.[i] $"∂/∂f[{i}]"

        testList "optimizers" [
            testCase "TF1 RMSprop: two steps from ms = 1 match mpmath; vector and scalar lanes agree" <| fun () ->
                // mpmath: w = 1; ms = 1; for g in [0.5, -2]: ms = ms + (g*g - ms)*0.1; w = w - 0.001*g/sqrt(ms + 1e-10)
                //   → w = 1.0012816341514891614, ms = 1.2325
                let n = 11
                let w = Array.create n 1.0
                let o = TfRmsProp<float>([| w |], 1)
                let scalars = [| 1.0 |]
                for g in [ 0.5; -2.0 ] do
                    o.Step([| w |], [| Array.create n g |], scalars, ReadOnlySpan [| g |], 0.001)
                for i in 0 .. n - 1 do
                    Expect.floatClose Accuracy.veryHigh w.[i] 1.0012816341514891614 $"w[{i}]"
                    Expect.floatClose Accuracy.veryHigh o.Slots.[0].[i] 1.2325 $"ms[{i}]"
                Expect.floatClose Accuracy.veryHigh scalars.[0] 1.0012816341514891614 "scalar"
                o.Reset()
                Expect.isTrue (o.Slots[0] |> Array.forall ((=) 1.0) && o.ScalarSlots[0] = 1.0) "reset to 1"
            testCase "torch SGD with momentum: two steps match torch.optim.SGD" <| fun () ->
                // torch: w = [1, -2], SGD(lr=0.1, momentum=0.9), grads [0.5, -1] then [0.25, 2] → [0.88, -2.01]
                let w = Array.init 10 (fun i -> if i % 2 = 0 then 1.0 else -2.0)
                let o = TorchSgdMomentum<float>([| w |], 0, 0.9)
                for g in [ [| 0.5; -1.0 |]; [| 0.25; 2.0 |] ] do
                    o.Step([| w |], [| Array.init 10 (fun i -> g[i % 2]) |], [||], ReadOnlySpan [||], 0.1)
                for i in 0 .. 9 do
                    Expect.floatClose Accuracy.veryHigh w.[i] (if i % 2 = 0 then 0.88 else -2.01) $"w[{i}]"
        ]

        testCase "the step's w = fma(σ, ξ, μ) is bit-identical to GaussianNoise.Sample" <| fun () ->
            let n = 1000
            let s = (RngKey.FromSeed 12UL).Stream()
            let mu = Array.init n (fun _ -> float32 (s.NextGaussian()))
            let sigma = Array.init n (fun _ -> float32 (0.1 + abs (s.NextGaussian())))
            let key = NoiseKey(RngKey.FromSeed 13UL, 7UL, 2u)
            let expected = Array.zeroCreate<float32> n
            GaussianNoise.Sample(key, mu, sigma, expected, 1)
            let xi = Array.zeroCreate<float32> n
            GaussianNoise.Fill(key, xi, 2)
            let w = Array.zeroCreate<float32> n
            System.Numerics.Tensors.TensorPrimitives.FusedMultiplyAdd(ReadOnlySpan sigma, ReadOnlySpan xi, ReadOnlySpan mu, Span w)
            Expect.sequenceEqual w expected "same bits"

        testList "posterior" [
            testCase "σ round trip and the parameterizations' formulas" <| fun () ->
                let spec = ModelSpec.FromMlp(MlpSpec.Parse("1-3", bias = false))
                let std = [| [| 0.03f; 1.0f; 5.0f |] |]
                for p in [ SigmaParameterization.Exp; SigmaParameterization.Softplus ] do
                    let q = GaussianPosterior.FromStd(spec, [| [| 0.0f; 1.0f; 2.0f |] |], std, p)
                    for i in 0 .. 2 do
                        let r = float q.Rho.[0].[i]
                        let expected = if p = SigmaParameterization.Exp then exp r else log (1.0 + exp r)
                        Expect.floatClose Accuracy.medium (float (q.Std()).[0].[i]) expected $"{p} σ(ρ)"
                        Expect.floatClose Accuracy.medium (float (q.Std()).[0].[i]) (float std.[0].[i]) $"{p} round trip"
                    Expect.equal q.Count 3L "P"
            testCase "softplus σ is within 4 float32 ulps of the float64 ln(1 + e^ρ) for ρ in [−40, 40]" <| fun () ->
                let rho = Array.init 8001 (fun i -> float32 (-40.0 + 0.01 * float i))
                let sigma = Array.zeroCreate<float32> rho.Length
                SigmaMap.Sigma<float32>(SigmaParameterization.Softplus, ReadOnlySpan rho, Span sigma)
                for i in 0 .. rho.Length - 1 do
                    let r = float rho.[i]
                    // log1p in float64: the series below 1e-5 (error < x⁴/4), else ln(1 + x) (relative error < 1e-11).
                    let log1p x = if x < 1e-5 then x - x * x / 2.0 + x * x * x / 3.0 else Math.Log(1.0 + x)
                    let exact = max r 0.0 + log1p (Math.Exp(-(abs r)))
                    let rel = abs (float sigma.[i] - exact) / exact
                    Expect.isLessThan rel (4.0 * 5.96e-8) $"ρ = {r}: σ = {sigma.[i]} vs {exact}"
            testCase "softplus does not overflow for large ρ" <| fun () ->
                let spec = ModelSpec.FromMlp(MlpSpec.Parse("1-2", bias = false))
                let q = GaussianPosterior.FromRho(spec, [| [| 0.0f; 0.0f |] |], [| [| 100.0f; -20.0f |] |], SigmaParameterization.Softplus)
                Expect.equal (q.Std()).[0].[0] 100.0f "σ = ρ for large ρ"
                Expect.floatClose Accuracy.medium (float (q.Std()).[0].[1]) (exp -20.0) "σ ≈ e^ρ for very negative ρ"
            testCase "bad shapes, non-finite values and σ ≤ 0 are named" <| fun () ->
                let spec = ModelSpec.FromMlp(MlpSpec.Parse("1-2", bias = true))
                let ok = [| [| 0.0f; 0.0f |]; [| 0.0f; 0.0f |] |]
                let msg f = (thrown f).Message
                Expect.stringContains (msg (fun () -> GaussianPosterior.FromStd(spec, [| [| 0.0f |] |], ok, SigmaParameterization.Exp) |> ignore)) "mean has 1 tensors; the model 1-2 has 2 (W1, b1)" "count"
                Expect.stringContains (msg (fun () -> GaussianPosterior.FromStd(spec, [| [| 0.0f |]; [| 0.0f; 0.0f |] |], ok, SigmaParameterization.Exp) |> ignore)) "mean[0] (W1) has 1 values; the model 1-2 needs 2" "length"
                Expect.stringContains (msg (fun () -> GaussianPosterior.FromStd(spec, ok, [| [| 0.1f; 0.0f |]; [| 0.1f; 0.1f |] |], SigmaParameterization.Exp) |> ignore)) "σ of W1[1] is 0; allowed: a finite σ > 0" "σ = 0"
                Expect.stringContains (msg (fun () -> GaussianPosterior.FromRho(spec, [| [| nanf; 0.0f |]; [| 0.0f; 0.0f |] |], ok, SigmaParameterization.Exp) |> ignore)) "mean of W1[0] is NaN" "NaN"
                Expect.stringContains (msg (fun () -> GaussianPosterior.FromRho(spec, ok, [| [| -200.0f; 0.0f |]; [| 0.0f; 0.0f |] |], SigmaParameterization.Exp) |> ignore)) "ρ of W1[0] is -200" "σ underflows"
            testCase "DR17 init: σ = 2|w|, floored at 1e-6 for w = 0; PBB init: σ = σ₀ at the prior centre" <| fun () ->
                let spec = ModelSpec.FromMlp(MlpSpec.Parse("1-2", bias = true))
                let q = PosteriorInitialization.Dr17(spec, [| [| 0.5f; -0.25f |]; [| 0.0f; 1e-3f |] |])
                let std = q.Std()
                Expect.floatClose Accuracy.medium (float std.[0].[0]) 1.0 "2|0.5|"
                Expect.floatClose Accuracy.medium (float std.[0].[1]) 0.5 "2|−0.25|"
                Expect.floatClose Accuracy.medium (float std.[1].[0]) 1e-6 "floor"
                Expect.equal q.Parameterization SigmaParameterization.Exp "e^ρ"
                let p = PosteriorInitialization.AtPrior(spec, q.Mean, 0.03)
                Expect.equal p.Parameterization SigmaParameterization.Softplus "softplus"
                Expect.isTrue (p.Std() |> Array.forall (Array.forall (fun s -> abs (float s - 0.03) < 1e-8))) "σ₀ everywhere"
                Expect.sequenceEqual p.Mean.[1] q.Mean.[1] "μ = centre"
        ]

        testList "options" [
            testCase "published settings" <| fun () ->
                let d = PosteriorTrainingOptions.For(PacBayesMethod.Dr17, 1000)
                Expect.equal (d.BatchSize, d.LearningRate, d.DropEpoch, d.DropFactor, d.Delta) (100, 0.001, Nullable 250, 0.1, 0.05) "DR17"
                Expect.floatClose Accuracy.veryHigh d.PriorVariance (exp -6.0) "λ₀ = e^{2·(−3)}"
                let p = PosteriorTrainingOptions.For(PacBayesMethod.PbbQuad, 100)
                Expect.equal (p.BatchSize, p.LearningRate, p.Momentum, p.DropEpoch, p.Delta, p.PMin, p.KlPenalty, p.InitialLambda)
                             (250, 0.001, 0.95, Nullable(), 0.025, 1e-5, 1.0, 6.0) "PBB"
                Expect.floatClose Accuracy.veryHigh p.PriorVariance 0.0009 "σ₀ = 0.03"
                Expect.contains (d.Describe()) ("--optimizer", "rmsprop") "describe"
                Expect.contains (p.Describe()) ("--momentum", "0.95") "describe"
            let base' = PosteriorTrainingOptions.For(PacBayesMethod.PbbLambda, 10)
            for (field, value, expected) in
                [ 1, box 0, "--epochs 0 is out of range; allowed: an integer ≥ 1"
                  2, box -5, "--batch -5 is out of range"
                  3, box nan, "--lr NaN is out of range"
                  4, box 1.0, "--momentum 1 is out of range; allowed: 0 ≤ momentum < 1"
                  7, box -1.0, "--prior-std NaN is out of range"
                  7, box 0.0, "--prior-std 0 is out of range"
                  8, box 1.5, "--delta 1.5 is out of range; allowed: 0 < δ < 1"
                  9, box 0.0, "--pmin 0 is out of range; allowed: 0 < p_min < 1"
                  10, box -0.1, "--kl-penalty -0.1 is out of range"
                  5, box -2, "--drop-epoch -2 is out of range"
                  6, box 0.0, "--drop-factor 0 is out of range" ] do
                testCase $"{expected}" <| fun () ->
                    let o = options' base' (fun a -> a[field] <- value)
                    let e = thrown (fun () -> o.Validate())
                    Expect.stringContains e.Message expected "message"
            testCase "method names parse and the bad one is named" <| fun () ->
                for m in PacBayesMethods.All do
                    Expect.equal (PacBayesMethods.Parse(PacBayesMethods.Name m)) m "round trip"
                let e = thrown (fun () -> PacBayesMethods.Parse "pbb" |> ignore)
                Expect.stringContains e.Message "--method 'pbb' is not a method; allowed: dr17, pbb-quad, pbb-lambda, pbb-classic" "message"
        ]
    ]
