using System.Globalization;
using System.Text.Json.Nodes;
using BoundLab.Bounds.Catalog;
using BoundLab.Bounds.Catalog.Compression;
using BoundLab.Cli.Framework;
using BoundLab.Cli.Framework.Options;
using BoundLab.Numerics.Backends;
using BoundLab.Numerics.Data;
using BoundLab.Numerics.Losses;
using BoundLab.Numerics.Models;
using BoundLab.Numerics.Runs;
using BoundLab.Numerics.Training;

namespace BoundLab.Cli.Commands;

/// <summary>
/// <c>boundlab compress RUN_DIR</c>: quantizes the weights of a saved run (uniform or k-means levels), codes them
/// (arithmetic or Huffman, lengths computed exactly), measures the quantized network's training error and evaluates
/// occam-kl and lotfi22-compression (Lotfi et al. 2022) on it.
/// </summary>
public sealed class CompressCommand : ICommand
{
    private readonly TextWriter? output;

    /// <summary>Writes to standard output.</summary>
    public CompressCommand() { }

    /// <summary>Writes to the given writer (tests capture output this way).</summary>
    public CompressCommand(TextWriter output) => this.output = output;

    private TextWriter Out => output ?? Console.Out;

    /// <inheritdoc />
    CommandSpec? ICommand.Spec => Spec;

    /// <inheritdoc/>
    public string Name => "compress";

    /// <inheritdoc/>
    public string Summary => "quantize a saved run's weights, code them, and evaluate the compression bounds";

    private static readonly CliArgument RunDir = new("RUN_DIR", "a folder written by `boundlab train` (run.json, weights.bin)",
        "RUN_DIR (a folder written by `boundlab train`)");

    private static readonly CliOption<int> Levels = Opt.Int("--levels", "K", "number of quantization levels", 7, min: 2, max: Quantization.MaxLevels);

    private static readonly CliOption<string> Quantizer = Opt.Choice("--quantizer", "Q",
        "uniform (equal-width bins, bin means) or kmeans", "uniform", ["uniform", "kmeans"]);

    private static readonly CliOption<string> Coder = Opt.Choice("--coder", "C", "arithmetic (Shannon–Fano–Elias) or huffman", "arithmetic",
        ["arithmetic", "huffman"]);

    // The bounds need δ in the open interval (0, 1); the upper end is checked after parsing, with its own message.
    private static readonly CliOption<double> Delta = Opt.Double("--delta", "D", "failure probability of each bound, in (0, 1)", 0.05,
        min: 0, minExclusive: true);

    /// <summary>The declaration of <c>compress</c>'s arguments and options.</summary>
    public static CommandSpec Spec { get; } = new("compress",
        "quantize a saved run's weights, code them, and evaluate the compression bounds",
        [Levels, Quantizer, Coder, Delta, OptionSets.Threads, OptionSets.Json], [RunDir], notes: """

        The code length covers header, codebook (16 bits per level), count table and symbols; it is prefix-free
        given the architecture. The quantization choices are free only if made before looking at the bound:
        trying several and keeping the best needs δ split over the tries.
        """);

