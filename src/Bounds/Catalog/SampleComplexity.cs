namespace BoundLab.Bounds.Catalog;

/// <summary>The least integer value of a count input (n, n_test, …) at which the bound meets a target.</summary>
/// <param name="Id">The entry id.</param>
/// <param name="Symbol">The input solved for.</param>
/// <param name="Value">The least integer meeting the target.</param>
/// <param name="Target">The target value.</param>
/// <param name="Achieved">The bound's value at <paramref name="Value"/> (≤ target).</param>
/// <param name="Note">Set when the answer is the smallest allowed value because the bound increases with the symbol there.</param>
public sealed record SampleComplexityResult(string Id, string Symbol, long Value, double Target, double Achieved, string? Note = null);

/// <summary>
/// Solves for the least integer n with bound(n) ≤ target by exponential search and bisection on the compiled
/// formula. The search relies on the bound being non-increasing in n; this is checked on a geometric sample
/// of the final bracket and at every bisection step, and a violation throws rather than returning a wrong n.
/// The compiled formula rounds to nearest, so the answer is then checked with the certified value (the upper end of
/// <see cref="Symbolic.Evaluator.Enclose"/>, as <see cref="BoundEvaluator"/> reports it) and moved up while that exceeds
/// the target; Achieved is that certified value.
/// </summary>
public static class SampleComplexity
{
    // Counts beyond 2^52 are no longer exact doubles.
    private const long Limit = 1L << 52;
    private const int MonotonicitySamples = 64;

    /// <summary>
    /// The least integer value of <paramref name="symbol"/> (a positive-integer input) such that the entry's
    /// value is at most <paramref name="target"/>, the other inputs held at <paramref name="values"/>.
    /// </summary>
    /// <remarks>A binary-only entry is refused here (ArgumentException naming classes); give the class count with the other overload.</remarks>
    public static SampleComplexityResult Solve(BoundEntry entry, string symbol, double target, IReadOnlyDictionary<string, double> values)
    {
        ArgumentNullException.ThrowIfNull(entry);
        BoundEvaluator.RequireClassCount(entry, null);
        return SolveApplicable(entry, symbol, target, values);
    }

