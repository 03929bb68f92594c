using System.Globalization;
using System.Text;
using BoundLab.Numerics.Training;

namespace BoundLab.Numerics.Measurements;

/// <summary>trajectory.csv: one row per optimizer step, columns step, epoch, lr, loss, grad_norm_sq, grad_stat,
/// incoherence (the last two empty at steps that did not record them; files without them still read).</summary>
public static class TrajectoryCsv
{
    /// <summary>The header this build writes.</summary>
    public const string Header = "step,epoch,lr,loss,grad_norm_sq,grad_stat,incoherence";

    /// <summary>The file's text for <paramref name="steps"/> (round-trip doubles).</summary>
    public static string Format(IReadOnlyList<StepRecord> steps)
    {
        ArgumentNullException.ThrowIfNull(steps);
        var sb = new StringBuilder(Header).Append('\n');
        foreach (StepRecord s in steps)
        {
            sb.Append(CultureInfo.InvariantCulture, $"{s.Step},{s.Epoch},{s.LearningRate:R},{s.Loss:R},{s.GradNormSquared:R},{Cell(s.GradStat)},{Cell(s.Incoherence)}\n");
        }

        return sb.ToString();
    }

    /// <summary>Reads a trajectory.csv; a malformed file is an InvalidDataException naming the file, the line and the cell.</summary>
    public static IReadOnlyList<StepRecord> Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string[] lines = File.ReadAllLines(path);
        if (lines.Length == 0)
        {
            throw new InvalidDataException($"{path} is empty; expected the header '{Header}'.");
        }

        string[] header = lines[0].Split(',');
        string[] required = ["step", "epoch", "lr", "loss", "grad_norm_sq"];
        if (header.Length < required.Length || !header.AsSpan(0, required.Length).SequenceEqual(required))
        {
            throw new InvalidDataException($"{path} line 1 is '{lines[0]}'; expected a header starting with '{string.Join(',', required)}'.");
        }

        int gradStat = Array.IndexOf(header, "grad_stat"), incoherence = Array.IndexOf(header, "incoherence");
        var steps = new List<StepRecord>(lines.Length - 1);
        for (int i = 1; i < lines.Length; i++)
        {
            if (lines[i].Length == 0)
            {
                continue;
            }

            string[] c = lines[i].Split(',');
            if (c.Length != header.Length)
            {
                throw new InvalidDataException($"{path} line {i + 1} has {c.Length} cells; the header has {header.Length}.");
            }

            steps.Add(new StepRecord((long)Integer(path, i, "step", c[0]), (int)Integer(path, i, "epoch", c[1]),
                Number(path, i, "lr", c[2]), Number(path, i, "loss", c[3]), Number(path, i, "grad_norm_sq", c[4]),
                Optional(path, i, "grad_stat", c, gradStat), Optional(path, i, "incoherence", c, incoherence)));
        }

        return steps;
    }

    private static long Integer(string path, int line, string name, string cell)
        => long.TryParse(cell, NumberStyles.Integer, CultureInfo.InvariantCulture, out long v) && v >= 0 && v <= int.MaxValue
            ? v
            : throw new InvalidDataException($"{path} line {line + 1}: {name} is '{cell}'; expected an integer in 0 … {int.MaxValue}.");

    private static string Cell(double? v) => v is { } x ? x.ToString("R", CultureInfo.InvariantCulture) : "";

    private static double? Optional(string path, int line, string name, string[] cells, int column)
        => column < 0 || cells[column].Length == 0 ? null : Number(path, line, name, cells[column]);

    private static double Number(string path, int line, string name, string cell)
        => double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out double v)
            ? v
            : throw new InvalidDataException($"{path} line {line + 1}: {name} is '{cell}'; expected a number.");
}
