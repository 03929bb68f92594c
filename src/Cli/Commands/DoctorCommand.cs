using System.Globalization;
using BoundLab.Bounds.Verification;
using BoundLab.Cli.Framework;
using BoundLab.Cli.Framework.Options;
using BoundLab.Gpu;
using BoundLab.Numerics.Data;

namespace BoundLab.Cli.Commands;

/// <summary><c>boundlab doctor [--json]</c>: what this machine offers BoundLab — the backends (the CPU with its vector
/// extensions, CUDA devices or why there are none, ILGPU's kernel simulator), the ILGPU version, whether libz3 loads
/// and whether the MNIST files are found. It only reports: the exit code is 0 whatever it finds.</summary>
public sealed class DoctorCommand : ICommand
{
    /// <summary>The layout version of the JSON report (raise it when a key changes meaning or goes away).</summary>
    public const int Version = 1;

    /// <summary>The declaration of <c>doctor</c>'s options.</summary>
    public static CommandSpec Spec { get; } = new("doctor",
        "list the backends and devices (CPU, CUDA, the ILGPU simulator), the ILGPU version, libz3 and the MNIST files",
        [OptionSets.Json, OptionSets.DataDir]);

    /// <inheritdoc />
    CommandSpec? ICommand.Spec => Spec;

    /// <inheritdoc />
    public string Name => "doctor";

    /// <inheritdoc />
    public string Summary => "list backends and devices (cpu, cuda, ilgpu-cpu), the ILGPU version, libz3 and the data files";

    /// <inheritdoc />
    public int Run(IReadOnlyList<string> args)
    {
        ParsedArgs a = Spec.Parse(args);
        if (a.HelpRequested)
        {
            Spec.WriteHelp(Console.Out);
            return 0;
        }

        bool json = a.Flag(OptionSets.Json);
        string? dataDir = a.GetOrNull(OptionSets.DataDir);
        a.Finish();
        DoctorReport report = Examine(dataDir);
        Console.Out.WriteLine(json ? Json.Serialize(report) : Text(report));
        return 0;
    }

    /// <summary>Examines this machine (<paramref name="dataDir"/>: where to look for MNIST, as --data-dir).</summary>
    internal static DoctorReport Examine(string? dataDir)
    {
        var cpu = new DoctorCpu(CpuInfo.ModelName, CpuInfo.Family, CpuInfo.Cores, CpuInfo.Avx2, CpuInfo.Avx512, CpuInfo.Vector512Accelerated);
        DoctorCuda cuda = Cuda();
        DoctorSimulator simulator = Simulator();
        var backends = new List<string> { "cpu" };
        if (cuda.Devices.Count > 0)
        {
            backends.Add("cuda");
        }

        if (simulator.Available)
        {
            backends.Add("ilgpu-cpu");
        }

        return new DoctorReport(Version, backends, cpu, cuda, simulator, GpuDevice.IlgpuVersion, Z3(), Mnist(dataDir),
            Environment.Version.ToString(), System.Runtime.InteropServices.RuntimeInformation.OSDescription);
    }

    private static DoctorCuda Cuda()
    {
        try
        {
            IReadOnlyList<CudaDeviceInfo> devices = CudaInventory.Devices();
            return new DoctorCuda(devices.Select(d => new DoctorCudaDevice(d.Index, d.Name, d.MemoryBytes,
                Math.Round(d.MemoryBytes / (double)(1L << 30), 1), d.ComputeCapability, d.Multiprocessors)).ToArray(),
                devices.Count == 0 ? CudaInventory.NoDeviceReason() : null);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return new DoctorCuda([], $"ILGPU's CUDA probe failed: {ErrorText.OneLine(e)}");
        }
    }

    private static DoctorSimulator Simulator()
    {
        const string note = "ILGPU's CPU accelerator runs the GPU kernels ~10⁶× slower than a GPU: for tests and debugging at small sizes";
        try
        {
            return new DoctorSimulator(true, GpuDevice.Simulator.Name, note, null);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return new DoctorSimulator(false, null, note, ErrorText.OneLine(e));
        }
    }

    private static DoctorZ3 Z3()
    {
        if (SmtSolver.IsAvailable)
        {
            return new DoctorZ3(true, SmtSolver.Version, null);
        }

        try
        {
            _ = SmtSolver.Version; // throws with the reason and the install command
            return new DoctorZ3(false, null, "libz3 does not load");
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException)
        {
            return new DoctorZ3(false, null, e.Message);
        }
    }

