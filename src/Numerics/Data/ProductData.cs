using BoundLab.Numerics.Random;
using BoundLab.Numerics.Tensors;

namespace BoundLab.Numerics.Data;

/// <summary>The demo regression task of the ADMM authors' code (Zeng, Lin, Yao, Zhou, JMLR 2021): y = x₁x₂ with
/// x uniform on [−1, 1]², noiseless; 1000 training and 1000 test points by default.</summary>
public static class ProductData
{
    /// <summary>Default number of training (and of test) points.</summary>
    public const int DefaultSize = 1000;

    /// <summary>Generates the split from the options' seed (train and test inputs on separate streams).</summary>
    public static DataSplit Generate(DataOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var root = RngKey.FromSeed(options.Seed).Split("product");
        int nTrain = Synthetic.Size(options.TrainSize, nameof(options.TrainSize), DefaultSize);
        int nTest = Synthetic.Size(options.TestSize, nameof(options.TestSize), DefaultSize);
        return new DataSplit(Draw(root.Split("train").Stream(), nTrain), Draw(root.Split("test").Stream(), nTest));
    }

    private static Dataset Draw(RandomStream s, int n)
    {
        var x = new Matrix<float>(n, 2);
        var y = new Matrix<float>(n, 1);
        for (int i = 0; i < n; i++)
        {
            // Inputs are rounded to float first so that the target is exactly the product of the stored inputs (up to one rounding).
            float x1 = (float)(2 * s.NextDouble() - 1), x2 = (float)(2 * s.NextDouble() - 1);
            x[i, 0] = x1;
            x[i, 1] = x2;
            y[i, 0] = (float)((double)x1 * x2);
        }
        return new Dataset("product", x, null, y, 0);
    }
}
