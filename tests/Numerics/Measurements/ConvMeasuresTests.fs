/// The operator norm of a convolution (power iteration through the convolution and its adjoint, float64) against
/// MathNet's SVD of the unrolled dense matrix, the convolution map against the model's own Conv2d layer (im2col + GEMM on
/// the float64 reference backend), and the per-layer measures of a LeNet against direct computations.
module BoundLab.Numerics.Tests.Measurements.ConvMeasuresTests

open System
open Expecto
open BoundLab.Numerics
open BoundLab.Numerics.Backends
open BoundLab.Numerics.Measurements
open BoundLab.Numerics.Models
open BoundLab.Numerics.Models.Layers
open BoundLab.Numerics.Random
open BoundLab.Numerics.Tensors
open BoundLab.Numerics.Tests.TestUtil

type private MN = MathNet.Numerics.LinearAlgebra.Matrix<float>

let private gaussian (seed: uint64) n (scale: float) =
    let s = (RngKey.FromSeed seed).Stream()
    Array.init n (fun _ -> scale * s.NextGaussian())

/// A float32 kernel (OutChannels × k·k·C) and its float64 copy.
let private kernelOf (spec: Conv2dSpec) seed =
    let patch = spec.Kernel * spec.Kernel * spec.InChannels
    let k32 = Matrix<float32>(spec.OutChannels, patch, gaussian seed (spec.OutChannels * patch) 0.7 |> Array.map float32)
    k32, k32.Data |> Array.map float

let private svdMax (m: float[,]) = (MN.Build.DenseOfArray m).Svd(false).S[0]

let private specs =
    [ "6×5×2→3 k3 s1 p1", Conv2dSpec(6, 5, 2, 3, 3, 1, 1, Activation.Identity, false)
      "7×7×1→2 k3 s2 p0", Conv2dSpec(7, 7, 1, 2, 3, 2, 0, Activation.Identity, false)
      "5×5×3→4 k2 s2 p1", Conv2dSpec(5, 5, 3, 4, 2, 2, 1, Activation.Identity, false)
      "8×6×2→1 k5 s1 p2", Conv2dSpec(8, 6, 2, 1, 5, 1, 2, Activation.Identity, false)
      "4×4×1→1 k1 s1 p0 (a scalar multiple of the identity)", Conv2dSpec(4, 4, 1, 1, 1, 1, 0, Activation.Identity, false) ]

