module BoundLab.Numerics.Tests.Measurements.NetworkMeasuresTests

open Expecto
open BoundLab.Numerics
open BoundLab.Numerics.Backends
open BoundLab.Numerics.Measurements
open BoundLab.Numerics.Models
open BoundLab.Numerics.Random
open BoundLab.Numerics.Tests.TestUtil

let private data = blobs 7UL 300 20 4
let private net () = Model<float32>.Create(ModelSpec.FromMlp(MlpSpec.Parse "20-16-4"), CpuBackend(1), RngKey.FromSeed 2UL)
let private init () = Model<float32>.Create(ModelSpec.FromMlp(MlpSpec.Parse "20-16-4"), CpuBackend(1), RngKey.FromSeed 3UL)

[<Tests>]
let tests =
    testList "Numerics.Measurements.NetworkMeasures" [
        testCase "Cheap = Compute without σ_max(X) and sharpness; the JSON keeps every key" <| fun () ->
            let n, i = net (), init ()
            let full = NetworkMeasures.Compute(n, i, data)
            let cheap = NetworkMeasures.Cheap(n, i, data, 2)
            Expect.sequenceEqual cheap.Layers full.Layers "same layer measures"
            Expect.equal cheap.Margins.Q10 full.Margins.Q10 "same margin_q10"
            Expect.equal cheap.PathNorm full.PathNorm "same path norm"
            Expect.isFalse cheap.XSpectralNorm.HasValue "no σ_max(X) per epoch"
            Expect.equal full.XSpectralNorm.Value (SpectralNorm.Compute(data.Inputs).Value) "σ_max(X)"
            Expect.isNull (box full.Sharpness) "sharpness only when asked"
            Expect.equal full.Margins.Q10 (Margins.Q10(Margins.Compute(n.Predict data.Inputs, data.Labels))) "margin_q10 of the logits"
            let j = cheap.ToJson()
            for key in [ "layers"; "x_norm"; "path_norm"; "margin_q10"; "x_spectral_norm"; "sharpness_sigma"; "sharpness_sigma_mag"
                         "sharpness_target"; "sharpness_draws"; "sharpness_subsample"; "sharpness"; "trajectory" ] do
                Expect.isTrue (j.ContainsKey key) key
            Expect.isNull j["sharpness_sigma"] "null when not measured"

        testCase "with sharpness: the JSON is bit-identical for 1 and 2 threads" <| fun () ->
            let o = MeasureOptions(SharpnessOptions(Draws = 3, Subsample = 200, Depth = 6, Seed = 1UL))
            let a = NetworkMeasures.Compute(net (), init (), data, o, 1).ToJson().ToJsonString()
            let b = NetworkMeasures.Compute(net (), init (), data, o, 2).ToJson().ToJsonString()
            Expect.equal b a "same document"
            Expect.stringContains a "\"sharpness_subsample\":200" "subsample recorded"

        testCase "regression data: margins and sharpness null; mismatched init named" <| fun () ->
            let reg = linearRegression 1UL 50 20
            let r = Model<float32>.Create(ModelSpec.FromMlp(MlpSpec.Parse "20-8-1"), CpuBackend(1), RngKey.FromSeed 2UL)
            let m = NetworkMeasures.Compute(r, r, reg, MeasureOptions.All(1UL))
            Expect.isNull (box m.Margins) "no margins"
            Expect.isNull (box m.Sharpness) "no sharpness"
            Expect.isNull (m.ToJson()["margin_q10"]) "null in JSON"
            let other = Model<float32>.Create(ModelSpec.FromMlp(MlpSpec.Parse "20-8-4"), CpuBackend(1), RngKey.FromSeed 2UL)
            let e = thrown (fun () -> NetworkMeasures.Compute(net (), other, data) |> ignore)
            Expect.stringContains e.Message "init" "names the argument"
    ]
