using System.Reflection;
using LE = System.Linq.Expressions.Expression;
using ParameterExpression = System.Linq.Expressions.ParameterExpression;

namespace BoundLab.Bounds.Symbolic;

/// <summary>
/// Compiles expressions to delegates through System.Linq.Expressions: round-to-nearest double arithmetic for sweeps,
/// not a certificate (it can land below the exact value; use <see cref="Evaluator.Enclose"/> for a certified value).
/// </summary>
public static class Compiler
{
    private static readonly MethodInfo Sqrt = typeof(Math).GetMethod(nameof(Math.Sqrt), [typeof(double)])!;
    private static readonly MethodInfo Log = typeof(Math).GetMethod(nameof(Math.Log), [typeof(double)])!;
    private static readonly MethodInfo ExpM = typeof(Math).GetMethod(nameof(Math.Exp), [typeof(double)])!;
    private static readonly MethodInfo PowM = typeof(Math).GetMethod(nameof(Math.Pow), [typeof(double), typeof(double)])!;
    private static readonly MethodInfo MinM = typeof(Math).GetMethod(nameof(Math.Min), [typeof(double), typeof(double)])!;
    private static readonly MethodInfo MaxM = typeof(Math).GetMethod(nameof(Math.Max), [typeof(double), typeof(double)])!;
    private static readonly MethodInfo KlInverse = typeof(KlDivergence).GetMethod(nameof(KlDivergence.Inverse))!;
    private static readonly MethodInfo BinomInverse = typeof(BinomialTail).GetMethod(nameof(BinomialTail.Inverse))!;
    private static readonly MethodInfo ExpM1M = typeof(Elementary).GetMethod(nameof(Elementary.ExpM1))!;

    /// <summary>
    /// Compiles e to TDelegate, which is either Func&lt;double[], double&gt; (values in the order of parameters)
    /// or a delegate taking one double per parameter and returning double. Each symbol is read once into a
    /// local, so the generated code does no lookups. Throws NotSupportedException naming any node it cannot
    /// compile (Undefined) and ArgumentException for a symbol missing from parameters.
    /// </summary>
    public static TDelegate Compile<TDelegate>(Expr e, IReadOnlyList<Symbol> parameters) where TDelegate : Delegate
    {
        ArgumentNullException.ThrowIfNull(e);
        ArgumentNullException.ThrowIfNull(parameters);
        var invoke = typeof(TDelegate).GetMethod("Invoke")!;
        var args = invoke.GetParameters();
        if (invoke.ReturnType != typeof(double))
            throw new ArgumentException($"Delegate {typeof(TDelegate).Name} must return double.", nameof(TDelegate));
        var names = parameters.Select(p => p.Name).ToList();
        if (names.Distinct().Count() != names.Count)
            throw new ArgumentException($"Parameter names must be distinct, got [{string.Join(", ", names)}].", nameof(parameters));

        var locals = new Dictionary<string, ParameterExpression>();
        var lambdaParams = new List<ParameterExpression>();
        var body = new List<LE>();
        if (args.Length == 1 && args[0].ParameterType == typeof(double[]))
        {
            var array = LE.Parameter(typeof(double[]), "values");
            lambdaParams.Add(array);
            var used = Calculus.FreeSymbols(e).Select(s => s.Name).ToHashSet();
            for (int i = 0; i < names.Count; i++)
            {
                if (!used.Contains(names[i])) continue;
                var local = LE.Variable(typeof(double), names[i]);
                locals[names[i]] = local;
                body.Add(LE.Assign(local, LE.ArrayIndex(array, LE.Constant(i))));
            }
        }
        else
        {
            if (args.Length != names.Count || args.Any(a => a.ParameterType != typeof(double)))
                throw new ArgumentException(
                    $"Delegate {typeof(TDelegate).Name} must take double[] or exactly {names.Count} doubles (one per parameter).", nameof(TDelegate));
            foreach (var name in names)
            {
                var p = LE.Parameter(typeof(double), name);
                lambdaParams.Add(p);
                locals[name] = p;
            }
        }
        body.Add(Emit(e, locals));
        var block = LE.Block(typeof(double), locals.Values.Where(l => !lambdaParams.Contains(l)), body);
        return LE.Lambda<TDelegate>(block, lambdaParams).Compile();
    }