    /// <inheritdoc/>
    public int Run(IReadOnlyList<string> args)
    {
        ParsedArgs reader = Spec.Parse(args);
        if (reader.HelpRequested)
        {
            Spec.WriteHelp(Out);
            return 0;
        }
        string dir = reader.Positional(RunDir);
        int levels = reader.Get(Levels);
        var quantizer = reader.Get(Quantizer) == "kmeans" ? QuantizerKind.KMeans : QuantizerKind.Uniform;
        var coder = reader.Get(Coder) == "huffman" ? EntropyCoder.Huffman : EntropyCoder.Arithmetic;
        double delta = reader.Get(Delta);
        if (delta >= 1)
            throw UsageException.BadValue("--delta", delta.ToString("R", CultureInfo.InvariantCulture), "a number in the open interval (0, 1)");
        int threads = reader.Get(OptionSets.Threads);
        bool json = reader.Flag(OptionSets.Json);
        reader.Finish();

        var run = ReadRun(dir);
        string weightsPath = new RunLayout(dir).WeightsFile;
        if (!File.Exists(weightsPath))
            throw new FileNotFoundException($"{weightsPath} does not exist; RUN_DIR must hold the weights.bin written by `boundlab train`.");
        Model<float> net = ModelFile.Load(weightsPath, new CpuBackend(threads));
        var weights = net.FlatValues();
        var quantized = Quantization.Quantize(weights, levels, quantizer);
        var decoded = quantized.Decode();
        net.SetFlatValues(decoded); // half-precision levels are exact in float
        var message = CodeLength.Message(quantized, coder);

        DataSplit data = Datasets.Load(run.Data, new Progress<string>(m => Console.Error.WriteLine(m)));
        var (_, trainError) = Evaluation.Evaluate(net, data.Train, LossKind.CrossEntropy);
        var (_, testError) = Evaluation.Evaluate(net, data.Test, LossKind.CrossEntropy);
        var bounds = CompressionEvaluation.Evaluate(trainError, message.TotalBits, data.Train.Count, delta);

        if (json)
        {
            Out.WriteLine(Json.Serialize(new JsonObject
            {
                ["run"] = dir,
                ["parameters"] = weights.Length,
                ["levels"] = levels,
                ["quantizer"] = quantizer == QuantizerKind.KMeans ? "kmeans" : "uniform",
                ["coder"] = coder == EntropyCoder.Huffman ? "huffman" : "arithmetic",
                ["code_length_bits"] = message.TotalBits,
                ["header_bits"] = message.HeaderBits,
                ["codebook_bits"] = message.CodebookBits,
                ["count_bits"] = message.CountBits,
                ["symbol_bits"] = message.SymbolBits,
                ["train_error_original"] = run.TrainError,
                ["test_error_original"] = run.TestError,
                ["train_error_quantized"] = trainError,
                ["test_error_quantized"] = testError,
                ["n"] = data.Train.Count,
                ["delta"] = delta,
                ["occam_kl"] = bounds.Occam.Value,
                ["lotfi22_compression"] = bounds.Lotfi.Value,
                ["lotfi22_C"] = bounds.BestC,
                ["warnings"] = new JsonArray(bounds.Occam.Warnings.Concat(bounds.Lotfi.Warnings).Distinct().Select(w => (JsonNode)w).ToArray()),
            }));
            return 0;
        }
        Out.WriteLine($"{dir}: {weights.Length:N0} parameters → {levels} {(quantizer == QuantizerKind.KMeans ? "k-means" : "uniform")} levels, {(coder == EntropyCoder.Huffman ? "Huffman" : "arithmetic")} code");
        Out.WriteLine($"code length ℓ = {message.TotalBits:N0} bits (header {message.HeaderBits}, codebook {message.CodebookBits}, counts {message.CountBits}, symbols {message.SymbolBits:N0}); {message.TotalBits / (double)weights.Length:F3} bits/parameter");
        Out.WriteLine($"train error {F(run.TrainError)} → {F(trainError)} quantized; test error {F(run.TestError)} → {F(testError)} quantized (n = {data.Train.Count:N0})");
        Out.WriteLine($"occam-kl             {F(bounds.Occam.Value)}  (δ = {F(delta)})");
        Out.WriteLine($"lotfi22-compression  {F(bounds.Lotfi.Value)}  (C = {F(bounds.BestC)}, δ = {F(delta)})");
        foreach (var w in bounds.Occam.Warnings.Concat(bounds.Lotfi.Warnings).Distinct())
            Out.WriteLine($"warning: {w}");
        return 0;
    }

    private static string F(double x) => x.ToString("G6", CultureInfo.InvariantCulture);

    private sealed record SavedRun(DataOptions Data, double TrainError, double TestError);

    private static SavedRun ReadRun(string dir)
    {
        var layout = new RunLayout(dir);
        string path = layout.RunFile;
        if (!File.Exists(path))
            throw new FileNotFoundException($"{path} does not exist; RUN_DIR must be a folder written by `boundlab train`.");
        RunDocument run;
        try
        {
            run = RunDocument.Read(path);
        }
        catch (RunFileException e)
        {
            throw new InvalidDataException(e.Message, e);
        }

        if (!run.Data.IsClassification)
            throw new InvalidDataException($"{path} is a {run.Data.Task} run; the compression bounds are for 0-1 classification error.");
        RunConfig c = run.Config;
        var data = new DataOptions(c.Data, c.DataDir, c.TrainSize, c.TestSize, c.LabelNoise, c.Seed);
        return new SavedRun(data, run.Results.TrainError, run.Results.TestError);
    }
}
