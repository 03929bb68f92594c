using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Runtime.CompilerServices;
using ILGPU.Frontend;
using ILGPU.Frontend.Intrinsic;
using ILGPU.Runtime.Cuda;

namespace BoundLab.Gpu.Kernels;

/// <summary>Fused multiply-add in kernels. ILGPU 1.5.3 has no FMA intrinsic: a kernel's MathF.FusedMultiplyAdd or
/// Math.FusedMultiplyAdd becomes a call of an undefined external function in PTX (the CUDA driver cannot load it).
/// This assembly remaps both, for every kernel compiled in the process, to one inline-PTX fma.rn instruction (a·b + c
/// rounded once, as .NET computes it); the CPU accelerator runs kernels as .NET code and never needs the remapping.</summary>
public static class DeviceFma
{
    /// <summary>Registers the remappings when the assembly loads, so before any kernel is compiled (ILGPU's remapping
    /// table is not thread-safe, and every kernel is compiled through this assembly's <see cref="GpuDevice"/>).</summary>
    [ModuleInitializer]
    [SuppressMessage("Usage", "CA2255", Justification = "ILGPU's intrinsic remapping table is global and must be filled before the first kernel compilation; a module initializer is the only point that is guaranteed to come first.")]
    internal static void Register()
    {
        Remap(typeof(MathF), typeof(float), nameof(Fma32));
        Remap(typeof(Math), typeof(double), nameof(Fma64));
    }

    /// <summary>fma.rn.f32 (the remapped body of MathF.FusedMultiplyAdd on CUDA).</summary>
    public static float Fma32(float a, float b, float c)
    {
        CudaAsm.Emit("fma.rn.f32 %0, %1, %2, %3;", out float r, a, b, c);
        return r;
    }

    /// <summary>fma.rn.f64 (the remapped body of Math.FusedMultiplyAdd on CUDA).</summary>
    public static double Fma64(double a, double b, double c)
    {
        CudaAsm.Emit("fma.rn.f64 %0, %1, %2, %3;", out double r, a, b, c);
        return r;
    }

    private static void Remap(Type math, Type type, string target)
    {
        Type[] parameters = [type, type, type];
        MethodInfo source = math.GetMethod(nameof(Math.FusedMultiplyAdd), BindingFlags.Public | BindingFlags.Static, parameters)
            ?? throw new MissingMethodException(math.FullName, nameof(Math.FusedMultiplyAdd));
        MethodInfo destination = typeof(DeviceFma).GetMethod(target, BindingFlags.Public | BindingFlags.Static, parameters)!;
        RemappedIntrinsics.AddRemapping(source, (ref InvocationContext context) => context.Method = destination);
    }
}
