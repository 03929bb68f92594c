module BoundLab.Numerics.Tests.Measurements.TrajectoryMeasuresTests

open System.IO
open Expecto
open BoundLab.Numerics.Measurements
open BoundLab.Numerics.Training
open BoundLab.Numerics.Tests.TestUtil

/// A hand-written trajectory.csv: 4 steps, lr 0.1, 0.1, 0.05, 0.05; ‖g‖² 4, 2, 1, 0.5; g_e recorded every 2 steps
/// (10 at step 0, 6 at step 2); incoherence 3 at step 0, 1 at step 2.
let private csv = """step,epoch,lr,loss,grad_norm_sq,grad_stat,incoherence
0,1,0.1,2.3,4,10,3
1,1,0.1,2.1,2,,
2,2,0.05,1.9,1,6,1
3,2,0.05,1.8,0.5,,
"""

let private read (text: string) =
    use dir = new TempDir()
    let path = Path.Combine(dir.Path, "trajectory.csv")
    File.WriteAllText(path, text)
    TrajectoryCsv.Read path

[<Tests>]
let tests =
    testList "Numerics.Measurements.Trajectory" [
        testCase "sums of a hand-computed trajectory (β = 100, λ = 0.2)" <| fun () ->
            let t = TrajectoryMeasures.Of(read csv, TrajectoryInputs(100.0, 0.2, 1.0))
            Expect.equal t.Steps 4L "N"
            Expect.floatClose Accuracy.veryHigh t.EtaSum 0.3 "Σ η = 0.1 + 0.1 + 0.05 + 0.05"
            // Mou: Σ η_k e^{−λ(T_N − T_k)/2} ‖g_k‖², T = 0.1, 0.2, 0.25, 0.3. mpmath (50 digits):
            //   lr=[0.1,0.1,0.05,0.05]; g=[4,2,1,0.5]; T=[sum(lr[:k+1]) for k in range(4)]
            //   sum(lr[k]*exp(-0.2*(T[-1]-T[k])/2)*g[k] for k in range(4)) = 0.66484006003216984727…
            Expect.floatClose Accuracy.veryHigh t.WeightedGradSum 0.66484006003216984727 "Mou's weighted sum"
            // LLQ: Σ (β η_t/4) g_e held for 2 steps: β η/4 = 2.5, 2.5, 1.25, 1.25 → 2.5·10 + 2.5·10 + 1.25·6 + 1.25·6 = 65.
            Expect.floatClose Accuracy.veryHigh (t.GradSum.Value) 65.0 "Li–Luo–Qiao's Σ (γ²/σ²) g_e"
            Expect.equal t.GradStatSteps 2L "recorded at 2 steps"
            // Haghifam: Σ β η ‖ξ‖² held: 10·3 + 10·3 + 5·1 + 5·1 = 70.
            Expect.floatClose Accuracy.veryHigh (t.IncoherenceSum.Value) 70.0 "Σ β η ‖ξ‖²"
            // k₀ with L = 1: η β L² = 10, 10, 5, 5, never < 1 → k₀ = N = 4, nothing after.
            Expect.equal t.K0 (System.Nullable 4L) "k₀ = N"
            Expect.equal t.EtaSumAfterK0 (System.Nullable 0.0) "empty sum"
            // L = 0.3: η β L² = 0.9 < 1 at step 1 → k₀ = 1, Σ_{k ≥ 2} η = 0.2.
            let t2 = TrajectoryMeasures.Of(read csv, TrajectoryInputs(100.0, 0.2, 0.3))
            Expect.equal t2.K0 (System.Nullable 1L) "k₀ = 1"
            Expect.floatClose Accuracy.veryHigh t2.EtaSumAfterK0.Value 0.2 "Σ_{k=2}^{4} η_k"
            let j = t.ToJson()
            for key in [ "steps"; "eta_sum"; "beta"; "weight_decay"; "weighted_grad_sum"; "grad_sum"; "grad_stat_steps"
                         "incoherence_sum"; "lipschitz"; "k0"; "eta_sum_after_k0"; "units" ] do
                Expect.isTrue (j.ContainsKey key) key

        testCase "no β (a noiseless run) and no L: the noise-dependent sums are null" <| fun () ->
            let t = TrajectoryMeasures.Of(read csv, TrajectoryInputs(System.Nullable()))
            Expect.isFalse t.GradSum.HasValue "grad_sum needs β"
            Expect.isFalse t.K0.HasValue "k₀ needs β and L"
            Expect.floatClose Accuracy.veryHigh t.WeightedGradSum 0.675 "λ = 0: Σ η ‖g‖² = 0.4 + 0.2 + 0.05 + 0.025"

        testCase "CSV round trip, the old five-column layout, and malformed files named" <| fun () ->
            let steps = read csv
            let again = read (TrajectoryCsv.Format steps)
            Expect.sequenceEqual again steps "round trip"
            let old = read "step,epoch,lr,loss,grad_norm_sq\n0,1,0.1,2.3,4\n"
            Expect.equal old[0] (StepRecord(0L, 1, 0.1, 2.3, 4.0)) "five columns read, statistics null"
            let e = thrown (fun () -> read "step,epoch,lr,loss,grad_norm_sq\n0,1,x,2.3,4\n" |> ignore)
            Expect.stringContains e.Message "line 2: lr is 'x'" "names line and cell"
            let e2 = thrown (fun () -> TrajectoryMeasures.Of(read "step,epoch,lr,loss,grad_norm_sq,grad_stat,incoherence\n0,1,0.1,2,4,,\n1,1,0.1,2,4,5,\n", TrajectoryInputs(1.0)) |> ignore)
            Expect.stringContains e2.Message "step 0" "a statistic must start at step 0"
            let e3 = thrown (fun () -> TrajectoryMeasures.Of(read "step,epoch,lr,loss,grad_norm_sq\n1,1,0.1,2,4\n", TrajectoryInputs(1.0)) |> ignore)
            Expect.stringContains e3.Message "consecutive" "steps must be consecutive"
    ]
