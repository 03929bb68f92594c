using System.Diagnostics;
using BoundLab.Numerics.Training;

namespace BoundLab.Cli.Framework;

/// <summary>Training progress on standard error: a redrawn bar on a terminal (at most 10 times a
/// second), plain lines when standard error is redirected (logs stay readable).</summary>
public sealed class ProgressBar(TextWriter writer, bool interactive) : IProgress<TrainProgress>
{
    private const int Width = 30;
    private readonly Stopwatch _sinceDraw = Stopwatch.StartNew();
    private readonly Stopwatch _epochClock = new();
    private int _epoch = -1;

    /// <summary>A bar on the console's standard error.</summary>
    public static ProgressBar ForConsole() => new(Console.Error, !Console.IsErrorRedirected);

    /// <inheritdoc />
    public void Report(TrainProgress value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Epoch != _epoch)
        {
            _epoch = value.Epoch;
            _epochClock.Restart();
        }

        bool last = value.Step == value.StepsPerEpoch;
        if (!interactive || (!last && _sinceDraw.ElapsedMilliseconds < 100))
        {
            return;
        }

        _sinceDraw.Restart();
        int filled = (int)((long)Width * value.Step / value.StepsPerEpoch);
        writer.Write($"\repoch {value.Epoch}/{value.Epochs} [{new string('#', filled)}{new string('.', Width - filled)}] " +
                     $"{value.Step}/{value.StepsPerEpoch}  loss {value.RunningLoss:F4}  {_epochClock.Elapsed.TotalSeconds:F1}s ");
    }

    /// <summary>Prints the finished epoch's measurements on their own line.</summary>
    public void EpochDone(EpochRecord r, bool regression)
    {
        ArgumentNullException.ThrowIfNull(r);
        string Fmt(double e) => regression ? e.ToString("F4", System.Globalization.CultureInfo.InvariantCulture)
                                           : (100 * e).ToString("F2", System.Globalization.CultureInfo.InvariantCulture) + "%";
        string what = regression ? "mse" : "error";
        writer.WriteLine($"{(interactive ? "\r" : "")}epoch {r.Epoch}: lr {r.LearningRate:G4}  train loss {r.TrainLoss:F4}  " +
                         $"train {what} {Fmt(r.TrainError)}  test {what} {Fmt(r.TestError)}  ({r.Seconds:F1}s)" +
                         (interactive ? new string(' ', 12) : ""));
    }
}
