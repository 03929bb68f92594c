using BoundLab.Bounds.Symbolic;

namespace BoundLab.Bounds.Catalog;

/// <summary>∂bound/∂input at an evaluation point.</summary>
/// <param name="Symbol">The input.</param>
/// <param name="Derivative">Its partial derivative (integer inputs: of the formula's continuous extension).</param>
/// <param name="Expression">The symbolic derivative.</param>
public sealed record PartialDerivative(string Symbol, double Derivative, Expr Expression);

/// <summary>A partial derivative that has no finite value at the point, and why.</summary>
/// <param name="Symbol">The input.</param>
/// <param name="Reason">Why no value is reported (infinite, undefined, or not differentiable).</param>
public sealed record UnavailablePartial(string Symbol, string Reason);

/// <summary>The partial derivatives that have a finite value, and those that do not.</summary>
/// <param name="Partials">Finite partial derivatives, in input order.</param>
/// <param name="Unavailable">Inputs whose partial derivative is not finite or not defined at the point.</param>
public sealed record SensitivityReport(IReadOnlyList<PartialDerivative> Partials, IReadOnlyList<UnavailablePartial> Unavailable);

/// <summary>Partial derivatives of an entry's formula via the symbolic core's differentiation.</summary>
public static class Sensitivity
{
    /// <summary>
    /// ∂formula/∂x for every input x, evaluated at the point the bound is evaluated at (post-hoc inputs on
    /// their grid values; for a grid entry ∂/∂δ is with respect to the δ given, the grid weights being
    /// constants). Inputs are checked as in <see cref="BoundEvaluator"/>; throws when any partial is not finite
    /// (use <see cref="Report"/> to get the others).
    /// </summary>
    public static IReadOnlyList<PartialDerivative> At(BoundEntry entry, IReadOnlyDictionary<string, double> values) =>
        Finite(entry, Report(entry, values));

    /// <summary>As <see cref="At(BoundEntry, IReadOnlyDictionary{string, double})"/> for a k-class problem.</summary>
    public static IReadOnlyList<PartialDerivative> At(BoundEntry entry, IReadOnlyDictionary<string, double> values, int classes) =>
        Finite(entry, Report(entry, values, classes));

    private static IReadOnlyList<PartialDerivative> Finite(BoundEntry entry, SensitivityReport report)
    {
        if (report.Unavailable.Count > 0)
            throw new InvalidOperationException($"{entry.Id}: {report.Unavailable[0].Reason}; no derivative is reported.");
        return report.Partials;
    }

    /// <summary>
    /// Every partial derivative that is finite at the point, and for each other input the reason it is not.
    /// A binary-only entry is refused (ArgumentException naming classes); give the class count with the other overload.
    /// </summary>
    public static SensitivityReport Report(BoundEntry entry, IReadOnlyDictionary<string, double> values)
    {
        ArgumentNullException.ThrowIfNull(entry);
        BoundEvaluator.RequireClassCount(entry, null);
        return ReportApplicable(entry, values);
    }

    /// <summary>As <see cref="Report(BoundEntry, IReadOnlyDictionary{string, double})"/> for a k-class problem; throws <see cref="NotApplicableException"/> where the entry does not cover k classes.</summary>
    public static SensitivityReport Report(BoundEntry entry, IReadOnlyDictionary<string, double> values, int classes)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var applicability = BoundEvaluator.Applicability(entry, classes);
        if (!applicability.IsApplicable)
            throw new NotApplicableException(entry.Id, applicability.Reason!);
        return ReportApplicable(entry, values);
    }

    private static SensitivityReport ReportApplicable(BoundEntry entry, IReadOnlyDictionary<string, double> values)
    {
        var point = BoundEvaluator.Prepare(entry, values).Point;
        var form = EvaluationForm.Of(entry);
        string? delta = form.InLogSpace ? entry.Confidence[0].Symbol : null;
        var formula = EvaluationForm.WithoutAbsent(form.Formula, entry.Inputs.Where(i => i.IsOptional && !values.ContainsKey(i.Name)));
        var partials = new List<PartialDerivative>();
        var unavailable = new List<UnavailablePartial>();
        foreach (var input in entry.Inputs.Where(i => values.ContainsKey(i.Name)))
        {
            Expr derivative;
            try
            {
                // Grid entries read λ = ln(1/δ_eff) = ln(1/δ) + const: ∂/∂δ = −(∂/∂λ)/δ.
                derivative = input.Name == delta
                    ? -Calculus.Differentiate(formula, Expr.Sym(form.LnInverseName!, Domain.PositiveReal)) / EntryBuilder.SymbolFor(input)
                    : Calculus.Differentiate(formula, EntryBuilder.SymbolFor(input));
            }
            catch (NotSupportedException e)
            {
                unavailable.Add(new UnavailablePartial(input.Name, $"∂/∂{input.Name} is not defined: {e.Message}"));
                continue;
            }
            var at = input.Name == delta ? new Dictionary<string, double>(point) { [input.Name] = values[input.Name] } : point;
            double value = Evaluator.Evaluate(derivative, at);
            if (double.IsFinite(value))
                partials.Add(new PartialDerivative(input.Name, value, derivative));
            else
                unavailable.Add(new UnavailablePartial(input.Name,
                    $"∂/∂{input.Name} evaluated to {InputDomains.Format(value)} at {input.Name} = {InputDomains.Format(at[input.Name])}"));
        }
        return new SensitivityReport(partials, unavailable);
    }
}
