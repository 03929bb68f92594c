using BoundLab.Bounds.Symbolic;

namespace BoundLab.Bounds.Catalog;

/// <summary>∂bound/∂input at an evaluation point.</summary>
/// <param name="Symbol">The input.</param>
/// <param name="Derivative">Its partial derivative (integer inputs: of the formula's continuous extension).</param>
/// <param name="Expression">The symbolic derivative.</param>
public sealed record PartialDerivative(string Symbol, double Derivative, Expr Expression);

/// <summary>Partial derivatives of an entry's formula via the symbolic core's differentiation.</summary>
public static class Sensitivity
{
    /// <summary>
    /// ∂formula/∂x for every input x, evaluated at the point the bound is evaluated at (post-hoc inputs on
    /// their grid values, δ after the grid union bound). Inputs are checked as in <see cref="BoundEvaluator"/>.
    /// </summary>
    public static IReadOnlyList<PartialDerivative> At(BoundEntry entry, IReadOnlyDictionary<string, double> values)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var point = BoundEvaluator.Prepare(entry, values).Point;
        return entry.Inputs.Select(input =>
        {
            Expr derivative;
            try
            {
                derivative = Calculus.Differentiate(entry.Formula, EntryBuilder.SymbolFor(input));
            }
            catch (NotSupportedException e)
            {
                throw new ArgumentException($"{entry.Id}: no derivative with respect to {input.Name} is available: {e.Message}", input.Name, e);
            }
            double value = Evaluator.Evaluate(derivative, point);
            if (!double.IsFinite(value))
                throw new InvalidOperationException(
                    $"{entry.Id}: ∂/∂{input.Name} evaluated to {InputDomains.Format(value)} at {input.Name} = {InputDomains.Format(point[input.Name])}; no derivative is reported.");
            return new PartialDerivative(input.Name, value, derivative);
        }).ToArray();
    }
}