    private static DoctorMnist Mnist(string? dataDir)
    {
        string root = MnistFiles.ResolveDataDir(dataDir);
        string? found = MnistFiles.FindDirectory(root);
        string[] searched = [MnistFiles.DownloadDirectory(root), root];
        return new DoctorMnist(found is not null, found, searched,
            found is null ? $"the four MNIST files are in neither {searched[0]} nor {searched[1]}; fetch them with: boundlab data fetch" +
                            (dataDir is null ? "" : $" --data-dir {dataDir}")
                          : null);
    }

    /// <summary>The human-readable report.</summary>
    internal static string Text(DoctorReport r)
    {
        ArgumentNullException.ThrowIfNull(r);
        var w = new StringWriter(CultureInfo.InvariantCulture);
        static string YesNo(bool b) => b ? "yes" : "no";
        DoctorCpu c = r.Cpu;
        string family = c.Family is null ? "" : $" (family {c.Family})";
        w.WriteLine($"backends (--device): {string.Join(", ", r.Backends)}");
        w.WriteLine($"  cpu        {c.Model}{family}, {c.Cores} cores, AVX2 {YesNo(c.Avx2)}, AVX-512 {YesNo(c.Avx512)}");
        if (r.Cuda.Devices.Count == 0)
        {
            w.WriteLine($"  cuda       none found ({r.Cuda.NoneReason})");
        }

        foreach (DoctorCudaDevice d in r.Cuda.Devices)
        {
            w.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  cuda:{d.Index,-5} {d.Name}, {d.MemoryGib:F1} GiB, compute capability {d.ComputeCapability}, {d.Multiprocessors} SMs"));
        }

        DoctorSimulator s = r.Simulator;
        w.WriteLine(s.Available ? $"  ilgpu-cpu  {s.Name}: {s.Note}" : $"  ilgpu-cpu  unavailable ({s.Error})");
        w.WriteLine($"ILGPU        {r.IlgpuVersion}");
        w.WriteLine(r.Z3.Loads ? $"libz3        loads: {r.Z3.Version}" : $"libz3        does not load: {r.Z3.Error}");
        w.WriteLine(r.Mnist.Found ? $"MNIST        found in {r.Mnist.Directory}" : $"MNIST        not found: {r.Mnist.Hint}");
        w.Write($".NET         {r.Runtime} on {r.Os}");
        return w.ToString();
    }
}

/// <summary>doctor's report; its JSON keys (snake_case) are stable within <see cref="DoctorCommand.Version"/>.</summary>
/// <param name="BoundlabDoctor">The report's layout version.</param>
/// <param name="Backends">The --device values usable here (cpu, then cuda when a device is found, then ilgpu-cpu).</param>
/// <param name="Cpu">The CPU.</param>
/// <param name="Cuda">The CUDA devices, or why there are none.</param>
/// <param name="Simulator">ILGPU's CPU accelerator.</param>
/// <param name="IlgpuVersion">The ILGPU version the kernels are compiled with.</param>
/// <param name="Z3">Whether libz3 loads.</param>
/// <param name="Mnist">Whether the MNIST files are found.</param>
/// <param name="Runtime">The .NET version.</param>
/// <param name="Os">The operating system.</param>
internal sealed record DoctorReport(int BoundlabDoctor, IReadOnlyList<string> Backends, DoctorCpu Cpu, DoctorCuda Cuda,
    DoctorSimulator Simulator, string IlgpuVersion, DoctorZ3 Z3, DoctorMnist Mnist, string Runtime, string Os);

/// <summary>The CPU: model (from /proc/cpuinfo), x86 family, logical cores and vector extensions.</summary>
internal sealed record DoctorCpu(string Model, string? Family, int Cores, bool Avx2, bool Avx512, bool Vector512Accelerated);

/// <summary>The CUDA devices; <paramref name="NoneReason"/> says why the list is empty.</summary>
internal sealed record DoctorCuda(IReadOnlyList<DoctorCudaDevice> Devices, string? NoneReason);

/// <summary>One CUDA device.</summary>
internal sealed record DoctorCudaDevice(int Index, string Name, long MemoryBytes, double MemoryGib, string ComputeCapability, int Multiprocessors);

/// <summary>ILGPU's CPU accelerator (the kernel simulator).</summary>
internal sealed record DoctorSimulator(bool Available, string? Name, string Note, string? Error);

/// <summary>libz3: whether it loads, its version, or the loader's error with the install command.</summary>
internal sealed record DoctorZ3(bool Loads, string? Version, string? Error);

/// <summary>The MNIST files: whether all four are found, where, where doctor looked, and how to get them.</summary>
internal sealed record DoctorMnist(bool Found, string? Directory, IReadOnlyList<string> Searched, string? Hint);
