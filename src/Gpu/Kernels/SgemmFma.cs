using ILGPU.Runtime.Cuda;

namespace BoundLab.Gpu.Kernels;

/// <summary>A float32 fused multiply-add, a·b + c rounded once; a type parameter of the SGEMM kernels so each
/// backend compiles only its own implementation.</summary>
/// <remarks>ILGPU 1.5.3 has no intrinsic for <see cref="MathF.FusedMultiplyAdd(float, float, float)"/>: in a CUDA
/// kernel it becomes a call to an undefined <c>.extern .func FusedMultiplyAdd</c> that the driver cannot link (even
/// in a branch that <see cref="CudaAsm.IsSupported"/> rules out, the call stays in the PTX), and a plain a·b + c is
/// mul.f32 + add.f32, which ptxas may or may not contract. Hence <see cref="PtxFma"/> for CUDA and
/// <see cref="ClrFma"/> for the CPU accelerator: the same value on both.</remarks>
internal interface ISgemmFma
{
    /// <summary>a·b + c rounded once.</summary>
    float Fma(float a, float b, float c);
}

/// <summary>Inline PTX <c>fma.rn.f32</c> (CUDA only). ILGPU passes an asm output by address, so the result goes
/// through a 4-byte local slot that is stored and immediately reloaded, which ptxas keeps in a register.</summary>
internal readonly struct PtxFma : ISgemmFma
{
    public float Fma(float a, float b, float c)
    {
        CudaAsm.Emit("fma.rn.f32 %0, %1, %2, %3;", out float r, a, b, c);
        return r;
    }
}

/// <summary>.NET's <see cref="MathF.FusedMultiplyAdd(float, float, float)"/> (the CPU accelerator).</summary>
internal readonly struct ClrFma : ISgemmFma
{
    public float Fma(float a, float b, float c) => MathF.FusedMultiplyAdd(a, b, c);
}
