using BoundLab.Numerics.Stochastic;

namespace BoundLab.Studies.PacBayes;

/// <summary>What the PAC-Bayes pipeline reports as it goes (the CLI prints it; the study and tests may ignore it).</summary>
public interface IPacBayesProgress
{
    /// <summary>A stage starts, is skipped (recorded earlier) or a note about the run.</summary>
    void Stage(string message);

    /// <summary>A posterior-training epoch ended (<paramref name="epochs"/> in total).</summary>
    void Epoch(PosteriorEpoch epoch, int epochs);

    /// <summary>Monte-Carlo pass <paramref name="pass"/> of <paramref name="passes"/> over <paramref name="set"/> ended.</summary>
    void McPass(string set, int pass, int passes);
}

/// <summary>Progress that goes nowhere.</summary>
public sealed class NoPacBayesProgress : IPacBayesProgress
{
    /// <summary>The one instance.</summary>
    public static NoPacBayesProgress Instance { get; } = new();

    /// <inheritdoc/>
    public void Stage(string message) { }

    /// <inheritdoc/>
    public void Epoch(PosteriorEpoch epoch, int epochs) { }

    /// <inheritdoc/>
    public void McPass(string set, int pass, int passes) { }
}
