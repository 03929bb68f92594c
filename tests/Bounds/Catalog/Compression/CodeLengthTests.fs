/// Code lengths and quantizers of the compression bounds, against brute-force constructions on tiny vectors.
module BoundLab.Bounds.Tests.Catalog.Compression.CodeLengthTests

open System.Numerics
open Expecto
open BoundLab.Bounds.Catalog.Compression

/// Every sequence of length n over k symbols, as int arrays.
let private sequences k n =
    let rec go n = if n = 0 then [ [] ] else [ for s in 0 .. k - 1 do for rest in go (n - 1) -> s :: rest ]
    go n |> List.map Array.ofList

/// Brute force: the Shannon–Fano–Elias code of every length-n sequence under the fixed distribution counts/n, built
/// with exact integers (all probabilities have denominator n^n): codeword = first ℓ bits of F(x−) + P(x)/2, with
/// ℓ = smallest t such that 2^t·P ≥ 1, plus 1. Returns (sequence, ℓ, codeword) for sequences of positive probability.
let private sfeCode (counts: int[]) =
    let k, n = counts.Length, Array.sum counts
    let total = BigInteger.Pow(BigInteger n, n)
    let mutable cumulative = BigInteger.Zero
    [ for x in sequences k n do
        let p = x |> Array.fold (fun acc s -> acc * BigInteger counts.[s]) BigInteger.One
        if not p.IsZero then
            let mutable t = 0
            while (p <<< t) < total do t <- t + 1
            let len = t + 1
            // floor((2F + P)/(2·n^n) · 2^len)
            let word = ((BigInteger 2 * cumulative + p) <<< len) / (BigInteger 2 * total)
            cumulative <- cumulative + p
            yield x, len, word ]

let private isPrefix (la: int, wa: BigInteger) (lb: int, wb: BigInteger) = la <= lb && (wb >>> (lb - la)) = wa

/// Brute force: the cheapest Σ c_k l_k over all codeword lengths l_k ∈ 1..k (0 for a single symbol) satisfying Kraft.
let private bestPrefixCost (counts: int[]) =
    let used = counts |> Array.filter (fun c -> c > 0)
    if used.Length = 1 then 0L
    else
        let rec go i (kraft: float) cost =
            if kraft > 1.0 + 1e-12 then System.Int64.MaxValue
            elif i = used.Length then cost
            else [ for l in 1 .. used.Length -> go (i + 1) (kraft + 2.0 ** float -l) (cost + int64 used.[i] * int64 l) ] |> List.min
        go 0 0.0 0L

