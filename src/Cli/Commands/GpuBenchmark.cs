using System.Diagnostics;
using System.Globalization;
using BoundLab.Cli.Framework;
using BoundLab.Cli.Framework.Options;
using BoundLab.Gpu;
using BoundLab.Numerics.Backends;
using BoundLab.Numerics.Data;
using BoundLab.Numerics.Losses;
using BoundLab.Numerics.Models;
using BoundLab.Numerics.Optimizers;
using BoundLab.Numerics.Random;
using BoundLab.Numerics.Tensors;
using BoundLab.Numerics.Training;

namespace BoundLab.Cli.Commands;

/// <summary><c>boundlab bench gpu</c> (CUDA only): our SGEMM against cuBLAS at 1024², 4096² and the MLP shapes with their
/// backprop transposes; an MLP 784-512-512-10 epoch (MNIST-sized random data resident on the device) at batch 128 and 512
/// against our CPU backend on the same seed, with the kernel launches per epoch and the launch floor; the kernel compile
/// (warm-up) time apart. Every figure carries the device's name.</summary>
internal static class GpuBenchmark
{
    private const string Arch = "784-512-512-10";
    private const int TrainRows = 60_000; // MNIST's training set
    private const double LaunchSeconds = 5e-6; // the issue's per-launch latency for the launch floor

    private static readonly CliFlag Quick = Opt.Flag("--quick",
        "fewer repetitions, no 4096² SGEMM, fewer CPU steps (a sanity run, not figures)");

    private static readonly CliOption<int> CpuSteps = Opt.Int("--cpu-steps", "S",
        "CPU training steps timed per batch size (the epoch time is extrapolated from them)", null, min: 1, max: 1_000_000,
        defaultText: "40, --quick 10");

    /// <summary>The declaration of <c>bench gpu</c>.</summary>
    public static CommandSpec Spec { get; } = new("gpu",
        "CUDA only: our SGEMM vs cuBLAS (FP32) and MLP 784-512-512-10 epoch time on the GPU vs the CPU backend, kernel launches and compile time",
        [Quick, CpuSteps, OptionSets.Threads, OptionSets.BenchSeed, OptionSets.Json], notes: """

        The SGEMM shapes: 1024², 4096² and the MLP's (128×784·784×512, 128×512·512×512) with the transposes backprop
        needs (Aᵀ·B for the weight gradients, A·Bᵀ for the input gradients). The MLP epoch runs 60,000 random MNIST-shaped
        rows resident on the device (469 steps at batch 128, 118 at 512) after a warm-up that compiles the kernels; the CPU
        epoch is extrapolated from --cpu-steps steps of the same run (said so in the output). The launch-floor ratio is
        epoch time / (kernel launches × 5 µs).
        """);

    /// <summary>The SGEMM shapes timed: (m, n, k, transA, transB, what).</summary>
    internal static IReadOnlyList<(int M, int N, int K, bool TransA, bool TransB, string What)> Shapes { get; } =
    [
        (1024, 1024, 1024, false, false, "square 1024²"),
        (4096, 4096, 4096, false, false, "square 4096²"),
        (128, 512, 784, false, false, "layer 1 forward: X(128×784)·W(784×512)"),
        (784, 512, 128, true, false, "layer 1 weight gradient: Xᵀ·dY (784×128·128×512)"),
        (128, 784, 512, false, true, "layer 1 input gradient: dY·Wᵀ (128×512·512×784)"),
        (128, 512, 512, false, false, "layer 2 forward: H(128×512)·W(512×512)"),
        (512, 512, 128, true, false, "layer 2 weight gradient: Hᵀ·dY (512×128·128×512)"),
        (128, 512, 512, false, true, "layer 2 input gradient: dY·Wᵀ (128×512·512×512)"),
    ];

