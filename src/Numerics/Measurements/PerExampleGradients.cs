using System.Numerics;
using BoundLab.Numerics.Models;
using BoundLab.Numerics.Training;

namespace BoundLab.Numerics.Measurements;

/// <summary>Per-example loss gradients at the current parameters, one row at a time through the objective (so any
/// backend and element type): the statistics the trajectory bounds need. Each call overwrites the model's gradients.</summary>
public static class PerExampleGradients
{
    /// <summary>‖∇_w ℓ(w, z_i)‖² for each row i of the objective's data (the loss of that one example; no weight decay).</summary>
    public static double[] SquaredNorms<T>(Objective<T> objective, ReadOnlySpan<int> rows) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(objective);
        CheckRows(objective, rows, nameof(rows));
        var result = new double[rows.Length];
        for (int j = 0; j < rows.Length; j++)
        {
            objective.OnRows(rows.Slice(j, 1));
            double s = 0;
            foreach (Parameter<T> p in objective.Model.Parameters)
            {
                s += objective.Backend.EffectiveGradientNormSquared(p.Value, p.Grad, 0);
            }

            result[j] = s;
        }

        return result;
    }

    // Li, Luo, Qiao (ICLR 2020), Theorems 9 and 11: g_e(t) = (1/n) Σ_i ‖∇ℓ(w, z_i)‖², estimated on a fixed subsample.
    /// <summary>g_e: the mean of <see cref="SquaredNorms"/> over <paramref name="rows"/> (summed in row order).</summary>
    public static double MeanSquaredNorm<T>(Objective<T> objective, ReadOnlySpan<int> rows) where T : unmanaged, IFloatingPointIeee754<T>
    {
        double[] s = SquaredNorms(objective, rows);
        double sum = 0;
        foreach (double v in s)
        {
            sum += v;
        }

        return sum / s.Length;
    }

    // Haghifam, Negrea, Khisti, Roy, Dziugaite (NeurIPS 2020): the two-sample incoherence ξ = ∇ℓ(w, z_J1) − ∇ℓ(w, z_J2).
    /// <summary>The mean over j of ‖∇ℓ(w, a_j) − ∇ℓ(w, b_j)‖², a_j row j of <paramref name="first"/>'s data and b_j row j
    /// of <paramref name="second"/>'s (both objectives of the same model), differences in float64.</summary>
    public static double MeanPairDifference<T>(Objective<T> first, Objective<T> second) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        if (!ReferenceEquals(first.Model, second.Model))
        {
            throw new ArgumentException("second is an objective of another model; allowed: two objectives of one model.", nameof(second));
        }

        int n = first.Data.Count;
        if (second.Data.Count != n || n == 0)
        {
            throw new ArgumentException($"first has {n} rows, second {second.Data.Count}; allowed: the same positive number of rows (pairs).", nameof(second));
        }

        double sum = 0;
        for (int j = 0; j < n; j++)
        {
            first.OnRows([j]);
            double[] a = first.Model.FlatGradients();
            second.OnRows([j]);
            double[] b = second.Model.FlatGradients();
            double d2 = 0;
            for (int i = 0; i < a.Length; i++)
            {
                double d = a[i] - b[i];
                d2 += d * d;
            }

            sum += d2;
        }

        return sum / n;
    }

    private static void CheckRows<T>(Objective<T> objective, ReadOnlySpan<int> rows, string name) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (rows.IsEmpty)
        {
            throw new ArgumentException("rows is empty; allowed: at least one row.", name);
        }

        foreach (int r in rows)
        {
            if ((uint)r >= (uint)objective.Data.Count)
            {
                throw new ArgumentOutOfRangeException(name, r, $"allowed: rows in 0 … {objective.Data.Count - 1}");
            }
        }
    }
}
