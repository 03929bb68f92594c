using System.Globalization;

namespace BoundLab.Numerics.Models;

/// <summary>Weight initialization schemes.</summary>
public enum Initialization
{
    /// <summary>N(0, 2/fan_in) — He et al. 2015, for ReLU.</summary>
    He,

    /// <summary>N(0, 1/fan_in) — LeCun et al. 1998, for sigmoid/tanh.</summary>
    LeCun,

    /// <summary>N(0, σ²) with a given σ.</summary>
    Gaussian,
}

/// <summary>Architecture of a fully connected network: layer widths d_0 (input) … d_L (output),
/// the hidden activation (the output layer is linear) and whether layers have biases.</summary>
public sealed record MlpSpec
{
    /// <summary>Creates a spec, checking widths ≥ 1 and at least one weight layer.</summary>
    public MlpSpec(IReadOnlyList<int> widths, Activation hidden = Activation.Relu, bool bias = true)
    {
        ArgumentNullException.ThrowIfNull(widths);
        if (widths.Count < 2)
        {
            throw new ArgumentException(
                $"widths has {widths.Count} entries; allowed: at least 2 (input and output).", nameof(widths));
        }

        for (int i = 0; i < widths.Count; i++)
        {
            if (widths[i] < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(widths), widths[i], $"width {i} must be ≥ 1");
            }
        }

        Widths = widths.ToArray();
        Hidden = hidden;
        Bias = bias;
    }

    /// <summary>d_0 … d_L.</summary>
    public IReadOnlyList<int> Widths { get; }

    /// <summary>Activation of every hidden layer.</summary>
    public Activation Hidden { get; }

    /// <summary>Whether each layer has a bias vector.</summary>
    public bool Bias { get; }

    /// <summary>Number of weight matrices L.</summary>
    public int Layers => Widths.Count - 1;

    /// <summary>d_0.</summary>
    public int InputDim => Widths[0];

    /// <summary>d_L.</summary>
    public int OutputDim => Widths[^1];

    /// <summary>Total parameter count P (weights and biases).</summary>
    public long ParameterCount
    {
        get
        {
            long p = 0;
            for (int i = 1; i < Widths.Count; i++)
            {
                p += (long)Widths[i] * Widths[i - 1] + (Bias ? Widths[i] : 0);
            }

            return p;
        }
    }

    /// <summary>Architecture text, e.g. "784-512-512-10".</summary>
    public string Arch => string.Join('-', Widths);

    /// <summary>Parses "784-512-512-10"; the error names the text and what is allowed.</summary>
    public static MlpSpec Parse(string arch, Activation hidden = Activation.Relu, bool bias = true)
    {
        ArgumentNullException.ThrowIfNull(arch);
        string[] parts = arch.Split('-');
        var widths = new List<int>();
        foreach (string p in parts)
        {
            if (!int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out int w) || w < 1)
            {
                throw new ArgumentException(
                    $"'{arch}' is not an architecture; allowed: positive widths joined by '-', input first, e.g. 784-512-512-10.",
                    nameof(arch));
            }

            widths.Add(w);
        }

        if (widths.Count < 2)
        {
            throw new ArgumentException(
                $"'{arch}' has one width; allowed: at least input and output, e.g. 784-10.", nameof(arch));
        }

        return new MlpSpec(widths, hidden, bias);
    }
}
