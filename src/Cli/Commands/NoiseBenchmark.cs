using System.Diagnostics;
using System.Globalization;
using System.Runtime.Intrinsics.X86;
using BoundLab.Cli.Framework;
using BoundLab.Cli.Framework.Options;
using BoundLab.Numerics.Kernels;
using BoundLab.Numerics.Random;

namespace BoundLab.Cli.Commands;

/// <summary><c>boundlab bench noise</c>: keyed standard normals per second (Philox4x32-10 + Box–Muller,
/// <see cref="GaussianNoise.Fill"/>), the kernel inside every SGLD step.</summary>
internal static class NoiseBenchmark
{
    private static readonly CliOption<int> Length = Opt.Int("--length", "N", "floats per fill", 1 << 22, 64, 1 << 28);
    private static readonly CliOption<int> Repeats = Opt.Int("--repeats", "R", "timed fills (the median is printed)", 21, 1, 100_000);

    /// <summary>The declaration of <c>bench noise</c>.</summary>
    public static CommandSpec Spec { get; } = new("noise",
        "fills N floats with keyed N(0, 1) draws; prints the median rate of R timed fills",
        [Length, OptionSets.Threads, Repeats, OptionSets.BenchSeed, OptionSets.Json]);

    /// <summary>Parses the options, runs the benchmark and prints the result.</summary>
    public static int Run(ParsedArgs r)
    {
        ArgumentNullException.ThrowIfNull(r);
        if (r.HelpRequested)
        {
            Spec.WriteHelp(Console.Out);
            return 0;
        }

        int length = r.Get(Length);
        int threads = r.Get(OptionSets.Threads);
        int repeats = r.Get(Repeats);
        ulong seed = r.Get(OptionSets.BenchSeed);
        bool json = r.Flag(OptionSets.Json);
        r.Finish();

        int resolved = threads == 0 ? Environment.ProcessorCount : threads;
        var data = new float[length];
        RngKey key = RngKey.FromSeed(seed).Split("bench-noise");
        long warmStart = Stopwatch.GetTimestamp();
        for (int i = 0; i < 5 || Stopwatch.GetElapsedTime(warmStart).TotalSeconds < 0.5; i++)
        {
            GaussianNoise.Fill(new NoiseKey(key, (ulong)i, 0), data, resolved);
        }

        var seconds = new double[repeats];
        for (int i = 0; i < repeats; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            GaussianNoise.Fill(new NoiseKey(key, (ulong)i, 0), data, resolved);
            seconds[i] = Stopwatch.GetElapsedTime(t0).TotalSeconds;
        }

        Array.Sort(seconds);
        double median = seconds[repeats / 2];
        double rate = length / median;
        string path = Avx512F.IsSupported ? "avx512" : Avx2.IsSupported && Fma.IsSupported ? "avx2" : "scalar";
        if (json)
        {
            Console.Out.WriteLine(Json.Serialize(new
            {
                Benchmark = "noise",
                NormalsPerSec = rate,
                MedianSeconds = median,
                Length = length,
                Threads = resolved,
                Repeats = repeats,
                Path = path,
            }));
        }
        else
        {
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"noise length={length} threads={resolved} path={path}: {rate:E3} normals/s (median {median * 1e3:F3} ms of {repeats})"));
        }

        return 0;
    }
}