    /// <summary>Runs the benchmark; without a CUDA device it refuses with one line saying why.</summary>
    public static int Run(ParsedArgs a)
    {
        ArgumentNullException.ThrowIfNull(a);
        if (a.HelpRequested)
        {
            Spec.WriteHelp(Console.Out);
            return 0;
        }

        bool quick = a.Flag(Quick);
        int cpuSteps = a.GetOrNull(CpuSteps) ?? (quick ? 10 : 40);
        int threads = a.Get(OptionSets.Threads);
        ulong seed = a.Get(OptionSets.BenchSeed);
        bool json = a.Flag(OptionSets.Json);
        a.Finish();
        RequireCuda();

        GpuDevice device = GpuDevice.Cuda(0);
        string name = CudaInventory.Devices()[0].Description;
        void Log(string line)
        {
            if (!json)
            {
                Console.Out.WriteLine(line);
            }
        }

        Log($"device: cuda — {name}; ILGPU {GpuDevice.IlgpuVersion}");
        var sgemm = new List<SgemmRow>();
        foreach (var s in Shapes.Where(s => !quick || s.M < 4096))
        {
            SgemmTiming t = GpuBenchmarks.Sgemm(device, s.M, s.N, s.K, s.TransA, s.TransB, quick ? 3 : 10, withCuBlas: true);
            var row = new SgemmRow(name, s.What, t.M, t.N, t.K, t.TransA, t.TransB, t.OursSeconds, t.OursGflops, t.CuBlasSeconds, t.CuBlasGflops,
                t.RatioToCuBlas, t.MaxRelativeDifference);
            sgemm.Add(row);
            Log(string.Create(CultureInfo.InvariantCulture,
                $"sgemm {s.What} [{name}]: ours {t.OursGflops:F0} GFLOP/s, cuBLAS {Maybe(t.CuBlasGflops, "F0")} GFLOP/s, ratio {Maybe(t.RatioToCuBlas, "F2")}, max rel. diff {Maybe(t.MaxRelativeDifference, "E1")}"));
        }

        var cpu = new CpuBackend(threads);
        string cpuName = $"{CpuInfo.ModelName}, {cpu.Threads} threads";
        var mlp = new List<MlpRow>();
        double compileBefore = device.CompileSeconds;
        foreach (int batch in (int[])[128, 512])
        {
            var gpu = new GpuBackend(device);
            int steps = (TrainRows + batch - 1) / batch;
            (double gpuSeconds, long launches) = Epoch(gpu, batch, seed, steps, () => device.Accelerator.Synchronize());
            (double cpuPart, _) = Epoch(cpu, batch, seed, Math.Min(cpuSteps, steps), () => { });
            double cpuSeconds = cpuPart * steps / Math.Min(cpuSteps, steps);
            double floor = launches * LaunchSeconds;
            var row = new MlpRow(name, cpuName, Arch, batch, steps, gpuSeconds, launches, floor, gpuSeconds / floor, cpuSeconds,
                Math.Min(cpuSteps, steps), cpuSeconds / gpuSeconds);
            mlp.Add(row);
            Log(string.Create(CultureInfo.InvariantCulture,
                $"mlp {Arch} batch {batch} epoch [{name}]: {gpuSeconds * 1e3:F1} ms, {launches:N0} kernel launches = {row.LaunchFloorRatio:F2}× the 5 µs launch floor; " +
                $"CPU [{cpuName}] {cpuSeconds:F2} s (extrapolated from {row.CpuStepsTimed} of {steps} steps): GPU {row.Speedup:F1}× faster"));
        }

        var compile = new CompileRow(name, device.CompileSeconds, device.CompiledKernels, device.CompileSeconds - compileBefore);
        Log(string.Create(CultureInfo.InvariantCulture,
            $"kernel compile/warm-up [{name}]: {compile.CompileSeconds:F2} s for {compile.CompiledKernels} kernels (not in the times above)"));
        if (json)
        {
            Console.Out.WriteLine(Json.Serialize(new GpuBenchResult("gpu", name, GpuDevice.IlgpuVersion, quick, sgemm, mlp, compile)));
        }

        return 0;
    }

    /// <summary>Refuses without a CUDA device: one UsageException line naming the reason and what to run instead.</summary>
    internal static void RequireCuda()
    {
        if (GpuDevice.CudaDeviceCount == 0)
        {
            throw new UsageException($"bench gpu: needs a CUDA device and none is found here ({CudaInventory.NoDeviceReason()}); " +
                "run it on a GPU machine (bench/gpu.sh), or time the CPU backend with boundlab bench gemm / bench mlp.");
        }
    }

    /// <summary>Seconds of <paramref name="steps"/> SGD-momentum steps over a shuffled, device-resident MNIST-sized random
    /// training set (after warm-up steps that compile the kernels), and the kernel launches they made on a GPU backend.</summary>
    internal static (double Seconds, long Launches) Epoch(Backend<float> backend, int batch, ulong seed, int steps, Action synchronize)
    {
        var key = RngKey.FromSeed(seed);
        ModelSpec spec = ModelSpec.FromMlp(MlpSpec.Parse(Arch));
        var x = new Matrix<float>(TrainRows, spec.InputDim);
        key.Split("x").Stream().FillGaussian(x.Data, 0, 1);
        RandomStream ys = key.Split("y").Stream();
        int[] labels = Enumerable.Range(0, TrainRows).Select(_ => ys.NextInt(spec.OutputDim)).ToArray();
        var net = Model<float>.Create(spec, backend, key.Split("init"));
        var objective = new Objective<float>(net, backend.Upload(new Dataset("bench-gpu", x, labels, null, spec.OutputDim)), LossKind.CrossEntropy);
        Algorithm sgd = new SgdOptions(Momentum: 0.9).Create(new AlgorithmContext(net, key.Split("noise")));
        int[] order = key.Split("shuffle").Stream().Permutation(TrainRows);
        long step = 0;
        void Steps(int count)
        {
            for (int i = 0; i < count; i++, step++)
            {
                int start = (int)(step % ((TrainRows + batch - 1) / batch)) * batch, rows = Math.Min(batch, TrainRows - start);
                sgd.Step(new StepContext(() => objective.OnRows(order.AsSpan(start, rows)), 1e-3, step, false));
            }

            synchronize();
        }

        Steps(3);
        long launches0 = backend is GpuBackend g0 ? g0.KernelLaunches : 0;
        var clock = Stopwatch.StartNew();
        Steps(steps);
        double seconds = clock.Elapsed.TotalSeconds;
        long launches = backend is GpuBackend g1 ? g1.KernelLaunches - launches0 : 0;
        return (seconds, launches);
    }

    private static string Maybe(double? v, string format) => v is { } x ? x.ToString(format, CultureInfo.InvariantCulture) : "—";

    private sealed record SgemmRow(string Device, string Shape, int M, int N, int K, bool TransA, bool TransB, double OursSeconds, double OursGflops,
        double? CublasSeconds, double? CublasGflops, double? RatioToCublas, double? MaxRelativeDifference);

    private sealed record MlpRow(string Device, string Cpu, string Arch, int Batch, int StepsPerEpoch, double GpuEpochSeconds,
        long KernelLaunchesPerEpoch, double LaunchFloorSeconds, double LaunchFloorRatio, double CpuEpochSecondsExtrapolated, int CpuStepsTimed,
        double Speedup);

    private sealed record CompileRow(string Device, double CompileSeconds, int CompiledKernels, double CompileSecondsInMlp);

    private sealed record GpuBenchResult(string Benchmark, string Device, string IlgpuVersion, bool Quick, IReadOnlyList<SgemmRow> Sgemm,
        IReadOnlyList<MlpRow> Mlp, CompileRow Compile);
}
