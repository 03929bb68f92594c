module BoundLab.Numerics.Tests.Measurements.SharpnessTests

open Expecto
open BoundLab.Numerics
open BoundLab.Numerics.Backends
open BoundLab.Numerics.Data
open BoundLab.Numerics.Measurements
open BoundLab.Numerics.Losses
open BoundLab.Numerics.Models
open BoundLab.Numerics.Optimizers
open BoundLab.Numerics.Training
open BoundLab.Numerics.Random
open BoundLab.Numerics.Tensors
open BoundLab.Numerics.Tests.TestUtil

/// A linear classifier 2 → 2 (one dense layer with bias): f(x) = W x + b.
let private linear () =
    let w = Matrix<float32>(2, 2, [| 1.0f; -0.5f; 0.25f; 0.75f |])
    Model<float32>.FromDense(MlpSpec.Parse "2-2", CpuBackend(1), [| w |], [| [| 0.1f; -0.2f |] |])

/// Three points, all classified correctly by linear () (margins 0.425, 1.325, 0.775).
let private three =
    Dataset("three", Matrix<float32>(3, 2, [| 1.0f; 0.5f; -0.5f; 1.0f; 0.3f; -0.2f |]), [| 0; 1; 0 |], null, 2)

let private trainedMlp () =
    // 600 blobs in 20 dimensions, 4 classes, and a 20-16-4 net trained 2 epochs by SGD: a low error with room to rise.
    let data = blobs 3UL 600 20 4
    let config = TrainConfig(ModelSpec.FromMlp(MlpSpec.Parse "20-16-4"), LossKind.CrossEntropy, SgdOptions(0.9, 0.0),
                             Schedule(ScheduleKind.Constant, 0.05), 32, 2, 4UL, Threads = 1)
    Trainer(config, DataSplit(data, data)).Run().Model, data

