using ILGPU;
using ILGPU.Runtime;

namespace BoundLab.Gpu.Kernels;

/// <summary>The block tiles of <see cref="SgemmKernel"/>.</summary>
internal enum SgemmTile
{
    /// <summary><see cref="Kernels.Tile128"/>: 128×128 blocks, 256 threads.</summary>
    Tile128,

    /// <summary><see cref="Kernels.Tile64"/>: 64×64 blocks, 256 threads.</summary>
    Tile64,

    /// <summary><see cref="Kernels.Tile32"/>: 32×32 blocks, 16 threads (devices with small groups).</summary>
    Tile32,
}

/// <summary>A loaded SGEMM kernel: (config, a, b, c, args) on the accelerator's default stream.</summary>
internal delegate void SgemmLauncher(KernelConfig config, ArrayView1D<float, Stride1D.Dense> a, ArrayView1D<float, Stride1D.Dense> b, ArrayView1D<float, Stride1D.Dense> c, SgemmArgs args);

/// <summary>Tile choice, kernel loading and launch geometry of the SGEMM.</summary>
internal static class SgemmLaunch
{
    /// <summary>Threads per group of a tile.</summary>
    public static int Threads(SgemmTile tile) => tile == SgemmTile.Tile32 ? 16 : 256;

    /// <summary>Side of a tile's (square) block of C.</summary>
    public static int Side(SgemmTile tile) => tile switch { SgemmTile.Tile128 => 128, SgemmTile.Tile64 => 64, _ => 32 };

    /// <summary>Blocks (groups) a tile needs for an m×n C.</summary>
    public static long Blocks(SgemmTile tile, int m, int n)
    {
        int s = Side(tile);
        return (long)((m + s - 1) / s) * ((n + s - 1) / s);
    }

    /// <summary>Whether a device with these group limits can run a tile (threads and shared bytes per group).</summary>
    public static bool Fits(SgemmTile tile, int maxThreadsPerGroup, long maxSharedBytesPerGroup)
        => Threads(tile) <= maxThreadsPerGroup && 2L * SgemmKernel.SharedFloats * sizeof(float) <= maxSharedBytesPerGroup;

    /// <summary>Whether the accelerator can run a tile.</summary>
    public static bool Fits(SgemmTile tile, Accelerator accelerator)
        => Fits(tile, accelerator.MaxNumThreadsPerGroup, accelerator.MaxSharedMemoryPerGroup);

    /// <summary>The tile for an m×n C on a device with these limits. Rule: 128×128 when it gives at least one block
    /// per multiprocessor (a full first wave: ⌈m/128⌉·⌈n/128⌉ ≥ multiprocessors), else 64×64 (four times the blocks,
    /// for MLP-sized and skinny products such as 128×512 or 784×512, where 128×128 tiles would leave most of the
    /// GPU idle); 32×32 only on devices whose groups cannot hold 256 threads.</summary>
    public static SgemmTile Choose(int m, int n, int maxThreadsPerGroup, long maxSharedBytesPerGroup, int multiprocessors)
    {
        if (!Fits(SgemmTile.Tile64, maxThreadsPerGroup, maxSharedBytesPerGroup))
        {
            return SgemmTile.Tile32;
        }

        return Fits(SgemmTile.Tile128, maxThreadsPerGroup, maxSharedBytesPerGroup) && Blocks(SgemmTile.Tile128, m, n) >= multiprocessors
            ? SgemmTile.Tile128
            : SgemmTile.Tile64;
    }

    /// <summary>The tile for an m×n C on this accelerator (<see cref="Choose(int, int, int, long, int)"/>).</summary>
    public static SgemmTile Choose(int m, int n, Accelerator accelerator)
        => Choose(m, n, accelerator.MaxNumThreadsPerGroup, accelerator.MaxSharedMemoryPerGroup, accelerator.NumMultiprocessors);

    /// <summary>Compiles the kernel of a tile on an accelerator (callers cache it: <see cref="GpuDevice.Kernel{TKernel}"/>).
    /// Its MathF.FusedMultiplyAdd is .NET's on the CPU accelerator and one fma.rn.f32 on CUDA (<see cref="DeviceFma"/>).</summary>
    public static SgemmLauncher Load(Accelerator accelerator, SgemmTile tile)
    {
        Action<KernelConfig, ArrayView1D<float, Stride1D.Dense>, ArrayView1D<float, Stride1D.Dense>, ArrayView1D<float, Stride1D.Dense>, SgemmArgs> k = tile switch
        {
            SgemmTile.Tile128 => accelerator.LoadStreamKernel<ArrayView1D<float, Stride1D.Dense>, ArrayView1D<float, Stride1D.Dense>, ArrayView1D<float, Stride1D.Dense>, SgemmArgs>(SgemmKernel.Run<Tile128>),
            SgemmTile.Tile64 => accelerator.LoadStreamKernel<ArrayView1D<float, Stride1D.Dense>, ArrayView1D<float, Stride1D.Dense>, ArrayView1D<float, Stride1D.Dense>, SgemmArgs>(SgemmKernel.Run<Tile64>),
            _ => accelerator.LoadStreamKernel<ArrayView1D<float, Stride1D.Dense>, ArrayView1D<float, Stride1D.Dense>, ArrayView1D<float, Stride1D.Dense>, SgemmArgs>(SgemmKernel.Run<Tile32>),
        };
        return (config, a, b, c, args) => k(config, a, b, c, args);
    }

    /// <summary>Compiles the C ← beta·C kernel.</summary>
    public static Action<Index1D, ArrayView1D<float, Stride1D.Dense>, float> LoadScale(Accelerator accelerator)
        => accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView1D<float, Stride1D.Dense>, float>(SgemmKernel.Scale);

    /// <summary>The launch geometry of a tile for an m×n C: grid (⌈n/side⌉, ⌈m/side⌉), one row of threads per group.</summary>
    public static KernelConfig Config(SgemmTile tile, int m, int n)
    {
        int s = Side(tile);
        return new KernelConfig(new Index2D((n + s - 1) / s, (m + s - 1) / s), new Index2D(Threads(tile), 1));
    }

    /// <summary>The kernel methods, for compiling them to PTX in
    /// tests: (name, method, explicitly grouped).</summary>
    public static IReadOnlyList<(string Name, System.Reflection.MethodInfo Method, bool ExplicitlyGrouped)> EntryPoints()
    {
        System.Reflection.MethodInfo run = typeof(SgemmKernel).GetMethod(nameof(SgemmKernel.Run))!;
        return
        [
            ("Sgemm Tile128", run.MakeGenericMethod(typeof(Tile128)), true),
            ("Sgemm Tile64", run.MakeGenericMethod(typeof(Tile64)), true),
            ("Sgemm Tile32", run.MakeGenericMethod(typeof(Tile32)), true),
            ("Sgemm Scale", typeof(SgemmKernel).GetMethod(nameof(SgemmKernel.Scale))!, false),
        ];
    }
}
