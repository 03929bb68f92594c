using BoundLab.Numerics.Data;

namespace BoundLab.Studies.Runner;

/// <summary>Loaded data sets by their options, kept while their rows fit a budget (small subsets are reused by many runs;
/// full-size sets are loaded again rather than held). Reading MNIST takes about half a second each time.</summary>
internal sealed class DataCache(long rowBudget = 200_000)
{
    private readonly Dictionary<DataOptions, DataSplit> _held = [];
    private long _rows;

    /// <summary>The split for <paramref name="options"/>, loaded when not held.</summary>
    public DataSplit Get(DataOptions options, IProgress<string>? log = null)
    {
        if (_held.TryGetValue(options, out DataSplit? split))
        {
            return split;
        }

        split = Datasets.Load(options, log);
        long rows = split.Train.Count + (long)split.Test.Count;
        if (_rows + rows <= rowBudget)
        {
            _held[options] = split;
            _rows += rows;
        }

        return split;
    }
}
