using BoundLab.Numerics.Tensors;

namespace BoundLab.Numerics.Data;

/// <summary>What a dataset asks a model to predict.</summary>
public enum TaskKind
{
    /// <summary>Integer labels in [0, Classes).</summary>
    Classification,

    /// <summary>Real-valued targets, one row per input.</summary>
    Regression,
}

/// <summary>A labelled sample: inputs n×d (float32), with either class labels or regression targets.</summary>
/// <remarks>Classification: <see cref="Labels"/> has length n with values in [0, Classes) and
/// <see cref="Targets"/> is null. Regression: <see cref="Targets"/> is n×outputs, <see cref="Labels"/> is
/// null and <see cref="Classes"/> is 0. The constructor checks these rules (a <c>with</c> copy is not
/// re-checked).</remarks>
public sealed record Dataset(string Name, Matrix<float> Inputs, int[]? Labels, Matrix<float>? Targets, int Classes)
{
    /// <summary>The dataset's name (see <see cref="Datasets.Names"/>).</summary>
    public string Name { get; init; } = Check(Name, Inputs, Labels, Targets, Classes);

    /// <summary>Classification when labels are present, regression otherwise.</summary>
    public TaskKind Task => Labels is not null ? TaskKind.Classification : TaskKind.Regression;

    /// <summary>Number of examples n.</summary>
    public int Count => Inputs.Rows;

    /// <summary>Input dimension d.</summary>
    public int InputDim => Inputs.Cols;

    /// <summary>Number of model outputs the task needs: <see cref="Classes"/> for classification (2 for a
    /// binary task — a one-logit model can check <c>Classes == 2</c>), the target width for regression.</summary>
    public int OutputDim => Labels is not null ? Classes : Targets!.Cols;

    /// <summary>Training positions whose label was replaced by label noise (sorted), or null when no
    /// label noise was applied. A replaced label may equal the true one (Zhang et al. 2017).</summary>
    public IReadOnlyList<int>? NoisyLabelIndices { get; init; }

    /// <summary>The rows at <paramref name="rows"/> (in that order) as a dataset named <paramref name="name"/>; noisy-label
    /// positions are carried over to their new indices.</summary>
    public Dataset SelectRows(IReadOnlyList<int> rows, string name)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var x = new Matrix<float>(rows.Count, InputDim);
        Matrix<float>? targets = Targets is null ? null : new Matrix<float>(rows.Count, Targets.Cols);
        var position = new Dictionary<int, int>();
        for (int i = 0; i < rows.Count; i++)
        {
            int r = rows[i];
            if ((uint)r >= (uint)Count)
                throw new ArgumentOutOfRangeException(nameof(rows), r, $"row {i} is {r}; allowed: 0 … {Count - 1} (dataset '{Name}').");
            Inputs.Row(r).CopyTo(x.Row(i));
            Targets?.Row(r).CopyTo(targets!.Row(i));
            position[r] = i;
        }

        int[]? labels = Labels is null ? null : rows.Select(r => Labels[r]).ToArray();
        IReadOnlyList<int>? noisy = NoisyLabelIndices?.Where(position.ContainsKey).Select(r => position[r]).Order().ToArray();
        return new Dataset(name, x, labels, targets, Classes) { NoisyLabelIndices = noisy };
    }

    /// <summary>SHA-256 (lower-case hex) of the inputs' float32 bits, then the labels or the targets.</summary>
    public string ContentSha256()
    {
        using var sha = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        sha.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(Inputs.Data.AsSpan()));
        if (Labels is not null)
            sha.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(Labels.AsSpan()));
        if (Targets is not null)
            sha.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(Targets.Data.AsSpan()));
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    // Runs once from the constructor (through Name's initializer) and returns the name unchanged.
    private static string Check(string name, Matrix<float> inputs, int[]? labels, Matrix<float>? targets, int classes)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(inputs);
        if (labels is null == targets is null)
        {
            throw new ArgumentException(
                $"Dataset '{name}': exactly one of Labels (classification) and Targets (regression) must be given; " +
                $"found Labels {(labels is null ? "null" : "set")}, Targets {(targets is null ? "null" : "set")}.",
                nameof(Labels));
        }

        if (labels is not null)
        {
            if (classes < 2)
            {
                throw new ArgumentOutOfRangeException(nameof(Classes), classes,
                    $"Dataset '{name}': a classification dataset needs Classes ≥ 2.");
            }

            if (labels.Length != inputs.Rows)
            {
                throw new ArgumentException(
                    $"Dataset '{name}': Labels has length {labels.Length}; Inputs has {inputs.Rows} rows.", nameof(Labels));
            }

            for (int i = 0; i < labels.Length; i++)
            {
                if ((uint)labels[i] >= (uint)classes)
                {
                    throw new ArgumentOutOfRangeException(nameof(Labels), labels[i],
                        $"Dataset '{name}': label {i} is {labels[i]}; allowed: 0 … {classes - 1}.");
                }
            }
        }
        else
        {
            if (classes != 0)
            {
                throw new ArgumentOutOfRangeException(nameof(Classes), classes,
                    $"Dataset '{name}': a regression dataset has Classes = 0.");
            }

            if (targets!.Rows != inputs.Rows)
            {
                throw new ArgumentException(
                    $"Dataset '{name}': Targets has {targets.Rows} rows; Inputs has {inputs.Rows}.", nameof(Targets));
            }
        }

        return name;
    }
}

/// <summary>A training set and a test set drawn from the same task.</summary>
public sealed record DataSplit(Dataset Train, Dataset Test);
