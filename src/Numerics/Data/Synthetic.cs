namespace BoundLab.Numerics.Data;

/// <summary>Defaults and checks shared by the synthetic datasets (teacher, gaussian-mixture).</summary>
public static class Synthetic
{
    /// <summary>Training points generated when <see cref="DataOptions.TrainSize"/> is not given.</summary>
    public const int DefaultTrainSize = 10_000;

    /// <summary>Test points generated when <see cref="DataOptions.TestSize"/> is not given.</summary>
    public const int DefaultTestSize = 2_000;

    /// <summary>Input dimension when <see cref="DataOptions.InputDim"/> is not given.</summary>
    public const int DefaultInputDim = 50;

    /// <summary>The number of points to generate: <paramref name="size"/> (≥ 1) or the default.</summary>
    public static int Size(int? size, string argument, int fallback)
    {
        int n = size ?? fallback;
        if (n < 1)
        {
            throw new ArgumentOutOfRangeException(argument, n, $"allowed: {argument} ≥ 1");
        }

        return n;
    }
}
