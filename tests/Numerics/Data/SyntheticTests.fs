module BoundLab.Numerics.Tests.Data.SyntheticTests

open System
open Expecto
open BoundLab.Numerics.Data
open BoundLab.Numerics.Tests.TestUtil

let private load o = Datasets.Load o

/// a · relu(W x) computed here, independently of Teacher.Evaluate.
let private teacherOutput (t: Teacher) (x: float32[]) =
    let mutable f = 0.0
    for k in 0 .. t.Width - 1 do
        let mutable z = 0.0
        for j in 0 .. t.InputDim - 1 do
            z <- z + float t.W[k, j] * float x[j]
        f <- f + float t.A[k] * max z 0.0
    f

let private row (m: BoundLab.Numerics.Tensors.Matrix<float32>) i = m.Row(i).ToArray()

[<Tests>]
let tests =
    testList "Numerics.Data.Synthetic" [
        testCase "teacher: default shapes and task" <| fun () ->
            let s = load (DataOptions("teacher", Seed = 1UL))
            Expect.equal (s.Train.Inputs.Shape, s.Test.Inputs.Shape) ("10000×50", "2000×50") "inputs"
            Expect.equal (s.Train.Targets.Shape, s.Test.Targets.Shape) ("10000×1", "2000×1") "targets"
            Expect.equal (s.Train.Task, s.Train.Classes, s.Train.OutputDim) (TaskKind.Regression, 0, 1) "regression"
            Expect.isNull s.Train.Labels "no labels"
            let t = Teacher.ForOptions(DataOptions("teacher", Seed = 1UL))
            Expect.equal (t.InputDim, t.Width) (50, 100) "teacher shape"

        testCase "teacher: targets are the teacher network applied to the inputs" <| fun () ->
            let o = DataOptions("teacher", Seed = 4UL, TrainSize = 300, TestSize = 200, InputDim = 12, TeacherWidth = 30)
            let s = load o
            let t = Teacher.ForOptions o
            for d in [ s.Train; s.Test ] do
                Expect.equal d.Inputs.Shape (sprintf "%d×12" d.Count) "configured input dim"
                for i in 0 .. d.Count - 1 do
                    let expected = teacherOutput t (row d.Inputs i)
                    Expect.floatClose Accuracy.high (float d.Targets.Data[i]) expected (sprintf "target %d" i)

        testCase "teacher: documented scales (inputs N(0, 1), W N(0, 1/d), a N(0, 1/width))" <| fun () ->
            let o = DataOptions("teacher", Seed = 8UL, TeacherWidth = 400)
            let s = load o
            let t = Teacher.ForOptions o
            let moments (xs: float32[]) =
                let m = xs |> Array.averageBy float
                m, (xs |> Array.averageBy (fun x -> (float x - m) ** 2.0))
            let mx, vx = moments s.Train.Inputs.Data
            let _, vw = moments t.W.Data
            let _, va = moments t.A
            // 500,000 input draws: standard errors 0.0014 (mean), 0.002 (variance).
            Expect.isLessThan (abs mx) 0.01 "input mean"
            Expect.isLessThan (abs (vx - 1.0)) 0.01 "input variance"
            // 20,000 weights of variance 1/50 (relative s.e. 1%); 400 output weights (relative s.e. 7%).
            Expect.isLessThan (abs (vw * 50.0 - 1.0)) 0.05 "W variance 1/d"
            Expect.isLessThan (abs (va * 400.0 - 1.0)) 0.35 "a variance 1/width"

        testCase "teacher: output noise goes on training targets only, with the given standard deviation" <| fun () ->
            let o = DataOptions("teacher", Seed = 2UL, TrainSize = 5000, TestSize = 100, OutputNoise = 0.5)
            let s = load o
            let t = Teacher.ForOptions o
            let residual = Array.init 5000 (fun i -> float s.Train.Targets.Data[i] - teacherOutput t (row s.Train.Inputs i))
            let sd = sqrt (residual |> Array.averageBy (fun r -> r * r))
            // s.e. of the sample sd ≈ 0.5/sqrt(2·5000) = 0.005; allow 5 of them.
            Expect.isLessThan (abs (sd - 0.5)) 0.025 (sprintf "noise sd %.4f" sd)
            for i in 0 .. 99 do
                Expect.floatClose Accuracy.high (float s.Test.Targets.Data[i]) (teacherOutput t (row s.Test.Inputs i)) "clean test"

        testCase "teacher: same seed gives bit-identical data, another seed differs" <| fun () ->
            let o seed = DataOptions("teacher", Seed = seed, TrainSize = 200, TestSize = 50)
            let a, b, c = load (o 3UL), load (o 3UL), load (o 4UL)
            Expect.equal a.Train.Inputs.Data b.Train.Inputs.Data "inputs"
            Expect.equal a.Train.Targets.Data b.Train.Targets.Data "targets"
            Expect.equal a.Test.Targets.Data b.Test.Targets.Data "test targets"
            Expect.notEqual a.Train.Inputs.Data c.Train.Inputs.Data "other seed"
            Expect.notEqual a.Train.Inputs.Data a.Test.Inputs.Data.[.. a.Train.Inputs.Length - 1] "train ≠ test"

        testCase "teacher: label noise is refused (regression)" <| fun () ->
            let e = throwsOf<ArgumentException> (fun () -> load (DataOptions("teacher", LabelNoise = 0.2)) |> ignore) "refused"
            Expect.stringContains e.Message "classification" "why"
            Expect.equal e.ParamName "LabelNoise" "argument"

        testCase "gaussian-mixture: defaults, shapes and labels" <| fun () ->
            let s = load (DataOptions("gaussian-mixture", Seed = 1UL))
            Expect.equal (s.Train.Inputs.Shape, s.Test.Inputs.Shape) ("10000×50", "2000×50") "inputs"
            Expect.equal (s.Train.Classes, s.Train.OutputDim, s.Train.Task) (2, 2, TaskKind.Classification) "task"
            Expect.all s.Train.Labels (fun y -> y = 0 || y = 1) "labels"
            let ones = s.Train.Labels |> Array.sumBy id
            // Uniform prior: Binomial(10000, 1/2), s.e. 50.
            Expect.isLessThan (abs (ones - 5000)) 250 "balanced classes"

        testCase "gaussian-mixture: means Δ apart, class samples centred on them with unit variance" <| fun () ->
            let o = DataOptions("gaussian-mixture", Seed = 6UL, Classes = 4, InputDim = 10, Separation = 3.0, TrainSize = 8000)
            let s = load o
            let m = GaussianMixture.ForOptions o
            Expect.equal m.Means.Shape "4×10" "means"
            for a in 0 .. 3 do
                for b in a + 1 .. 3 do
                    let d = sqrt (Array.init 10 (fun j -> float (m.Means[a, j] - m.Means[b, j]) ** 2.0) |> Array.sum)
                    Expect.floatClose Accuracy.medium d 3.0 (sprintf "‖μ%d − μ%d‖" a b)
            for c in 0 .. 3 do
                let rows = [| for i in 0 .. s.Train.Count - 1 do if s.Train.Labels[i] = c then row s.Train.Inputs i |]
                let n = float rows.Length
                for j in 0 .. 9 do
                    let xs = rows |> Array.map (fun r -> float r[j])
                    let mean = Array.average xs
                    let var = xs |> Array.averageBy (fun x -> (x - mean) ** 2.0)
                    // ~2,000 points per class: s.e. of the mean ≈ 0.022, of the variance ≈ 0.032; allow 5.
                    Expect.isLessThan (abs (mean - float m.Means[c, j])) (5.0 / sqrt n) "class mean"
                    Expect.isLessThan (abs (var - 1.0)) (5.0 * sqrt (2.0 / n)) "unit variance"

        testCase "gaussian-mixture: deterministic, seed-dependent, label noise exact" <| fun () ->
            let o seed noise = DataOptions("gaussian-mixture", Seed = seed, TrainSize = 1000, TestSize = 10, LabelNoise = noise)
            let a, b, c = load (o 9UL 0.25), load (o 9UL 0.25), load (o 10UL 0.25)
            Expect.equal a.Train.Inputs.Data b.Train.Inputs.Data "inputs"
            Expect.equal a.Train.Labels b.Train.Labels "labels"
            Expect.notEqual a.Train.Inputs.Data c.Train.Inputs.Data "other seed"
            Expect.equal a.Train.NoisyLabelIndices.Count 250 "round(0.25·1000) replaced"
            let clean = load (o 9UL 0.0)
            Expect.equal clean.Train.Inputs.Data a.Train.Inputs.Data "noise leaves inputs alone"
            Expect.isNull clean.Train.NoisyLabelIndices "no noise, no indices"
            let noisy = Set.ofSeq a.Train.NoisyLabelIndices
            for i in 0 .. 999 do
                if not (noisy.Contains i) then Expect.equal a.Train.Labels[i] clean.Train.Labels[i] "untouched"

        testCase "gaussian-mixture: more classes than dimensions is refused" <| fun () ->
            let e =
                throwsOf<ArgumentOutOfRangeException>
                    (fun () -> load (DataOptions("gaussian-mixture", Classes = 6, InputDim = 5)) |> ignore) "refused"
            Expect.equal e.ParamName "Classes" "argument"
            Expect.stringContains e.Message "InputDim = 5" "range"

        for name, o in
            [ "TrainSize 0", DataOptions("teacher", TrainSize = 0)
              "TestSize -3", DataOptions("gaussian-mixture", TestSize = -3)
              "TeacherWidth 0", DataOptions("teacher", TeacherWidth = 0)
              "Separation 0", DataOptions("gaussian-mixture", Separation = 0.0)
              "OutputNoise -1", DataOptions("teacher", OutputNoise = -1.0) ] do
            testCase ("rejects " + name) <| fun () ->
                let argument = name.Split(' ')[0]
                let e = throwsOf<ArgumentOutOfRangeException> (fun () -> load o |> ignore) "refused"
                Expect.equal e.ParamName argument "names the argument"
                Expect.stringContains e.Message "allowed" "states the range"
    ]