    private static LE Emit(Expr e, IReadOnlyDictionary<string, ParameterExpression> locals)
    {
        switch (e)
        {
            case Number n: return LE.Constant(n.Value.ToDouble());
            case Symbol s:
                return locals.TryGetValue(s.Name, out var local) ? local
                    : throw new ArgumentException($"Symbol '{s.Name}' is not among the compiled parameters.", nameof(e));
            case NamedConstant c: return LE.Constant(c.Kind == ConstantKind.E ? Math.E : Math.PI);
            case Infinity: return LE.Constant(double.PositiveInfinity);
            case Sum s: return s.Terms.Skip(1).Aggregate(Emit(s.Terms[0], locals), (acc, t) => LE.Add(acc, Emit(t, locals)));
            case Product p:
                {
                    // Factors with negative numeric exponents become one division, as in the printed fraction.
                    var numerator = new List<LE>();
                    var denominator = new List<LE>();
                    foreach (var f in p.Factors)
                    {
                        if (f is Power { Exponent: Number { Value.Sign: < 0 } k } w)
                            denominator.Add(Emit(Expr.Pow(w.Base, Expr.Num(-k.Value)), locals));
                        else
                            numerator.Add(Emit(f, locals));
                    }
                    var num = numerator.Count == 0 ? LE.Constant(1.0) : numerator.Skip(1).Aggregate(numerator[0], LE.Multiply);
                    return denominator.Count == 0 ? num : LE.Divide(num, denominator.Skip(1).Aggregate(denominator[0], LE.Multiply));
                }
            case Power p: return EmitPower(p, locals);
            case Function f:
                {
                    var args = f.Arguments.Select(a => Emit(a, locals)).ToArray();
                    return f.Kind switch
                    {
                        FunctionKind.Ln => LE.Call(Log, args[0]),
                        FunctionKind.Exp => LE.Call(ExpM, args[0]),
                        FunctionKind.Expm1 => LE.Call(ExpM1M, args[0]),
                        FunctionKind.Min => args.Skip(1).Aggregate(args[0], (acc, a) => LE.Call(MinM, acc, a)),
                        FunctionKind.Max => args.Skip(1).Aggregate(args[0], (acc, a) => LE.Call(MaxM, acc, a)),
                        FunctionKind.KlInv => LE.Call(KlInverse, args[0], args[1]),
                        FunctionKind.BinomInv => LE.Call(BinomInverse, args[0], args[1], args[2]),
                    };
                }
            default:
                throw new NotSupportedException($"Cannot compile node {e.GetType().Name} ({e}).");
        }
    }

    private static LE EmitPower(Power p, IReadOnlyDictionary<string, ParameterExpression> locals)
    {
        if (p.Exponent is Number { Value: var k })
        {
            if (k.Sign < 0) return LE.Divide(LE.Constant(1.0), Emit(Expr.Pow(p.Base, Expr.Num(-k)), locals));
            if (k == new Rational(1, 2)) return LE.Call(Sqrt, Emit(p.Base, locals));
            // Small integer powers of a variable are plain multiplications (exact and faster than Math.Pow).
            if (k.IsInteger && k <= 4 && p.Base is Symbol or NamedConstant)
            {
                var b = Emit(p.Base, locals);
                LE acc = b;
                for (int i = 1; i < (int)k.Numerator; i++) acc = LE.Multiply(acc, b);
                return acc;
            }
        }
        return LE.Call(PowM, Emit(p.Base, locals), Emit(p.Exponent, locals));
    }
}