[<Tests>]
let tests =
    testList "Measurements.ConvOperatorNorm" [
        for name, spec in specs do
            testCase $"Apply is the model's Conv2d layer (reference backend, float64): {name}" <| fun () ->
                let _, k = kernelOf spec 11UL
                let rb = ReferenceBackend<float>.Instance
                let model = Model<float>.Zeros(ModelSpec("conv", SpecList<LayerSpec>([ spec :> LayerSpec ])), rb)
                model.SetFlatValues(ReadOnlySpan k)
                let x = gaussian 12UL spec.InputSize 1.0
                let expected = model.Predict(Matrix<float>(1, spec.InputSize, x)).Data
                let y = Array.zeroCreate spec.OutputSize
                ConvOperatorNorm.Apply(spec, ReadOnlySpan k, ReadOnlySpan x, Span y)
                for i in 0 .. y.Length - 1 do
                    Expect.floatClose { absolute = 1e-12; relative = 1e-12 } y[i] expected[i] $"output {i}"

            testCase $"ApplyAdjoint is the adjoint: ⟨Ax, y⟩ = ⟨x, Aᵀy⟩: {name}" <| fun () ->
                let _, k = kernelOf spec 13UL
                let x, y = gaussian 14UL spec.InputSize 1.0, gaussian 15UL spec.OutputSize 1.0
                let ax, aty = Array.zeroCreate spec.OutputSize, Array.zeroCreate spec.InputSize
                ConvOperatorNorm.Apply(spec, ReadOnlySpan k, ReadOnlySpan x, Span ax)
                ConvOperatorNorm.ApplyAdjoint(spec, ReadOnlySpan k, ReadOnlySpan y, Span aty)
                let lhs, rhs = Array.fold2 (fun s a b -> s + a * b) 0.0 ax y, Array.fold2 (fun s a b -> s + a * b) 0.0 x aty
                Expect.floatClose { absolute = 1e-12; relative = 1e-12 } lhs rhs "inner products"

            testCase $"σ_max matches MathNet's SVD of the unrolled matrix to 1e-8: {name}" <| fun () ->
                let k32, k = kernelOf spec 16UL
                let expected = svdMax (ConvOperatorNorm.Unrolled(spec, ReadOnlySpan k))
                let r = ConvOperatorNorm.Compute(spec, k32)
                Expect.floatClose { absolute = 0.; relative = 1e-8 } r.Value expected $"{r.Method} after {r.Iterations}"
                let forced = ConvOperatorNorm.Compute(spec, k32, SpectralNormOptions(MaxPowerIterations = 1))
                Expect.floatClose { absolute = 0.; relative = 1e-8 } forced.Value expected $"Lanczos fallback ({forced.Method})"

        testCase "the operator norm is not the kernel matrix's spectral norm (zero padding and overlapping windows)" <| fun () ->
            let spec = Conv2dSpec(6, 6, 1, 1, 3, 1, 1, Activation.Identity, false)
            // An all-ones 3×3 filter: the kernel matrix is a 1×9 row of norm 3; the convolution sums 9 overlapping pixels.
            let k32 = Matrix<float32>(1, 9, Array.create 9 1.0f)
            let r = ConvOperatorNorm.Compute(spec, k32)
            Expect.isGreaterThan r.Value 3.5 "‖A‖₂ > ‖K‖₂ = 3"
            Expect.isLessThanOrEqual r.Value 9.0 "‖A‖₂ ≤ ‖K‖₁ = 9 (Young's inequality)"
            Expect.floatClose { absolute = 0.; relative = 1e-8 } r.Value (svdMax (ConvOperatorNorm.Unrolled(spec, ReadOnlySpan(Array.create 9 1.0)))) "SVD"

        testCase "Distance is the operator norm of the kernel difference" <| fun () ->
            let spec = Conv2dSpec(6, 5, 2, 3, 3, 1, 1, Activation.Identity, false)
            let k32, k = kernelOf spec 17UL
            let k0, k0d = kernelOf spec 18UL
            let diff = Array.map2 (-) k k0d
            let expected = svdMax (ConvOperatorNorm.Unrolled(spec, ReadOnlySpan diff))
            Expect.floatClose { absolute = 0.; relative = 1e-8 } (ConvOperatorNorm.Distance(spec, k32, k0).Value) expected "σ_max(A(K − K⁰))"

        testCase "a kernel of the wrong shape is refused, naming the argument and the shape needed" <| fun () ->
            let spec = Conv2dSpec(6, 5, 2, 3, 3, 1, 1, Activation.Identity, false)
            let e = throwsOf<ArgumentException> (fun () -> ConvOperatorNorm.Compute(spec, Matrix<float32>(3, 17)) |> ignore) "wrong shape"
            Expect.stringContains e.Message "kernel is 3 × 17" "names the argument and its shape"
            Expect.stringContains e.Message "needs 3 × 18" "says what is allowed"

        testCase "window overlap counts: k5 s1 p2 on 28×28 → 25, k2 s2 → 1, k3 s2 on 7×7 → 4, k5 s1 p0 on 14×14 → 25" <| fun () ->
            let count (s: Conv2dSpec) = ParamLayerMeasures.WindowOverlap(s.Geometry)
            Expect.equal (count (Conv2dSpec(28, 28, 1, 6, 5, 1, 2))) 25 "LeNet conv1"
            Expect.equal (count (Conv2dSpec(28, 28, 6, 6, 2, 2, 0))) 1 "non-overlapping"
            Expect.equal (count (Conv2dSpec(7, 7, 1, 1, 3, 2, 0))) 4 "stride 2, kernel 3"
            Expect.equal (count (Conv2dSpec(14, 14, 6, 16, 5, 1, 0))) 25 "LeNet conv2"

        testCase "LeNet without biases: every parametric layer's measures against direct computations" <| fun () ->
            let spec = ModelSpec.LeNet(10, false)
            let backend = new CpuBackend(1)
            let net = Model<float32>.Create(spec, backend, RngKey.FromSeed 21UL)
            let init = Model<float32>.Create(spec, backend, RngKey.FromSeed 22UL)
            let s = (RngKey.FromSeed 23UL).Stream()
            let inputs = Matrix<float32>(3, 784, Array.init (3 * 784) (fun _ -> float32 (s.NextDouble())))
            let m = ParamLayerMeasures.Compute(net, init, inputs, 1)
            Expect.equal [ for l in m -> l.Kind ] [ "conv"; "conv"; "dense"; "dense"; "dense" ] "kinds"
            Expect.equal [ for l in m -> l.KernelParams ] [ 150L; 2400L; 48000L; 10080L; 840L ] "kernel parameters"
            Expect.equal [ for l in m -> l.OutUnits ] [ 4704L; 1600L; 120L; 84L; 10L ] "O_l m_l"
            Expect.equal [ for l in m -> l.InWidth ] [ 28; 14; 1; 1; 1 ] "d_l"
            // conv2: operator norm against the SVD of its unrolled 1600 × 1176 matrix.
            let conv2 = spec.Layers[2] :?> Conv2dSpec
            let w = (net.Layers[2] :?> Conv2d<float32>).Weight
            let k = backend.ToArray(w.Value) |> Array.map float
            let k0 = backend.ToArray((init.Layers[2] :?> Conv2d<float32>).Weight.Value) |> Array.map float
            Expect.floatClose { absolute = 0.; relative = 1e-8 } m[1].Lipschitz (svdMax (ConvOperatorNorm.Unrolled(conv2, ReadOnlySpan k))) "conv2 ‖A‖₂"
            // Graf et al.'s (2,1) grouping: ℓ2 over the 6 input channels of each (filter, ky, kx), summed; Ledent's a_l: per filter.
            let d = Array.map2 (-) k k0
            let group (o: int) (p: int) = sqrt (Seq.sum (seq { for c in 0 .. 5 -> d[o * 150 + p * 6 + c] ** 2.0 }))
            let l21 = Seq.sum (seq { for o in 0 .. 15 do for p in 0 .. 24 -> group o p })
            let filters = Seq.sum (seq { for o in 0 .. 15 -> sqrt (Seq.sum (seq { for j in 0 .. 149 -> d[o * 150 + j] ** 2.0 })) })
            Expect.floatClose { absolute = 0.; relative = 1e-12 } m[1].KernelL21FromInit l21 "kernel (2,1) distance"
            Expect.floatClose { absolute = 0.; relative = 1e-12 } m[1].FilterL2SumFromInit filters "Σ filter distances"
            Expect.floatClose { absolute = 0.; relative = 1e-12 } m[1].FrobeniusFromInit (sqrt (Array.sumBy (fun x -> x * x) d)) "Frobenius distance"
            // conv1's largest input patch: brute force over the zero-padded 5×5 windows of the raw images.
            let patch (img: int) (oy: int) (ox: int) =
                sqrt (Seq.sum (seq {
                    for ky in 0 .. 4 do
                        for kx in 0 .. 4 do
                            let y, x = oy - 2 + ky, ox - 2 + kx
                            if y >= 0 && y < 28 && x >= 0 && x < 28 then float inputs.Data[img * 784 + y * 28 + x] ** 2.0 }))
            let best = Seq.max (seq { for i in 0 .. 2 do for oy in 0 .. 27 do for ox in 0 .. 27 -> patch i oy ox })
            Expect.floatClose { absolute = 0.; relative = 1e-12 } m[0].MaxPatchNorm best "b_1"
            // The dense layers' Lipschitz constants are their spectral norms.
            let dense = net.DenseWeights()
            for i in 0 .. 2 do
                Expect.floatClose { absolute = 0.; relative = 1e-8 } m[2 + i].Lipschitz ((MN.Build.Dense(dense[i].Rows, dense[i].Cols, fun r c -> float (dense.[i].[r, c]))).Svd(false).S[0]) $"dense {i + 1}"
            Expect.isTrue (m |> Seq.forall (fun l -> l.MaxPatchNorm > 0.)) "every patch norm positive"
            Expect.isTrue (ParamLayerMeasures.Applies spec) "lenet is a convolutional chain"
            Expect.isFalse (ParamLayerMeasures.Applies(ModelSpec.ResMlp(784, 8, 1, 10))) "a residual MLP is not"
    ]