[<Tests>]
let tests =
    testList "Numerics.Measurements.Sharpness" [
        testCase "bisection on increase(σ) = σ: the hand-run sequence 1, 0.5, 0.25, 0.125, 0.0625, 0.09375 stops within the tolerance" <| fun () ->
            // Target 0.1, tolerance 0.01, bracket [0, 2]: midpoints 1 (>), 0.5 (>), 0.25 (>), 0.125 (|0.025| ≥ 0.01, >),
            // 0.0625 (<), 0.09375 (|−0.00625| < 0.01: stop).
            let seen = ResizeArray()
            let r = Sharpness.Bisect((fun s -> s), SharpnessOptions(), fun i s v -> seen.Add((i, s, v)))
            Expect.equal [ for (_, s, _) in seen -> s ] [ 1.0; 0.5; 0.25; 0.125; 0.0625; 0.09375 ] "midpoints"
            Expect.equal r.Sigma 0.09375 "σ"
            Expect.equal r.Evaluations 6 "evaluations"
            Expect.isTrue r.Converged "stopped by the tolerance"
            Expect.equal r.Bracket (struct (0.0625, 0.125)) "bracket at the stop"
            Expect.isFalse r.UpperReached "the error rose above the target"

        testCase "bisection with tolerance 0 converges to the root of σ² = 0.1 to the bracket width 2/2⁵⁰" <| fun () ->
            let o = SharpnessOptions(Depth = 50, Tolerance = 0.0)
            let r = Sharpness.Bisect((fun s -> s * s), o)
            Expect.isFalse r.Converged "ran to the depth"
            Expect.isLessThanOrEqual (abs (r.Sigma - sqrt 0.1)) (2.0 / 2.0 ** 50.0) "σ = √0.1 = 0.31622776601683794 (python: math.sqrt(0.1))"
            let struct (lo, hi) = r.Bracket
            Expect.isTrue (lo <= sqrt 0.1 && sqrt 0.1 <= hi) "bracket holds the root"

        testCase "a flat oracle reaches the bracket's upper end and says so" <| fun () ->
            let r = Sharpness.Bisect((fun _ -> 0.0), SharpnessOptions(Depth = 20))
            Expect.isTrue r.UpperReached "never above the target"
            Expect.isGreaterThan r.Sigma (2.0 - 4.0 / 2.0 ** 20.0) "σ → 2"

        testCase "Monte-Carlo error of the perturbed linear net matches the closed form mean Φ(−d_i/s_i), both perturbations" <| fun () ->
            // Margin d_i of example i under w + u is Gaussian: isotropic var σ²(2‖x_i‖² + 2); magnitude-aware
            // var Σ_k x_k² (s²_{y,k} + s²_{o,k}) + s²_{b,y} + s²_{b,o}, s² = σ′²w² + ε². Golden values (mpmath, 50 digits):
            //   from mpmath import mp, ncdf, sqrt; mp.dps = 50
            //   W=[[1,-0.5],[0.25,0.75]]; b=[0.1,-0.2]; X=[((1,0.5),0),((-0.5,1),1),((0.3,-0.2),0)]
            //   def p(sig, mag=False, eps=0.05):
            //     tot=0
            //     for x,y in X:
            //       o=1-y; d=sum((W[y][k]-W[o][k])*x[k] for k in range(2))+b[y]-b[o]
            //       s2=lambda w: sig**2*w**2+eps**2
            //       var=(sum(x[k]**2*(s2(W[y][k])+s2(W[o][k])) for k in range(2))+s2(b[y])+s2(b[o])) if mag else sig**2*(2*sum(v*v for v in x)+2)
            //       tot+=ncdf(-d/sqrt(var))
            //     return tot/3
            //   p(0.5) = 0.20045821920504780338…, p(0.4, True) = 0.06154785544561792285…
            // Passing σ² (or σ′²w² + ε²) as the standard deviation, as torch.normal in the reference code does, would give
            // 0.0791 and 0.0022: the tolerance (0.015 ≈ 4 standard errors of a mean of 20,000 draws of a [0, 1] variable) separates them.
            let net = linear ()
            let iso = Sharpness.PerturbedError(net, three, PerturbationKind.Isotropic, 0.5, 0.0, 20000, 7UL)
            Expect.floatClose { absolute = 0.015; relative = 0.0 } iso 0.2004582192050478 "isotropic σ = 0.5"
            let mag = Sharpness.PerturbedError(net, three, PerturbationKind.MagnitudeAware, 0.4, 0.05, 20000, 7UL)
            Expect.floatClose { absolute = 0.015; relative = 0.0 } mag 0.06154785544561792 "magnitude-aware σ′ = 0.4, ε = 0.05"
            Expect.equal (Sharpness.PerturbedError(net, three, PerturbationKind.Isotropic, 0.0, 0.0, 3, 7UL)) 0.0 "σ = 0: the unperturbed error"

        testCase "the search is reproducible and bit-identical for 1 and 2 threads" <| fun () ->
            let net, data = trainedMlp ()
            let o = SharpnessOptions(Draws = 4, Subsample = 400, Depth = 8, Seed = 11UL)
            let a = Sharpness.Compute(net, data, o, 1)
            let b = Sharpness.Compute(net, data, o, 2)
            let c = Sharpness.Compute(net, data, o, 1)
            Expect.equal b a "1 vs 2 threads"
            Expect.equal c a "same seed, same result"
            Expect.equal a.SubsampleSize 400 "subsample"
            Expect.isGreaterThan a.Isotropic.Evaluations 0 "searched"
            let d = Sharpness.Compute(net, data, SharpnessOptions(Draws = 4, Subsample = 400, Depth = 8, Seed = 12UL), 1)
            Expect.notEqual d a "another seed draws other perturbations"

        testCase "the error increase found brackets the target: below at lo, above at hi (common random numbers)" <| fun () ->
            let net, data = trainedMlp ()
            let o = SharpnessOptions(Draws = 4, Subsample = 300, Depth = 12, Tolerance = 0.0, Seed = 5UL)
            let r = Sharpness.Compute(net, data, o, 1)
            let sample = Sharpness.Subsample(data, 300, 5UL)
            let inc s = Sharpness.PerturbedError(net, sample, PerturbationKind.Isotropic, s, 0.0, 4, 5UL) - r.BaseError
            let struct (lo, hi) = r.Isotropic.Bracket
            Expect.isLessThanOrEqual (inc lo) 0.1 "at lo the error rose by ≤ the target (lo = 0 counts trivially)"
            Expect.isGreaterThan (inc hi) 0.1 "at hi by more"
            Expect.isFalse r.Isotropic.UpperReached "the error does rise"

        testCase "bad options name the option, the value and what is allowed" <| fun () ->
            for o, name in [ SharpnessOptions(Target = 0.0), "--sharpness-target"; SharpnessOptions(Draws = 0), "--sharpness-draws"
                             SharpnessOptions(Upper = 0.0), "--sharpness-upper"; SharpnessOptions(Tolerance = 0.2), "--sharpness-tolerance"
                             SharpnessOptions(Depth = 0), "--sharpness-depth" ] do
                let e = thrown (fun () -> o.Validate())
                Expect.stringContains e.Message name "names the option"
                Expect.stringContains e.Message "allowed" "says what is allowed"
    ]
