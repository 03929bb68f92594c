using BoundLab.Numerics.Random;
using BoundLab.Numerics.Tensors;

namespace BoundLab.Numerics.Data;

/// <summary>A one-hidden-layer ReLU teacher f(x) = aᵀ relu(W x), the target of the teacher–student task.</summary>
/// <remarks>Scales: W's entries are N(0, 1/d) and inputs are N(0, I_d), so each pre-activation wₖ·x is
/// about N(0, 1); a's entries are N(0, 1/width), so Var f(x) ≈ E[relu(z)²] = 1/2 for any width.</remarks>
/// <param name="W">Hidden weights, width × d.</param>
/// <param name="A">Output weights, length width.</param>
public sealed record Teacher(Matrix<float> W, float[] A)
{
    /// <summary>Default input dimension d.</summary>
    public const int DefaultInputDim = Synthetic.DefaultInputDim;

    /// <summary>Default number of hidden units (the 100-neuron teacher of EXPERIMENTS.md item 6).</summary>
    public const int DefaultWidth = 100;

    /// <summary>Input dimension d.</summary>
    public int InputDim => W.Cols;

    /// <summary>Number of hidden units.</summary>
    public int Width => W.Rows;

    /// <summary>Draws a teacher from <paramref name="key"/>.</summary>
    public static Teacher Create(RngKey key, int inputDim, int width)
    {
        if (inputDim < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(DataOptions.InputDim), inputDim, "allowed: InputDim ≥ 1");
        }

        if (width < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(DataOptions.TeacherWidth), width, "allowed: TeacherWidth ≥ 1");
        }

        var w = new Matrix<float>(width, inputDim);
        key.Split("hidden").Stream().FillGaussian(w.Data, 0, 1 / Math.Sqrt(inputDim));
        float[] a = new float[width];
        key.Split("output").Stream().FillGaussian(a, 0, 1 / Math.Sqrt(width));
        return new Teacher(w, a);
    }

    /// <summary>The teacher that <see cref="Datasets.Load"/> uses for these options.</summary>
    public static Teacher ForOptions(DataOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Create(RngKey.FromSeed(options.Seed).Split("teacher"),
            options.InputDim ?? DefaultInputDim, options.TeacherWidth ?? DefaultWidth);
    }

    /// <summary>f(x) for one input, accumulated in double in a fixed order (bit-reproducible).</summary>
    public double Evaluate(ReadOnlySpan<float> x)
    {
        if (x.Length != InputDim)
        {
            throw new ArgumentException($"x has length {x.Length}; the teacher's input dimension is {InputDim}.", nameof(x));
        }

        double f = 0;
        for (int k = 0; k < Width; k++)
        {
            ReadOnlySpan<float> wk = W.Row(k);
            double z = 0;
            for (int j = 0; j < wk.Length; j++)
            {
                z += (double)wk[j] * x[j];
            }

            f += A[k] * Math.Max(z, 0);
        }

        return f;
    }

    /// <summary>f applied to every row of <paramref name="inputs"/>: an n×1 matrix.</summary>
    public Matrix<float> Apply(Matrix<float> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var y = new Matrix<float>(inputs.Rows, 1);
        for (int i = 0; i < inputs.Rows; i++)
        {
            y.Data[i] = (float)Evaluate(inputs.Row(i));
        }

        return y;
    }

    /// <summary>The teacher–student regression task: inputs N(0, I_d), targets f(x); the training
    /// targets get N(0, OutputNoise²) noise, the test targets stay noiseless so test error is excess risk.</summary>
    public static DataSplit Generate(DataOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!(options.OutputNoise >= 0 && double.IsFinite(options.OutputNoise)))
        {
            throw new ArgumentOutOfRangeException(nameof(options.OutputNoise), options.OutputNoise,
                "allowed: 0 ≤ OutputNoise < ∞");
        }

        var teacher = ForOptions(options);
        var root = RngKey.FromSeed(options.Seed);
        int nTrain = Synthetic.Size(options.TrainSize, nameof(options.TrainSize), Synthetic.DefaultTrainSize);
        int nTest = Synthetic.Size(options.TestSize, nameof(options.TestSize), Synthetic.DefaultTestSize);

        var trainX = new Matrix<float>(nTrain, teacher.InputDim);
        root.Split("train-inputs").Stream().FillGaussian(trainX.Data, 0, 1);
        var testX = new Matrix<float>(nTest, teacher.InputDim);
        root.Split("test-inputs").Stream().FillGaussian(testX.Data, 0, 1);

        var trainY = teacher.Apply(trainX);
        if (options.OutputNoise > 0)
        {
            var noise = root.Split("output-noise").Stream();
            for (int i = 0; i < trainY.Length; i++)
            {
                trainY.Data[i] = (float)(trainY.Data[i] + options.OutputNoise * noise.NextGaussian());
            }
        }

        const string name = "teacher";
        return new DataSplit(new Dataset(name, trainX, null, trainY, 0), new Dataset(name, testX, null, teacher.Apply(testX), 0));
    }
}
