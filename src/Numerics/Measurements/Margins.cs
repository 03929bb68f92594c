using System.Numerics;
using BoundLab.Numerics.Tensors;

namespace BoundLab.Numerics.Measurements;

/// <summary>Classification margins of a network's outputs and the statistics bounds and measures use.</summary>
public static class Margins
{
    /// <summary>Per-sample margin: f(x)_y − max_{j≠y} f(x)_j for a logits matrix (n × k, k ≥ 2) with labels in
    /// [0, k); for a single output column (binary, labels 0/1) it is (2y − 1)·f(x). Negative means misclassified.</summary>
    public static double[] Compute<T>(Matrix<T> logits, IReadOnlyList<int> labels) where T : unmanaged, INumber<T>
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(labels);
        if (labels.Count != logits.Rows)
        {
            throw new ArgumentException($"labels has {labels.Count} entries; logits has {logits.Rows} rows.", nameof(labels));
        }

        int k = logits.Cols;
        if (k < 1)
        {
            throw new ArgumentException($"logits is {logits.Shape}; allowed: at least one column.", nameof(logits));
        }

        int classes = k == 1 ? 2 : k;
        var m = new double[logits.Rows];
        for (int i = 0; i < m.Length; i++)
        {
            int y = labels[i];
            if ((uint)y >= (uint)classes)
            {
                throw new ArgumentOutOfRangeException(nameof(labels), y, $"label {i} is {y}; allowed: 0 … {classes - 1}.");
            }

            Span<T> row = logits.Row(i);
            if (k == 1)
            {
                double f = double.CreateChecked(row[0]);
                m[i] = y == 1 ? f : -f;
            }
            else
            {
                double best = double.NegativeInfinity;
                for (int j = 0; j < k; j++)
                {
                    if (j != y)
                    {
                        best = Math.Max(best, double.CreateChecked(row[j]));
                    }
                }

                m[i] = double.CreateChecked(row[y]) - best;
            }

            if (!double.IsFinite(m[i]))
            {
                throw new ArgumentException($"logits row {i} gives margin {m[i]}; allowed: finite logits only.", nameof(logits));
            }
        }

        return m;
    }

    /// <summary>The q-quantile, 0 ≤ q ≤ 1, by linear interpolation between order statistics
    /// (Hyndman &amp; Fan 1996 type 7, numpy's default): position q·(n − 1) in the sorted margins.</summary>
    public static double Quantile(IReadOnlyList<double> margins, double q)
    {
        double[] s = Sorted(margins);
        if (!(q >= 0 && q <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(q), q, "allowed: 0 ≤ q ≤ 1");
        }

        double h = q * (s.Length - 1);
        int lo = (int)Math.Floor(h);
        int hi = Math.Min(lo + 1, s.Length - 1);
        return s[lo] + (h - lo) * (s[hi] - s[lo]);
    }

    // Jiang et al. 2020, §"Margin" measures: the margin γ is the 10th percentile of the training margins.
    /// <summary>The ⌊n/10⌋-th smallest margin (0-based), the γ of Jiang et al. 2020's margin-normalized measures.</summary>
    public static double Q10(IReadOnlyList<double> margins) => Sorted(margins)[margins.Count / 10];

    // Bartlett, Foster & Telgarsky 2017, §2 (ramp loss ℓ_γ); Mohri et al. 2018, Def. 5.5 (margin loss Φ_ρ).
    /// <summary>Mean ramp loss at γ &gt; 0: ℓ_γ(m) = 1 for m ≤ 0, 1 − m/γ for 0 &lt; m &lt; γ, 0 for m ≥ γ.
    /// It lies between the 0-1 error (margin ≤ 0 counted as an error) and the margin error at γ.</summary>
    public static double RampLoss(IReadOnlyList<double> margins, double gamma)
    {
        CheckMargins(margins);
        if (!(gamma > 0 && double.IsFinite(gamma)))
        {
            throw new ArgumentOutOfRangeException(nameof(gamma), gamma, "allowed: finite γ > 0");
        }

        double s = 0;
        foreach (double m in margins)
        {
            s += m <= 0 ? 1 : m >= gamma ? 0 : 1 - m / gamma;
        }

        return s / margins.Count;
    }

    /// <summary>Fraction of margins ≤ γ (γ = 0: the 0-1 error with ties counted as errors).</summary>
    public static double MarginError(IReadOnlyList<double> margins, double gamma)
    {
        CheckMargins(margins);
        if (!double.IsFinite(gamma))
        {
            throw new ArgumentOutOfRangeException(nameof(gamma), gamma, "allowed: finite γ");
        }

        return margins.Count(m => m <= gamma) / (double)margins.Count;
    }

    private static double[] Sorted(IReadOnlyList<double> margins)
    {
        CheckMargins(margins);
        double[] s = margins.ToArray();
        Array.Sort(s);
        return s;
    }

    private static void CheckMargins(IReadOnlyList<double> margins)
    {
        ArgumentNullException.ThrowIfNull(margins);
        if (margins.Count == 0)
        {
            throw new ArgumentException("margins is empty; allowed: at least one sample.", nameof(margins));
        }

        foreach (double m in margins)
        {
            if (!double.IsFinite(m))
            {
                throw new ArgumentException($"margins contains {m}; allowed: finite values only.", nameof(margins));
            }
        }
    }
}
