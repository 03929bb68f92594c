using System.Diagnostics;
using System.Globalization;
using BoundLab.Cli.Framework;
using BoundLab.Cli.Framework.Options;
using BoundLab.Numerics.Kernels;
using BoundLab.Numerics.Random;

namespace BoundLab.Cli.Commands;

/// <summary><c>boundlab bench &lt;sub-verb&gt;</c>: timed harnesses whose JSON output peer scripts compare against.</summary>
public sealed class BenchCommand : ICommand
{
    private static readonly string[] SubVerbs = ["gemm", "mlp", "noise", "gibbs", "gpu"];

    private static readonly CliOption<int> M = Opt.Int("--m", "M", "rows of C and op(A)", 1024, 1, 1 << 16);
    private static readonly CliOption<int> N = Opt.Int("--n", "N", "columns of C and op(B)", 1024, 1, 1 << 16);
    private static readonly CliOption<int> K = Opt.Int("--k", "K", "inner dimension", 1024, 1, 1 << 16);
    private static readonly CliFlag TransA = Opt.Flag("--transa", "A is stored transposed");
    private static readonly CliFlag TransB = Opt.Flag("--transb", "B is stored transposed");
    private static readonly CliOption<int> Repeats = Opt.Int("--repeats", "R", "timed runs (the median is printed)", 10, 1, 100_000);

    private static readonly CommandSpec GemmSpec = new("gemm",
        "C (m×n) = op(A) (m×k) · op(B) (k×n), float32; prints the median GFLOP/s of R timed runs",
        [M, N, K, TransA, TransB, OptionSets.Threads, Repeats, OptionSets.BenchSeed, OptionSets.Json]);

    /// <summary>The declaration of <c>bench</c> and its sub-commands.</summary>
    public static CommandSpec Spec { get; } = new("bench", "time GEMM (GFLOP/s), MLP training steps (samples/s), keyed Gaussian noise (normals/s), the Gibbs error (examples/s) or the GPU (bench gpu)",
        [GemmSpec, MlpBenchmark.Spec, NoiseBenchmark.Spec, GibbsBenchmark.Spec, GpuBenchmark.Spec]);

    /// <inheritdoc />
    CommandSpec? ICommand.Spec => Spec;

    /// <inheritdoc />
    public string Name => "bench";

    /// <inheritdoc />
    public string Summary => "time GEMM (GFLOP/s), MLP training steps (samples/s), keyed Gaussian noise (normals/s), the Gibbs error (examples/s) or the GPU (bench gpu)";

    /// <inheritdoc />
    public int Run(IReadOnlyList<string> args)
    {
        string allowed = string.Join(", ", SubVerbs);
        if (args.Count == 0 || args[0].StartsWith('-'))
        {
            if (args.Count > 0 && args[0] is "--help" or "-h" or "-?")
            {
                Spec.WriteHelp(Console.Out);
                return 0;
            }

            throw new UsageException($"bench: a sub-verb is required; allowed: {allowed}.");
        }

        IReadOnlyList<string> rest = args.Skip(1).ToArray();
        return args[0] switch
        {
            "gemm" => BenchGemm(GemmSpec.Parse(rest)),
            "mlp" => MlpBenchmark.Run(MlpBenchmark.Spec.Parse(rest)),
            "noise" => NoiseBenchmark.Run(NoiseBenchmark.Spec.Parse(rest)),
            "gibbs" => GibbsBenchmark.Run(GibbsBenchmark.Spec.Parse(rest)),
            "gpu" => GpuBenchmark.Run(GpuBenchmark.Spec.Parse(rest)),
            _ => throw new UsageException($"bench: unknown sub-verb '{args[0]}'; allowed: {allowed}."),
        };
    }

    /// <summary><c>bench gemm</c>: median wall time of Sgemm on random matrices after one warm-up call.</summary>
    private static int BenchGemm(ParsedArgs r)
    {
        if (r.HelpRequested)
        {
            GemmSpec.WriteHelp(Console.Out);
            return 0;
        }

        int m = r.Get(M);
        int n = r.Get(N);
        int k = r.Get(K);
        bool transA = r.Flag(TransA);
        bool transB = r.Flag(TransB);
        int threads = r.Get(OptionSets.Threads);
        int repeats = r.Get(Repeats);
        ulong seed = r.Get(OptionSets.BenchSeed);
        bool json = r.Flag(OptionSets.Json);
        r.Finish();
        foreach ((string what, long size) in (ReadOnlySpan<(string, long)>)[("--m × --k", (long)m * k), ("--k × --n", (long)k * n), ("--m × --n", (long)m * n)])
        {
            if (size > Array.MaxLength)
            {
                throw UsageException.BadValue(what, size.ToString("N0", CultureInfo.InvariantCulture),
                    $"at most {Array.MaxLength:N0} elements per matrix");
            }
        }

        var stream = RngKey.FromSeed(seed).Split("bench-gemm").Stream();
        float[] a = RandomArray(m * k, stream);
        float[] b = RandomArray(k * n, stream);
        float[] c = new float[m * n];
        int lda = transA ? m : k, ldb = transB ? k : n;
        int resolved = threads == 0 ? Environment.ProcessorCount : threads;

        // Warm-up: long enough for tiered compilation to reach the optimized code of every method involved.
        long warmStart = Stopwatch.GetTimestamp();
        for (int i = 0; i < 5 || Stopwatch.GetElapsedTime(warmStart).TotalSeconds < 0.5; i++)
        {
            Gemm.Sgemm(transA, transB, m, n, k, 1f, a, 0, lda, b, 0, ldb, 0f, c, 0, n, resolved);
        }

        var seconds = new double[repeats];
        for (int i = 0; i < repeats; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            Gemm.Sgemm(transA, transB, m, n, k, 1f, a, 0, lda, b, 0, ldb, 0f, c, 0, n, resolved);
            seconds[i] = Stopwatch.GetElapsedTime(t0).TotalSeconds;
        }

        Array.Sort(seconds);
        double median = repeats % 2 == 1 ? seconds[repeats / 2] : (seconds[repeats / 2 - 1] + seconds[repeats / 2]) / 2;
        double gflops = 2.0 * m * n * k / median / 1e9;
        if (json)
        {
            Console.Out.WriteLine(Json.Serialize(new GemmResult(gflops, median, m, n, k, transA, transB, resolved, repeats)));
        }
        else
        {
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"sgemm m={m} n={n} k={k} transa={transA} transb={transB} threads={resolved}: " +
                $"{gflops:F1} GFLOP/s (median {median * 1e3:F3} ms of {repeats})"));
        }

        return 0;
    }

    private static float[] RandomArray(int length, RandomStream stream)
    {
        var x = new float[length];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = (float)(stream.NextDouble() * 2 - 1);
        }

        return x;
    }

    private sealed record GemmResult(double Gflops, double MedianSeconds, int M, int N, int K, bool TransA, bool TransB,
        int Threads, int Repeats);
}
