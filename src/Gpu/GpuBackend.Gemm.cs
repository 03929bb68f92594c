namespace BoundLab.Gpu;

public sealed partial class GpuBackend
{
    /// <inheritdoc />
    protected override void MatMulCore(Numerics.Tensors.Tensor<float> a, bool transA, Numerics.Tensors.Tensor<float> b, bool transB, Numerics.Tensors.Tensor<float> c, float alpha, float beta)
        => throw new NotImplementedException("helper gemm");
}
