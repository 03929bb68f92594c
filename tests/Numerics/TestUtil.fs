/// Helpers shared by the Numerics tests.
module BoundLab.Numerics.Tests.TestUtil

open BoundLab.Numerics.Random
open BoundLab.Numerics.Tensors

/// Anchor type so the runner can find this assembly.
type Marker = class end

/// A matrix of N(0, std²) draws from a fixed seed.
let randomMatrix (seed: uint64) rows cols (std: float) : Matrix<float> =
    let s = (RngKey.FromSeed seed).Stream()
    Matrix<float>(rows, cols, Array.init (rows * cols) (fun _ -> std * s.NextGaussian()))

/// The same as float32.
let randomMatrix32 seed rows cols std : Matrix<float32> =
    (randomMatrix seed rows cols std).Convert<float32>()

/// Largest |a_i − b_i| / (atol + rtol·|b_i|) — ≤ 1 means "close".
let relErr (atol: float) (rtol: float) (a: float[]) (b: float[]) =
    Array.fold2 (fun m (x: float) (y: float) -> max m (abs (x - y) / (atol + rtol * abs y))) 0.0 a b
