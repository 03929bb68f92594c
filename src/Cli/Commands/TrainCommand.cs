using System.Diagnostics;
using System.Globalization;
using BoundLab.Cli.Framework;
using BoundLab.Cli.Framework.Options;
using BoundLab.Gpu;
using BoundLab.Numerics.Data;
using BoundLab.Numerics.Measurements;
using BoundLab.Numerics.Models;
using BoundLab.Numerics.Optimizers;
using BoundLab.Numerics.Runs;
using BoundLab.Numerics.Training;
using BoundLab.Studies.Runs;

namespace BoundLab.Cli.Commands;

/// <summary><c>boundlab train</c>: trains an MLP and writes DIR/run.json, DIR/weights.bin,
/// DIR/weights-init.bin and (when recorded) DIR/trajectory.csv.</summary>
public sealed class TrainCommand : ICommand
{
    /// <inheritdoc />
    public string Name => "train";

    /// <inheritdoc />
    public string Summary => "train a network; writes run.json with errors, gap, throughput and the weights";

    /// <inheritdoc />
    CommandSpec? ICommand.Spec => TrainOptions.Spec;

    /// <inheritdoc />
    public int Run(IReadOnlyList<string> args)
    {
        if (AdmmTrainCommand.IsRequested(args))
        {
            return AdmmTrainCommand.Run(args);
        }

        ParsedArgs reader = TrainOptions.Spec.Parse(args);
        if (reader.HelpRequested)
        {
            TrainOptions.Spec.WriteHelp(Console.Out);
            return 0;
        }

        TrainOptions o = TrainOptions.Parse(reader);
        // The device is resolved first: --device cuda without a GPU fails before a folder is made or data is loaded.
        SelectedDevice device = DeviceSelection.Select(o.Device, o.Config.Threads);
        // The folder is checked, locked and cleaned before any data is loaded or any step is taken.
        using RunFolder folder = RunFolder.Open(o.OutDir, o.Resume, o.Force);
        var wall = Stopwatch.StartNew();
        DataSplit data = Datasets.Load(o.Data, new Progress<string>(m => Console.Error.WriteLine(m)));
        Supersample? supersample = null;
        string supersampleFile = Path.Combine(folder.Layout.Folder, Supersample.FileName);
        if (o.Config.Algorithm is SgldOptions { Supersample: true })
        {
            supersample = Supersample.Split(data.Train, o.Config.Seed);
            data = new DataSplit(supersample.Train, data.Test);
            Console.Error.WriteLine($"supersample: training on {supersample.Train.Count:N0} of {2 * supersample.Train.Count:N0} points (selector bits in {Supersample.FileName})");
        }
        else if (File.Exists(supersampleFile))
        {
            // A leftover of an earlier supersample run in this folder (--force keeps unknown files): it would mislead measure.
            File.Delete(supersampleFile);
        }

        if (o.Config.Algorithm is SgldOptions { GradStatSubsample: > 0 and int m } && m > data.Train.Count)
        {
            throw UsageException.BadValue("--grad-subsample", m.ToString(CultureInfo.InvariantCulture),
                $"an integer in 1 … {data.Train.Count} (the training set's size)");
        }

        o = o.ResolveModel(data.Train);
        var trainer = new Trainer(o.Config, data, device.Backend, dataOptions: o.Data, ghost: supersample?.Ghost);
        bool regression = data.Train.Task == TaskKind.Regression;
        Console.Error.WriteLine(
            $"training {o.Config.Model.Name} ({o.Config.Model.ParameterCount:N0} parameters) on {data.Train.Name}: " +
            $"{data.Train.Count:N0} train / {data.Test.Count:N0} test, {o.Config.Algorithm.Name}, {o.Config.Epochs} epochs, seed {o.Config.Seed}");

        using var cancel = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        Checkpoint checkpoint = folder.Checkpoint;
        int completed = 0;
        if (o.Resume)
        {
            Console.Error.WriteLine(folder.State == RunFolderState.Interrupted
                ? $"resuming from {checkpoint.Directory}"
                : $"--resume: no checkpoint in {checkpoint.Directory}; starting from the beginning.");
            completed = folder.State == RunFolderState.Interrupted ? checkpoint.ReadState().CompletedEpochs : 0;
        }

        if (o.Device != DeviceKind.Cpu)
        {
            Console.Error.WriteLine(device.Description);
        }

        DeviceHistory devices = DeviceHistory.Read(folder.Layout.Folder, completed).Continue(completed + 1, device.Summary);
        if (devices.Mixed)
        {
            Console.Error.WriteLine($"note: {devices.Describe(Math.Max(completed + 1, o.Config.Epochs))}.");
        }

        var bar = ProgressBar.ForConsole();
        bool devicesSaved = false;
        void OnEpoch(EpochRecord r)
        {
            bar.EpochDone(r, regression);
            if (!devicesSaved)
            {
                // Written once this device has finished an epoch, so a run that fails before its first one leaves no trace.
                devices.Save(folder);
                devicesSaved = true;
            }
        }

        TrainResult result;
        try
        {
            result = trainer.Run(bar, cancel.Token, checkpoint, o.Resume, OnEpoch);
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine();
            Console.Error.WriteLine($"interrupted; finished epochs are saved in {checkpoint.Directory}. Continue with the same command plus --out {o.OutDir} --resume.");
            return 130;
        }
        catch (TrainingDivergedException e)
        {
            if (!Console.IsErrorRedirected)
            {
                Console.Error.WriteLine();
            }

            Console.Error.WriteLine($"failed: {e.Message}");
            return 1;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }

        // Built (and checked for non-finite numbers) before any file of the finished run is written.
        RunDocument document = RunRecord.Build(o, data, result, wall.Elapsed.TotalSeconds, devices.Describe(result.History.Count));
        ModelFile.Save(result.Model, folder.Layout.WeightsFile);
        ModelFile.Save(result.Initial, folder.Layout.InitialWeightsFile);
        if (result.Steps.Count > 0)
        {
            folder.WriteFile(RunLayout.TrajectoryFileName, tmp => RunRecords.WriteTrajectory(tmp, result.Steps));
        }

        if (supersample is not null)
        {
            folder.WriteFile(Supersample.FileName, tmp => File.WriteAllText(tmp, supersample.Format()));
        }

        // run.json last: its presence marks the run finished.
        document.Write(folder.RunJson);
        checkpoint.Delete();

        EpochRecord last = result.History[^1];
        string unit = regression ? "mse" : "error";
        Console.Error.WriteLine(
            $"done: train {unit} {last.TrainError:G4}, test {unit} {last.TestError:G4}, gap {last.TestError - last.TrainError:G4}; " +
            $"{result.SamplesPerSecond:N0} samples/s; wrote {folder.RunJson}");
        return 0;
    }
}
