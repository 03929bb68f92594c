using BoundLab.Cli.Framework;
using BoundLab.Numerics.Measurements;
using BoundLab.Numerics.Runs;
using BoundLab.Numerics.Training;

namespace BoundLab.Cli.Commands;

/// <summary>The run-folder glue of measures.json: the trajectory sums from RUN_DIR/trajectory.csv and run.json's
/// optimizer parameters (the measurements themselves are <see cref="NetworkMeasures"/>).</summary>
internal static class RunMeasurements
{
    /// <summary>The trajectory sums of a run, null when it recorded no trajectory; a malformed file is a UsageException.</summary>
    public static TrajectoryMeasures? Trajectory(string dir, RunLayout layout, RunConfig config, double? lipschitz)
    {
        string path = layout.TrajectoryFile;
        if (!File.Exists(path))
        {
            if (lipschitz is not null)
            {
                throw new UsageException($"--lipschitz: RUN_DIR {dir} has no {RunLayout.TrajectoryFileName} (train with --record-steps or --optimizer sgld); leave it out.");
            }

            return null;
        }

        GradientConfig? g = config.Gradient;
        if (lipschitz is not null && g?.Beta is null)
        {
            throw new UsageException($"--lipschitz: applies only to SGLD runs (k₀ needs β), not to the {config.Optimizer} run in {dir}; leave it out.");
        }

        try
        {
            IReadOnlyList<StepRecord> steps = TrajectoryCsv.Read(path);
            return TrajectoryMeasures.Of(steps, new TrajectoryInputs(g?.Beta, g?.WeightDecay ?? 0, lipschitz));
        }
        catch (Exception e) when (e is InvalidDataException or ArgumentException)
        {
            throw new UsageException($"RUN_DIR {dir}: {RunLayout.TrajectoryFileName}: {e.Message.Split(" (Parameter")[0]}");
        }
    }
}