    /// <summary>As <see cref="Solve(BoundEntry, string, double, IReadOnlyDictionary{string, double})"/> for a k-class problem; throws <see cref="NotApplicableException"/> where the entry does not cover k classes.</summary>
    public static SampleComplexityResult Solve(BoundEntry entry, string symbol, double target, IReadOnlyDictionary<string, double> values, int classes)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var applicability = BoundEvaluator.Applicability(entry, classes);
        if (!applicability.IsApplicable)
            throw new NotApplicableException(entry.Id, applicability.Reason!);
        return SolveApplicable(entry, symbol, target, values);
    }

    private static SampleComplexityResult SolveApplicable(BoundEntry entry, string symbol, double target, IReadOnlyDictionary<string, double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var input = entry.Input(symbol);
        if (input.Domain != InputDomain.PositiveInteger)
            throw new ArgumentException(
                $"{entry.Id} can only be solved for an integer count; {symbol} is {input.Domain.Describe()}. Count inputs: {string.Join(", ", entry.Inputs.Where(i => i.Domain == InputDomain.PositiveInteger).Select(i => i.Name))}.",
                nameof(symbol));
        if (!double.IsFinite(target) || target <= 0)
            throw new ArgumentOutOfRangeException(nameof(target), target, "The target must be a finite number > 0.");

        var missing = entry.Inputs.Where(i => i.Name != symbol && !i.IsOptional && !values.ContainsKey(i.Name)).ToArray();
        if (missing.Length > 0)
            throw new ArgumentException(
                $"{entry.Id} needs a value for {string.Join(", ", missing.Select(m => $"{m.Name} ({m.Meaning}, {m.Domain.Describe()})"))} to solve for {symbol}.",
                missing[0].Name);
        var unknown = values.Keys.Where(k => entry.Inputs.All(i => i.Name != k)).ToArray();
        if (unknown.Length > 0)
            throw new ArgumentException(
                $"{entry.Id} has no input named {string.Join(", ", unknown.Select(u => $"'{u}'"))}; its inputs are: {string.Join(", ", entry.Inputs.Select(i => i.Name))}.",
                unknown[0]);
        var compiled = CompiledBound.For(entry);
        int slot = compiled.Parameters.ToList().IndexOf(symbol);
        var others = new Dictionary<string, double>(values) { [symbol] = 1 };
        // Preconditions such as n ≥ vc_dim are monotone in the count: find the least count that satisfies them.
        long lo = LeastValid(entry, others, symbol);
        double[]? args = null;
        double F(long n)
        {
            others[symbol] = n;
            args ??= compiled.Arguments(BoundEvaluator.Prepare(entry, others).Point);
            args[slot] = n;
            double v = compiled.Invoke(args);
            return double.IsFinite(v) ? v
                : throw new InvalidOperationException($"{entry.Id} evaluated to {InputDomains.Format(v)} at {symbol} = {n}.");
        }

        double atLo = F(lo);
        if (atLo <= target)
        {
            double atNext = F(lo + 1);
            string? note = atNext > atLo + 1e-12 * Math.Abs(atLo)
                ? $"{entry.Id} increases with {symbol} here ({InputDomains.Format(atLo)} at {symbol} = {lo}, {InputDomains.Format(atNext)} at {symbol} = {lo + 1}): the least {symbol} meeting the target is simply the smallest allowed one and says nothing about how large {symbol} may be; solve is meant for counts the bound decreases in, such as n."
                : null;
            var (least, achieved) = Certify(entry, others, symbol, lo, target);
            return new SampleComplexityResult(entry.Id, symbol, least, target, achieved, least == lo ? note : null);
        }
        long hi = lo;
        double atHi = atLo;
        while (atHi > target)
        {
            if (hi >= Limit)
                throw new ArgumentException(
                    $"{entry.Id} does not reach target {InputDomains.Format(target)} for any {symbol} ≤ 2^52: its value is {InputDomains.Format(atHi)} at {symbol} = {hi} (the limit as {symbol} → ∞ may lie above the target).",
                    nameof(target));
            long next = Math.Min(Limit, hi * 2);
            double atNext = F(next);
            RequireNonIncreasing(entry, symbol, hi, atHi, next, atNext);
            lo = hi; atLo = atHi;
            hi = next; atHi = atNext;
        }
        CheckBracket(entry, symbol, lo, hi, F);
        while (hi - lo > 1)
        {
            long mid = lo + (hi - lo) / 2;
            double atMid = F(mid);
            RequireNonIncreasing(entry, symbol, lo, atLo, mid, atMid);
            RequireNonIncreasing(entry, symbol, mid, atMid, hi, atHi);
            if (atMid <= target) { hi = mid; atHi = atMid; }
            else { lo = mid; atLo = atMid; }
        }
        var (n, certified) = Certify(entry, others, symbol, hi, target);
        return new SampleComplexityResult(entry.Id, symbol, n, target, certified);
    }

    /// <summary>
    /// The least count ≥ n whose certified value meets the target (the round-to-nearest search may land an ulp short),
    /// by exponential search and bisection on certified values, and that value. Measures keep round-to-nearest values.
    /// </summary>
    private static (long N, double Value) Certify(BoundEntry entry, Dictionary<string, double> values, string symbol, long n, double target)
    {
        var formula = EvaluationForm.Of(entry).Formula;
        double Certified(long count)
        {
            values[symbol] = count;
            var point = BoundEvaluator.Prepare(entry, values).Point;
            double v = entry.Target == BoundTarget.Measure ? Symbolic.Evaluator.Evaluate(formula, point) : Symbolic.Evaluator.Enclose(formula, point).Hi;
            return double.IsFinite(v) ? v
                : throw new InvalidOperationException($"{entry.Id} evaluated to {InputDomains.Format(v)} at {symbol} = {count}.");
        }
        double at = Certified(n);
        if (at <= target) return (n, at);
        long lo = n, step = 1, hi;
        double atHi;
        while (true)
        {
            if (lo >= Limit)
                throw new ArgumentException(
                    $"{entry.Id} does not certifiably reach target {InputDomains.Format(target)} for any {symbol} ≤ 2^52: its certified value is {InputDomains.Format(at)} at {symbol} = {lo}.",
                    nameof(target));
            hi = Math.Min(Limit, n + step);
            atHi = Certified(hi);
            if (atHi <= target) break;
            lo = hi; at = atHi; step *= 2;
        }
        while (hi - lo > 1)
        {
            long mid = lo + (hi - lo) / 2;
            double atMid = Certified(mid);
            if (atMid <= target) { hi = mid; atHi = atMid; } else lo = mid;
        }
        return (hi, atHi);
    }

    private static long LeastValid(BoundEntry entry, Dictionary<string, double> values, string symbol)
    {
        bool Valid(long n)
        {
            values[symbol] = n;
            return entry.Preconditions.All(p => p.Violation(values) is null);
        }
        if (Valid(1)) return 1;
        long hi = 2;
        while (!Valid(hi))
        {
            if (hi >= Limit)
                throw new ArgumentException($"{entry.Id}: no {symbol} ≤ 2^52 satisfies the preconditions ({string.Join("; ", entry.Preconditions.Select(p => p.Description))}).", symbol);
            hi *= 2;
        }
        long lo = hi / 2;
        while (hi - lo > 1)
        {
            long mid = lo + (hi - lo) / 2;
            if (Valid(mid)) hi = mid; else lo = mid;
        }
        return hi;
    }

    private static void CheckBracket(BoundEntry entry, string symbol, long lo, long hi, Func<long, double> f)
    {
        long previous = lo;
        double atPrevious = f(lo);
        for (int i = 1; i <= MonotonicitySamples; i++)
        {
            long n = (long)Math.Round(lo * Math.Pow((double)hi / lo, (double)i / MonotonicitySamples));
            if (n <= previous) continue;
            double at = f(n);
            RequireNonIncreasing(entry, symbol, previous, atPrevious, n, at);
            previous = n;
            atPrevious = at;
        }
    }

    private static void RequireNonIncreasing(BoundEntry entry, string symbol, long a, double fa, long b, double fb)
    {
        // Relative slack for rounding in the compiled formula.
        if (fb > fa + 1e-12 * Math.Abs(fa))
            throw new InvalidOperationException(
                $"{entry.Id} is not non-increasing in {symbol} on the search bracket: value {InputDomains.Format(fa)} at {symbol} = {a} but {InputDomains.Format(fb)} at {symbol} = {b}; the least {symbol} meeting the target is not well defined by bisection.");
    }
}
