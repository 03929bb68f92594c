// Throughput of compiled catalog formulas on one core: vc-mohri evaluations per second, through the
// catalog's array delegate (CompiledBound) and through a delegate taking one double per input (round-to-nearest, for
// sweeps), and through the tree walks BoundEvaluator uses: Evaluator.Evaluate (round-to-nearest) and Evaluator.Enclose
// (the certified enclosure whose upper end BoundEvaluator reports), each run on 1/100 as many evaluations.
// Run: dotnet run -c Release --project bench/BoundsEval [-- RUNS EVALS_PER_RUN]
using System.Diagnostics;
using System.Globalization;
using BoundLab.Bounds.Catalog;
using BoundLab.Bounds.Symbolic;

int runs = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 7;
int perRunAll = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 20_000_000;

// One core: the number is a per-core rate, independent of how many cores the machine has.
if (OperatingSystem.IsLinux() || OperatingSystem.IsWindows())
    Process.GetCurrentProcess().ProcessorAffinity = 1;
Thread.CurrentThread.Priority = ThreadPriority.Highest;

var entry = BoundCatalog.Get("vc-mohri");
var compiled = CompiledBound.For(entry);
var point = BoundEvaluator.Prepare(entry, new Dictionary<string, double>
{
    ["train_error"] = 0.01, ["n"] = 60000, ["vc_dim"] = 1000, ["delta"] = 0.05,
}).Point;
double[] arguments = compiled.Arguments(point);
int nSlot = compiled.Parameters.ToList().IndexOf("n");
var array = compiled.Function;
var symbols = entry.Inputs.Select(i => entry.Symbol(i.Name)).ToArray();
var scalar = Compiler.Compile<Func<double, double, double, double, double>>(entry.Formula, symbols);

// n varies so the JIT cannot hoist the call; the checksum keeps the results alive.
double ArrayRun(int count)
{
    double sum = 0;
    double[] a = arguments;
    for (int i = 0; i < count; i++)
    {
        a[nSlot] = 60000 + (i & 1023);
        sum += array(a);
    }
    return sum;
}

double ScalarRun(int count)
{
    double sum = 0;
    double err = arguments[0], d = arguments[2], delta = arguments[3];
    for (int i = 0; i < count; i++)
        sum += scalar(err, 60000 + (i & 1023), d, delta);
    return sum;
}

var form = EvaluationForm.Of(entry).Formula;
var mutablePoint = new Dictionary<string, double>(point);

double TreeRun(int count)
{
    double sum = 0;
    for (int i = 0; i < count; i++)
    {
        mutablePoint["n"] = 60000 + (i & 1023);
        sum += Evaluator.Evaluate(form, mutablePoint);
    }
    return sum;
}

double EncloseRun(int count)
{
    double sum = 0;
    for (int i = 0; i < count; i++)
    {
        mutablePoint["n"] = 60000 + (i & 1023);
        sum += Evaluator.Enclose(form, mutablePoint).Hi;
    }
    return sum;
}

foreach (var (name, run, divisor) in new (string, Func<int, double>, int)[]
{
    ("array delegate (CompiledBound)", ArrayRun, 1), ("scalar delegate", ScalarRun, 1),
    ("tree walk, round-to-nearest (Evaluator.Evaluate)", TreeRun, 100), ("certified enclosure (Evaluator.Enclose)", EncloseRun, 100),
})
{
    int perRun = perRunAll / divisor;
    run(perRun / 10); // warm-up: tiered JIT reaches its optimized code
    var rates = new List<double>();
    double checksum = 0;
    for (int r = 0; r < runs; r++)
    {
        var sw = Stopwatch.StartNew();
        checksum += run(perRun);
        sw.Stop();
        rates.Add(perRun / sw.Elapsed.TotalSeconds);
    }
    rates.Sort();
    double median = rates[rates.Count / 2];
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"vc-mohri {name}: median {median:E3} evals/s over {runs} runs of {perRun} (min {rates[0]:E3}, max {rates[^1]:E3}; checksum {checksum:G6})"));
}
