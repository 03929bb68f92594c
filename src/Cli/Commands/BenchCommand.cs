using System.Diagnostics;
using System.Globalization;
using BoundLab.Cli.Framework;
using BoundLab.Numerics.Kernels;
using BoundLab.Numerics.Random;

namespace BoundLab.Cli.Commands;

/// <summary><c>boundlab bench &lt;sub-verb&gt;</c>: timed harnesses whose JSON output peer scripts compare against.</summary>
public sealed class BenchCommand : ICommand
{
    private static readonly string[] SubVerbs = ["gemm", "mlp"];

    /// <inheritdoc />
    public string Name => "bench";

    /// <inheritdoc />
    public string Summary => "time GEMM (GFLOP/s) or MLP training steps (samples/s)";

    /// <inheritdoc />
    public int Run(IReadOnlyList<string> args)
    {
        string allowed = string.Join(", ", SubVerbs);
        if (args.Count == 0 || args[0].StartsWith('-'))
        {
            if (args.Count > 0 && args[0] is "--help" or "-h")
            {
                Console.Out.WriteLine($"usage: boundlab bench <{string.Join("|", SubVerbs)}> [options]");
                return 0;
            }

            throw new UsageException($"bench: a sub-verb is required; allowed: {allowed}.");
        }

        var reader = new ArgReader(args.Skip(1));
        return args[0] switch
        {
            "gemm" => BenchGemm(reader),
            "mlp" => MlpBenchmark.Run(reader),
            _ => throw new UsageException($"bench: unknown sub-verb '{args[0]}'; allowed: {allowed}."),
        };
    }

    /// <summary><c>bench gemm</c>: median wall time of Sgemm on random matrices after one warm-up call.</summary>
    private static int BenchGemm(ArgReader r)
    {
        if (r.HelpRequested)
        {
            Console.Out.WriteLine("usage: boundlab bench gemm --m M --n N --k K [--transa] [--transb] [--threads T] " +
                "[--repeats R] [--seed S] [--json]");
            Console.Out.WriteLine("  C (m×n) = op(A) (m×k) · op(B) (k×n), float32; prints the median of R timed runs.");
            return 0;
        }

        int m = r.Int("--m", 1024, 1, 1 << 16);
        int n = r.Int("--n", 1024, 1, 1 << 16);
        int k = r.Int("--k", 1024, 1, 1 << 16);
        bool transA = r.Flag("--transa");
        bool transB = r.Flag("--transb");
        int threads = r.Int("--threads", 0, 0, Gemm.MaxThreads);
        int repeats = r.Int("--repeats", 10, 1, 100_000);
        ulong seed = r.UInt64("--seed", 1);
        bool json = r.Flag("--json");
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