[<Tests>]
let tests =
    testList "Bounds.Catalog.Compression.CodeLength" [
        for counts in [ [| 2; 1; 2 |]; [| 1; 1 |]; [| 3; 1 |]; [| 2; 2; 2 |]; [| 4; 1; 1 |]; [| 1; 1; 1; 1 |]; [| 5 |]; [| 2; 0; 3 |] ] ->
            testCase $"arithmetic length of counts %A{counts} equals the brute-force Shannon–Fano–Elias code, which is prefix-free" <| fun () ->
                let code = sfeCode counts
                // The vector whose counts these are, coded under its own empirical frequencies.
                let own = Array.concat [ for s in 0 .. counts.Length - 1 -> Array.replicate counts.[s] s ]
                let (_, ownLen, _) = code |> List.find (fun (x, _, _) -> x = own)
                Expect.equal (CodeLength.Arithmetic(counts |> Array.map int64)) (int64 ownLen) "CodeLength.Arithmetic"
                let words = code |> List.map (fun (_, l, w) -> l, w) |> Array.ofList
                for i in 0 .. words.Length - 1 do
                    for j in 0 .. words.Length - 1 do
                        if i <> j then Expect.isFalse (isPrefix words.[i] words.[j]) $"codeword {i} is a prefix of codeword {j}"

        for counts in [ [| 2; 1; 2 |]; [| 1; 1 |]; [| 5; 1; 1; 1 |]; [| 7 |]; [| 3; 3; 1; 1; 1 |]; [| 10; 0; 4; 1 |] ] ->
            testCase $"Huffman length of counts %A{counts} equals the cheapest prefix code found by brute force" <| fun () ->
                Expect.equal (CodeLength.Huffman(counts |> Array.map int64)) (bestPrefixCost counts) "Huffman is optimal"

        yield testCase "Elias-γ lengths 2⌊log₂ m⌋ + 1" <| fun () ->
            Expect.equal [ for m in [ 1L; 2L; 3L; 4L; 7L; 8L; 1000000L ] -> CodeLength.EliasGamma m ] [ 1L; 3L; 3L; 5L; 5L; 7L; 39L ] "lengths"
            Expect.throwsT<System.ArgumentOutOfRangeException> (fun () -> CodeLength.EliasGamma 0L |> ignore) "m = 0"

        yield testCase "exact ceiling where Σ c log₂(N/c) is an integer (the BigInteger path)" <| fun () ->
            // [1;1]: 2 bits exactly → 3; [2;2]: 4 → 5; [1;1;1;1]: 8 → 9; [4;4;4;4]: 32 → 33.
            for counts, expected in [ [| 1L; 1L |], 3L; [| 2L; 2L |], 5L; [| 1L; 1L; 1L; 1L |], 9L; [| 4L; 4L; 4L; 4L |], 33L ] do
                Expect.equal (CodeLength.Arithmetic counts) expected $"%A{counts}"

        yield testCase "uniform quantizer on a hand-worked vector (Lotfi et al.'s bins and bin means)" <| fun () ->
            // largest = 1, edges linspace(−1.000001, 1.000001, 4): bins {−1, −0.5}, {0}, {0.5, 1}; means −0.75, 0, 0.75.
            let q = Quantization.Quantize([| -1.0; -0.5; 0.0; 0.5; 1.0 |], 3, QuantizerKind.Uniform)
            Expect.equal (List.ofSeq q.Symbols) [ 0; 0; 1; 2; 2 ] "symbols"
            Expect.equal (List.ofSeq q.Codebook) [ -0.75; 0.0; 0.75 ] "codebook"
            // Message: γ(3) + 1 = 4, codebook 3·16 = 48, counts 3·⌈log₂ 6⌉ = 9, symbols ⌈2 log₂2.5 + log₂5 + 2 log₂2.5⌉ + 1 = ⌈7.61⌉ + 1 = 9.
            let m = CodeLength.Message(q, EntropyCoder.Arithmetic)
            Expect.equal (m.HeaderBits, m.CodebookBits, m.CountBits, m.SymbolBits, m.TotalBits) (4L, 48L, 9L, 9L, 70L) "message parts"
            // Huffman on counts (2, 1, 2): merges 1 + 2 = 3 and 3 + 2 = 5, total 8 bits (lengths 2, 2, 1).
            Expect.equal (CodeLength.Message(q, EntropyCoder.Huffman).SymbolBits) 8L "Huffman symbol bits"

        yield testCase "k-means quantizer finds the three clusters; levels are half-precision numbers" <| fun () ->
            let q = Quantization.Quantize([| 0.0; 0.1; 5.0; 5.1; 10.0 |], 3, QuantizerKind.KMeans)
            Expect.equal (List.ofSeq q.Symbols) [ 0; 0; 1; 1; 2 ] "symbols"
            Expect.equal (List.ofSeq q.Codebook) [ 0.04998779296875; 5.05078125; 10.0 ] "codebook in half precision (python struct.pack('e', 0.05) etc.)"
            Expect.equal (List.ofSeq (q.Decode())) [ for s in q.Symbols -> q.Codebook.[s] ] "decode"

        yield testCase "bad input is rejected with the argument named" <| fun () ->
            Expect.throwsT<System.ArgumentOutOfRangeException> (fun () -> Quantization.Quantize([| 1.0 |], 1, QuantizerKind.Uniform) |> ignore) "levels 1"
            Expect.throwsT<System.ArgumentException> (fun () -> Quantization.Quantize([| nan |], 4, QuantizerKind.Uniform) |> ignore) "NaN weight"
            Expect.throwsT<System.ArgumentException> (fun () -> CodeLength.Arithmetic([| 0L; 0L |]) |> ignore) "no symbol"
    ]
