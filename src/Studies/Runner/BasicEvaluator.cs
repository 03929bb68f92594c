using BoundLab.Bounds.Catalog;
using BoundLab.Bounds.Catalog.Sweep;
using BoundLab.Numerics.Data;
using BoundLab.Numerics.Losses;
using BoundLab.Numerics.Models;
using BoundLab.Numerics.Runs;
using BoundLab.Numerics.Training;
using BoundLab.Studies.Results;

namespace BoundLab.Studies.Runner;

/// <summary>The evaluator a study uses until the measurement-based one is wired in: the whole catalog evaluated on the
/// quantities a run's record determines without measuring the weights (n, n_test, train and test error, δ = 0.05, the class
/// count); entries that need norms, margins or trajectory sums come out not applicable, saying which inputs are missing.</summary>
public sealed class BasicEvaluator : IRunEvaluator
{
    /// <summary>The total failure probability every bound is evaluated at.</summary>
    public const double Delta = 0.05;

    /// <inheritdoc />
    public RunEvaluation Epoch(string runDir, Model<float> net, Model<float> init, Dataset train, int threads)
    {
        ArgumentNullException.ThrowIfNull(net);
        ArgumentNullException.ThrowIfNull(train);
        var q = new Dictionary<string, double> { ["n"] = train.Count };
        if (train.Task == TaskKind.Classification)
        {
            // The training error of the in-memory network (one forward pass; the loss chosen does not change the error).
            q["train_error"] = new Objective<float>(net, net.Backend.Upload(train), LossKind.CrossEntropy).Evaluate().Error;
        }

        MlpSpec? mlp = net.Spec.Mlp;
        var facts = new RunFacts(train.Task == TaskKind.Classification ? train.Classes : null, mlp?.Layers,
            mlp?.Hidden.ToString().ToLowerInvariant() ?? "mixed", "unknown", "unknown", mlp?.Bias ?? true, mlp is not null);
        return Evaluate(facts, q);
    }

    /// <inheritdoc />
    public RunEvaluation Final(string runDir, int threads)
    {
        ArgumentException.ThrowIfNullOrEmpty(runDir);
        RunDocument d = RunDocument.Read(new RunLayout(runDir).RunFile);
        bool classification = d.Data.Task == RunData.Classification;
        int? depth = null;
        bool mlp = false;
        try
        {
            depth = MlpSpec.Parse(d.Config.Arch).Layers;
            mlp = true;
        }
        catch (ArgumentException)
        {
            // A named model (lenet, resmlp-…): no plain depth.
        }

        var facts = new RunFacts(classification ? d.Data.Classes : null, depth, mlp ? d.Config.Activation : "mixed", d.Config.Optimizer,
            d.Config.Loss, d.Config.Bias, mlp);
        var q = new Dictionary<string, double>
        {
            ["n"] = d.Data.NTrain,
            ["n_test"] = d.Data.NTest,
            ["train_error"] = d.Results.TrainError,
            ["test_error"] = d.Results.TestError,
        };
        return Evaluate(facts, q);
    }

    /// <summary>Measures (the quantities, δ left out) and every catalog entry's outcome on them.</summary>
    public static RunEvaluation Evaluate(RunFacts facts, IReadOnlyDictionary<string, double> quantities)
    {
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(quantities);
        var q = new Dictionary<string, double>(quantities) { ["delta"] = Delta };

        IReadOnlyList<BoundRow> rows = BoundSweep.EvaluateAll(facts, q).Select(Row).ToArray();
        return new RunEvaluation(new SortedDictionary<string, double>(quantities.ToDictionary(), StringComparer.Ordinal), rows);
    }

    /// <summary>The store's row of one outcome.</summary>
    public static BoundRow Row(BoundOutcome o)
    {
        ArgumentNullException.ThrowIfNull(o);
        BoundEntry e = o.Entry;
        string family = e.Family.Name(), provenance = e.Provenance.Name(), target = e.Target.Name();
        return o switch
        {
            BoundEvaluated v => new BoundRow(e.Id, family, provenance, target, o.Status, v.Result.Value,
                e.Target == BoundTarget.Measure ? null : v.Result.Vacuous, null, v.Result.DeltaBudget.IsEmpty ? null : v.Result.DeltaBudget.Total),
            BoundNotApplicable na => new BoundRow(e.Id, family, provenance, target, o.Status, null, null, na.Reason, null),
            BoundInputError ie => new BoundRow(e.Id, family, provenance, target, o.Status, null, null, ie.Message.ReplaceLineEndings(" "), null),
            _ => throw new ArgumentException($"outcome {o.GetType().Name}; allowed: evaluated, not applicable, input error.", nameof(o)),
        };
    }
}
