using System.Diagnostics;
using System.Globalization;
using BoundLab.Numerics.Training;
using BoundLab.Studies.Results;
using BoundLab.Studies.Runner;

namespace BoundLab.Cli.Commands;

/// <summary>The study's progress on standard output: run k of N, epoch, loss and ETA redrawn on one line on a terminal
/// (at most 10 times a second); plain lines (run start, each epoch, run end) when standard output is redirected.</summary>
internal sealed class StudyDisplay(TextWriter w, TextWriter errors, bool interactive) : IStudyProgress
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Stopwatch _sinceDraw = Stopwatch.StartNew();
    private double _runsDone;
    private int _k, _n, _maxEpochs = 1;
    private string _id = "";
    private bool _lineOpen;

    /// <summary>Runs finished or failed by this invocation.</summary>
    public int Done { get; private set; }

    /// <inheritdoc />
    public void Skipped(int k, int n, PlannedRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        Line($"run {k}/{n} {run.Id} ({Describe(run)}): finished earlier, skipped");
    }

    /// <inheritdoc />
    public void Starting(int k, int n, PlannedRun run, string note)
    {
        ArgumentNullException.ThrowIfNull(run);
        (_k, _n, _id, _maxEpochs) = (k, n, run.Id, Math.Max(1, run.Config.Epochs));
        Line($"run {k}/{n} {run.Id} ({Describe(run)}){(note.Length > 0 ? ": " + note : "")}");
    }

    /// <inheritdoc />
    public void Step(TrainProgress progress)
    {
        ArgumentNullException.ThrowIfNull(progress);
        if (!interactive || _sinceDraw.ElapsedMilliseconds < 100)
        {
            return;
        }

        _sinceDraw.Restart();
        double fraction = (progress.Epoch - 1 + (double)progress.Step / progress.StepsPerEpoch) / _maxEpochs;
        w.Write(string.Create(CultureInfo.InvariantCulture,
            $"\rrun {_k}/{_n} {_id} epoch {progress.Epoch}/{_maxEpochs} step {progress.Step}/{progress.StepsPerEpoch} loss {progress.RunningLoss:F4} {Eta(fraction)}   "));
        _lineOpen = true;
    }

    /// <inheritdoc />
    public void Epoch(EpochRow row, int maxEpochs)
    {
        ArgumentNullException.ThrowIfNull(row);
        _maxEpochs = Math.Max(1, maxEpochs);
        Line(string.Create(CultureInfo.InvariantCulture,
            $"  run {_k}/{_n} epoch {row.Epoch}/{_maxEpochs}: train loss {row.TrainLoss:F4}, train error {100 * row.TrainError:F2}%, test error {100 * row.TestError:F2}% {Eta((double)row.Epoch / _maxEpochs)}"));
    }

    /// <inheritdoc />
    public void Finished(int k, int n, PlannedRun run, double trainError, double testError, int epochs, double seconds)
    {
        ArgumentNullException.ThrowIfNull(run);
        Done++;
        _runsDone++;
        Line(string.Create(CultureInfo.InvariantCulture,
            $"run {k}/{n} {run.Id} done: {epochs} epochs, train error {100 * trainError:F2}%, test error {100 * testError:F2}%, gap {100 * (testError - trainError):F2}% ({seconds:F1} s)"));
    }

    /// <inheritdoc />
    public void Failed(int k, int n, PlannedRun run, string error)
    {
        ArgumentNullException.ThrowIfNull(run);
        Done++;
        _runsDone++;
        EndLine();
        errors.WriteLine($"run {k}/{n} {run.Id} ({Describe(run)}) FAILED: {error}");
    }

    private static string Describe(PlannedRun run)
        => run.Axes.Count == 0 ? run.Spec.Group : string.Join(", ", run.Axes.Select(kv => $"{kv.Key} {kv.Value}"));

    // ETA from the time per run so far, counting the current run's finished fraction.
    private string Eta(double currentFraction)
    {
        double done = _runsDone + Math.Clamp(currentFraction, 0, 1);
        int remainingRuns = _n - _k + 1;
        if (done <= 0 || _n == 0)
        {
            return "";
        }

        double perRun = _clock.Elapsed.TotalSeconds / done;
        double left = perRun * (remainingRuns - Math.Clamp(currentFraction, 0, 1));
        var t = TimeSpan.FromSeconds(Math.Max(0, left));
        return "ETA " + (t.TotalHours >= 1 ? $"{(int)t.TotalHours}h{t.Minutes:D2}m" : $"{t.Minutes}m{t.Seconds:D2}s");
    }

    private void Line(string text)
    {
        EndLine();
        w.WriteLine(text);
    }

    private void EndLine()
    {
        if (_lineOpen)
        {
            w.Write("\r" + new string(' ', 110) + "\r");
            _lineOpen = false;
        }
    }
}
