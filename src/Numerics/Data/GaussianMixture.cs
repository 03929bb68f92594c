using BoundLab.Numerics.Random;
using BoundLab.Numerics.Tensors;

namespace BoundLab.Numerics.Data;

/// <summary>A k-class mixture of isotropic unit-variance Gaussians: y uniform on {0 … k−1},
/// x | y ~ N(μ_y, I_d).</summary>
/// <remarks>The means are μ_c = (Δ/√2)·q_c with q_0 … q_{k−1} orthonormal (Gram–Schmidt of Gaussian
/// vectors, so k ≤ d), hence every pair of means is exactly Δ = Separation apart and all lie at distance
/// Δ/√2 from the origin. With k = 2 the Bayes error is Φ(−Δ/2) (≈ 2.3% for the default Δ = 4).</remarks>
/// <param name="Means">Class means, k × d.</param>
public sealed record GaussianMixture(Matrix<float> Means)
{
    /// <summary>Default number of classes.</summary>
    public const int DefaultClasses = 2;

    /// <summary>Default distance between class means.</summary>
    public const double DefaultSeparation = 4;

    /// <summary>Number of classes k.</summary>
    public int Classes => Means.Rows;

    /// <summary>Input dimension d.</summary>
    public int InputDim => Means.Cols;

    /// <summary>Draws the class means from <paramref name="key"/>.</summary>
    public static GaussianMixture Create(RngKey key, int classes, int inputDim, double separation)
    {
        if (inputDim < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(DataOptions.InputDim), inputDim, "allowed: InputDim ≥ 1");
        }

        if (classes < 2 || classes > inputDim)
        {
            throw new ArgumentOutOfRangeException(nameof(DataOptions.Classes), classes,
                $"allowed: 2 ≤ Classes ≤ InputDim = {inputDim} (the class means are orthogonal)");
        }

        if (!(separation > 0 && double.IsFinite(separation)))
        {
            throw new ArgumentOutOfRangeException(nameof(DataOptions.Separation), separation, "allowed: 0 < Separation < ∞");
        }

        var stream = key.Stream();
        double[][] q = new double[classes][];
        for (int c = 0; c < classes; c++)
        {
            double[] v = new double[inputDim];
            for (int j = 0; j < inputDim; j++)
            {
                v[j] = stream.NextGaussian();
            }

            // Modified Gram–Schmidt against the earlier directions.
            for (int b = 0; b < c; b++)
            {
                double dot = Dot(v, q[b]);
                for (int j = 0; j < inputDim; j++)
                {
                    v[j] -= dot * q[b][j];
                }
            }

            double norm = Math.Sqrt(Dot(v, v));
            for (int j = 0; j < inputDim; j++)
            {
                v[j] /= norm;
            }

            q[c] = v;
        }

        var means = new Matrix<float>(classes, inputDim);
        double radius = separation / Math.Sqrt(2);
        for (int c = 0; c < classes; c++)
        {
            for (int j = 0; j < inputDim; j++)
            {
                means[c, j] = (float)(radius * q[c][j]);
            }
        }

        return new GaussianMixture(means);
    }

    /// <summary>The mixture that <see cref="Datasets.Load"/> uses for these options.</summary>
    public static GaussianMixture ForOptions(DataOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Create(RngKey.FromSeed(options.Seed).Split("mixture-means"), options.Classes ?? DefaultClasses,
            options.InputDim ?? Synthetic.DefaultInputDim, options.Separation ?? DefaultSeparation);
    }

    /// <summary>n labelled draws from the mixture.</summary>
    public Dataset Sample(string name, int n, RngKey key)
    {
        var x = new Matrix<float>(n, InputDim);
        int[] y = new int[n];
        var stream = key.Stream();
        for (int i = 0; i < n; i++)
        {
            int c = stream.NextInt(Classes);
            y[i] = c;
            var row = x.Row(i);
            for (int j = 0; j < InputDim; j++)
            {
                row[j] = (float)(Means[c, j] + stream.NextGaussian());
            }
        }

        return new Dataset(name, x, y, null, Classes);
    }

    /// <summary>The gaussian-mixture task, with optional training label noise.</summary>
    public static DataSplit Generate(DataOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        LabelNoise.CheckFraction(options.LabelNoise);
        var mixture = ForOptions(options);
        var root = RngKey.FromSeed(options.Seed);
        const string name = "gaussian-mixture";
        var train = mixture.Sample(name,
            Synthetic.Size(options.TrainSize, nameof(options.TrainSize), Synthetic.DefaultTrainSize), root.Split("train"));
        var test = mixture.Sample(name,
            Synthetic.Size(options.TestSize, nameof(options.TestSize), Synthetic.DefaultTestSize), root.Split("test"));
        if (options.LabelNoise > 0)
        {
            var noisy = LabelNoise.Corrupt(train.Labels!, mixture.Classes, options.LabelNoise, root.Split("label-noise"));
            train = new Dataset(name, train.Inputs, noisy.Labels, null, mixture.Classes) { NoisyLabelIndices = noisy.Replaced };
        }

        return new DataSplit(train, test);
    }

    private static double Dot(double[] a, double[] b)
    {
        double s = 0;
        for (int j = 0; j < a.Length; j++)
        {
            s += a[j] * b[j];
        }

        return s;
    }
}
