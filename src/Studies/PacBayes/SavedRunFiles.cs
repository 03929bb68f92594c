using BoundLab.Numerics.Data;
using BoundLab.Numerics.Models;
using BoundLab.Numerics.Runs;

namespace BoundLab.Studies.PacBayes;

/// <summary>A finished run folder as the PAC-Bayes pipeline reads it: run.json, w (weights.bin), w₀ (weights-init.bin) and
/// the data run.json's config rebuilds.</summary>
/// <param name="Document">run.json.</param>
/// <param name="Spec">The architecture.</param>
/// <param name="Final">w per parameter tensor.</param>
/// <param name="Init">w₀ per parameter tensor.</param>
/// <param name="Options">The data options of the run.</param>
/// <param name="Data">The run's training and test sets.</param>
internal sealed record SavedRunFiles(RunDocument Document, ModelSpec Spec, float[][] Final, float[][] Init, DataOptions Options, DataSplit Data)
{
    /// <summary>Reads <paramref name="dir"/>; a missing or unreadable file is a <see cref="PacBayesException"/> naming it.</summary>
    public static SavedRunFiles Load(string dir, string? dataDir)
    {
        var layout = new RunLayout(dir);
        if (!Directory.Exists(dir))
            throw new PacBayesException($"RUN_DIR {dir}: no such folder; allowed: a run folder written by boundlab train.");
        if (!File.Exists(layout.RunFile))
            throw new PacBayesException($"RUN_DIR {dir}: holds no {RunLayout.RunFileName}; allowed: a finished run folder written by boundlab train.");
        RunDocument doc;
        try
        {
            doc = RunDocument.Read(layout.RunFile);
        }
        catch (RunFileException e)
        {
            throw new PacBayesException($"RUN_DIR {dir}: run.json is not readable ({e.Message.TrimEnd('.')}).");
        }

        if (!doc.Data.IsClassification)
            throw new PacBayesException($"RUN_DIR {dir}: the run is a regression ({doc.Data.Name}); a PAC-Bayes certificate bounds a classifier's 0-1 error.");
        (ModelSpec spec, float[][] w) = Weights(dir, layout, doc.Fingerprint.Weights);
        (ModelSpec spec0, float[][] w0) = Weights(dir, layout, doc.Fingerprint.WeightsInit);
        if (spec != spec0)
            throw new PacBayesException($"RUN_DIR {dir}: {doc.Fingerprint.Weights} is {spec.Name} but {doc.Fingerprint.WeightsInit} is {spec0.Name}; they must be the same architecture.");
        RunConfig c = doc.Config;
        var options = new DataOptions(c.Data, dataDir ?? c.DataDir, c.TrainSize, c.TestSize, c.LabelNoise, c.Seed);
        DataSplit data = Datasets.Load(options);
        if (data.Train.InputDim != spec.InputDim)
            throw new PacBayesException($"RUN_DIR {dir}: the weights take {spec.InputDim} inputs but the rebuilt {data.Train.Name} data has {data.Train.InputDim}; the run folder does not match its data.");
        return new SavedRunFiles(doc, spec, w, w0, options, data);
    }

    private static (ModelSpec, float[][]) Weights(string dir, RunLayout layout, string name)
    {
        string path;
        try
        {
            path = layout.File(name);
        }
        catch (ArgumentException e)
        {
            throw new PacBayesException($"RUN_DIR {dir}: {e.Message.Split(" (Parameter")[0]}");
        }

        if (!File.Exists(path))
            throw new PacBayesException($"RUN_DIR {dir}: {name} is missing; allowed: a run folder holding the weights run.json names.");
        try
        {
            return ModelFile.Read(path);
        }
        catch (InvalidDataException e)
        {
            throw new PacBayesException($"RUN_DIR {dir}: {name} is not readable ({e.Message.TrimEnd('.')}).");
        }
    }
}
