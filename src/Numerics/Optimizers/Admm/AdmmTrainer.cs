using System.Diagnostics;
using BoundLab.Numerics.Data;
using BoundLab.Numerics.Models;
using MathNet.Numerics.LinearAlgebra;

namespace BoundLab.Numerics.Optimizers.Admm;

/// <summary>What one ADMM iteration left behind (values after the iteration).</summary>
/// <param name="Iteration">1-based.</param>
/// <param name="Lagrangian">The augmented Lagrangian ℒ.</param>
/// <param name="PrimalResidual">sqrt(Σ‖r_i‖_F²), the constraint violation.</param>
/// <param name="PrimalResiduals">‖r_i‖_F per layer.</param>
/// <param name="KktResidual">‖∇ℒ‖ over all primal blocks (with the primal residual, zero exactly at a KKT point).</param>
/// <param name="TrainLoss">½‖f(X) − Y‖_F²/n of the network given by the current weights.</param>
/// <param name="Seconds">Wall time of the iteration (the monitoring is not included).</param>
public sealed record AdmmIterationRecord(int Iteration, double Lagrangian, double PrimalResidual, IReadOnlyList<double> PrimalResiduals,
    double KktResidual, double TrainLoss, double Seconds);

/// <summary>The trained network and its per-iteration history.</summary>
public sealed record AdmmResult(Model<float> Model, Model<float> Initial, IReadOnlyList<AdmmIterationRecord> History);

/// <summary>Trains a sigmoid MLP with squared loss by ADMM on a whole (full-batch) training set, in float64.</summary>
public static class AdmmTrainer
{
    /// <summary>Runs <paramref name="iterations"/> ADMM iterations from the initial network (its biases must be enabled iff options.Bias).</summary>
    public static AdmmResult Train(Model<float> initial, Dataset train, AdmmOptions options, int iterations,
        Action<AdmmIterationRecord>? onIteration = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(initial);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(options);
        options.Validated();
        MlpSpec spec = initial.Spec.Mlp ?? throw new ArgumentException($"ADMM trains plain MLPs; the model {initial.Spec.Name} is not one.", nameof(initial));
        if (iterations < 1) throw new ArgumentOutOfRangeException(nameof(iterations), iterations, "allowed: ≥ 1 iteration");
        if (spec.Hidden != Activation.Sigmoid)
            throw new ArgumentException($"ADMM is implemented for sigmoid networks; got activation {spec.Hidden}.", nameof(initial));
        if (spec.Bias != options.Bias)
            throw new ArgumentException($"the network has bias = {spec.Bias} but the ADMM options say {options.Bias}.", nameof(options));
        if (options.Beta.Count != spec.Layers)
            throw new ArgumentException($"got {options.Beta.Count} penalties β; {spec.Arch} has {spec.Layers} layers.", nameof(options));
        var state = AdmmState.Create(Inputs(train), Targets(train, spec.OutputDim), ToAdmmWeights(initial), options.Bias);
        var history = new List<AdmmIterationRecord>();
        for (int t = 1; t <= iterations; t++)
        {
            cancel.ThrowIfCancellationRequested();
            var clock = Stopwatch.StartNew();
            AdmmUpdates.Iterate(state, options);
            double seconds = clock.Elapsed.TotalSeconds;
            var residuals = AdmmLagrangian.PrimalResiduals(state);
            double fit = (state.Predict(state.X) - state.Y).FrobeniusNorm();
            var record = new AdmmIterationRecord(t, AdmmLagrangian.Value(state, options), Math.Sqrt(residuals.Sum(r => r * r)), residuals,
                AdmmLagrangian.Gradient(state, options).Norm, 0.5 * fit * fit / train.Count, seconds);
            if (!double.IsFinite(record.Lagrangian) || !double.IsFinite(record.KktResidual))
                throw new InvalidOperationException($"ADMM diverged at iteration {t}: the augmented Lagrangian is {record.Lagrangian}.");
            history.Add(record);
            onIteration?.Invoke(record);
        }
        return new AdmmResult(ToMlp(spec, state), initial.Clone(), history);
    }

    /// <summary>The samples as columns: X[j, i] = Inputs[i, j].</summary>
    public static Matrix<double> Inputs(Dataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return Matrix<double>.Build.Dense(data.InputDim, data.Count, (r, c) => data.Inputs[c, r]);
    }

    /// <summary>Targets as columns: regression targets, or one-hot labels for classification.</summary>
    public static Matrix<double> Targets(Dataset data, int outputs)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Labels is { } labels)
        {
            if (outputs != data.Classes) throw new ArgumentException($"the network has {outputs} outputs; '{data.Name}' has {data.Classes} classes (one-hot targets).", nameof(outputs));
            return Matrix<double>.Build.Dense(outputs, data.Count, (r, c) => labels[c] == r ? 1.0 : 0.0);
        }
        var t = data.Targets!;
        if (outputs != t.Cols) throw new ArgumentException($"the network has {outputs} outputs; '{data.Name}' has {t.Cols} targets.", nameof(outputs));
        return Matrix<double>.Build.Dense(outputs, data.Count, (r, c) => t[c, r]);
    }

    /// <summary>The MLP's weights as ADMM blocks [W_i b_i].</summary>
    public static Matrix<double>[] ToAdmmWeights(Model<float> net)
    {
        ArgumentNullException.ThrowIfNull(net);
        MlpSpec spec = net.Spec.Mlp ?? throw new ArgumentException($"ADMM trains plain MLPs; the model {net.Spec.Name} is not one.", nameof(net));
        bool bias = spec.Bias;
        var result = new Matrix<double>[spec.Layers];
        var weights = net.DenseWeights();
        var biases = net.DenseBiases();
        for (int i = 0; i < result.Length; i++)
        {
            var w = weights[i];
            var b = biases[i];
            result[i] = Matrix<double>.Build.Dense(w.Rows, w.Cols + (bias ? 1 : 0), (r, c) => c < w.Cols ? w[r, c] : b[r]);
        }
        return result;
    }

    /// <summary>The ADMM weights as an MLP (float32, rounded to nearest).</summary>
    public static Model<float> ToMlp(MlpSpec spec, AdmmState state)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(state);
        var weights = new Tensors.Matrix<float>[state.Layers];
        var biases = new float[state.Layers][];
        for (int i = 0; i < state.Layers; i++)
        {
            var w = state.W[i];
            int cols = w.ColumnCount - (state.Bias ? 1 : 0);
            weights[i] = new Tensors.Matrix<float>(w.RowCount, cols);
            for (int r = 0; r < w.RowCount; r++)
                for (int c = 0; c < cols; c++) weights[i][r, c] = (float)w[r, c];
            biases[i] = state.Bias ? Enumerable.Range(0, w.RowCount).Select(r => (float)w[r, cols]).ToArray() : [];
        }
        return Model<float>.FromDense(spec, new Backends.CpuBackend(), weights, biases);
    }
}
