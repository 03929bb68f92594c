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
    public static TDelegate Compile<TDelegate>(Expr e, IReadOnlyList<Symbol> parameters) where TDelegate : Delegate =>
        Compile<TDelegate>(e, parameters, []);

    /// <summary>
    /// Compiles an expression over scalars and vectors to TDelegate: Func&lt;double[], double[][], double&gt; (scalars in
    /// the order of parameters, vectors in the order of vectors), a delegate taking one double per parameter and then one
    /// double[] per vector, or, without vectors, either form of <see cref="Compile{TDelegate}(Expr, IReadOnlyList{Symbol})"/>.
    /// A vector's length symbol reads the parameter of that name, or the array's length when it is not a parameter; when
    /// it is one, each call checks the array's length against it, and every element read checks its index (ArgumentException
    /// naming the vector). Σ is a loop in index order, Π a scaled product (<see cref="Evaluator"/>'s semantics).
    /// </summary>
    public static TDelegate Compile<TDelegate>(Expr e, IReadOnlyList<Symbol> parameters, IReadOnlyList<VectorSymbol> vectors) where TDelegate : Delegate
    {
        ArgumentNullException.ThrowIfNull(e);
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(vectors);
        var invoke = typeof(TDelegate).GetMethod("Invoke")!;
        var args = invoke.GetParameters();
        if (invoke.ReturnType != typeof(double))
            throw new ArgumentException($"Delegate {typeof(TDelegate).Name} must return double.", nameof(TDelegate));
        var names = parameters.Select(p => p.Name).Concat(vectors.Select(v => v.Name)).ToList();
        if (names.Distinct().Count() != names.Count)
            throw new ArgumentException($"Parameter names must be distinct, got [{string.Join(", ", names)}].", nameof(parameters));
        var missingVector = Indexed.FreeVectors(e).FirstOrDefault(v => !vectors.Contains(v));
        if (missingVector is not null)
            throw new ArgumentException($"Vector '{missingVector.Name}' is not among the compiled vectors.", nameof(vectors));

        var scope = new Scope();
        var lambdaParams = new List<ParameterExpression>();
        var body = new List<LE>();
        var used = Calculus.FreeSymbols(e).Select(s => s.Name).ToHashSet();
        bool arrays = vectors.Count == 0
            ? args.Length == 1 && args[0].ParameterType == typeof(double[])
            : args.Length == 2 && args[0].ParameterType == typeof(double[]) && args[1].ParameterType == typeof(double[][]);
        if (arrays)
        {
            var array = LE.Parameter(typeof(double[]), "values");
            lambdaParams.Add(array);
            for (int i = 0; i < parameters.Count; i++)
            {
                if (!used.Contains(parameters[i].Name) && !vectors.Any(v => v.Length.Name == parameters[i].Name)) continue;
                var local = LE.Variable(typeof(double), parameters[i].Name);
                scope.Scalars[parameters[i].Name] = local;
                body.Add(LE.Assign(local, LE.ArrayIndex(array, LE.Constant(i))));
            }
            if (vectors.Count > 0)
            {
                var vectorArray = LE.Parameter(typeof(double[][]), "vectors");
                lambdaParams.Add(vectorArray);
                for (int i = 0; i < vectors.Count; i++)
                {
                    var local = LE.Variable(typeof(double[]), vectors[i].Name);
                    scope.Vectors[vectors[i].Name] = local;
                    body.Add(LE.Assign(local, LE.ArrayIndex(vectorArray, LE.Constant(i))));
                }
            }
        }
        else
        {
            if (args.Length != names.Count || args.Take(parameters.Count).Any(a => a.ParameterType != typeof(double))
                || args.Skip(parameters.Count).Any(a => a.ParameterType != typeof(double[])))
                throw new ArgumentException(
                    $"Delegate {typeof(TDelegate).Name} must take " + (vectors.Count == 0
                        ? $"double[] or exactly {parameters.Count} doubles (one per parameter)."
                        : $"(double[], double[][]) or exactly {parameters.Count} doubles then {vectors.Count} double[] (one per parameter, then one per vector)."),
                    nameof(TDelegate));
            foreach (var p in parameters)
            {
                var x = LE.Parameter(typeof(double), p.Name);
                lambdaParams.Add(x);
                scope.Scalars[p.Name] = x;
            }
            foreach (var v in vectors)
            {
                var x = LE.Parameter(typeof(double[]), v.Name);
                lambdaParams.Add(x);
                scope.Vectors[v.Name] = x;
            }
        }
        foreach (var v in vectors)
        {
            var array = scope.Vectors[v.Name];
            if (scope.Scalars.TryGetValue(v.Length.Name, out var length))
                body.Add(LE.Call(CheckLengthM, array, length, LE.Constant(v.Name), LE.Constant(v.Length.Name)));
            else
                scope.Scalars[v.Length.Name] = LE.Convert(LE.ArrayLength(array), typeof(double));
        }
        body.Add(Emit(e, scope));
        var block = LE.Block(typeof(double), scope.Scalars.Values.Concat(scope.Vectors.Values).OfType<ParameterExpression>().Where(l => !lambdaParams.Contains(l)).Distinct(), body);
        return LE.Lambda<TDelegate>(block, lambdaParams).Compile();
    }

    // The expressions that scalars, vectors and the current index variables compile to.
    private sealed class Scope
    {
        public Dictionary<string, LE> Scalars { get; } = [];
        public Dictionary<string, LE> Vectors { get; } = [];
        public Dictionary<string, ParameterExpression> Indices { get; } = [];
    }

    private static readonly MethodInfo CheckLengthM = typeof(Compiler).GetMethod(nameof(CheckLength), BindingFlags.NonPublic | BindingFlags.Static)!;
    private static readonly MethodInfo AtM = typeof(Compiler).GetMethod(nameof(At), BindingFlags.NonPublic | BindingFlags.Static)!;
    private static readonly MethodInfo ScaledMultiplyM = typeof(ScaledProduct).GetMethod(nameof(ScaledProduct.Multiply))!;
    private static readonly MethodInfo ScaledValueM = typeof(ScaledProduct).GetMethod(nameof(ScaledProduct.Value))!;

    private static void CheckLength(double[] vector, double length, string name, string lengthName)
    {
        if (vector.Length != length)
            throw new ArgumentException(
                $"Vector '{name}' has {vector.Length} elements but its length {lengthName} = {length.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}; give exactly {lengthName} values.", name);
    }

    private static double At(double[] vector, double index, string name)
    {
        if (!(index >= 1 && index <= vector.Length && Math.Floor(index) == index))
            throw new ArgumentException(
                $"Element {name}_{index.ToString("R", System.Globalization.CultureInfo.InvariantCulture)} does not exist: {name} has {vector.Length} elements (indices 1..{vector.Length}).", name);
        return vector[(int)index - 1];
    }

    private static LE Emit(Expr e, Scope scope)
    {
        switch (e)
        {
            case Number n: return LE.Constant(n.Value.ToDouble());
            case Symbol s:
                return scope.Scalars.TryGetValue(s.Name, out var local) ? local
                    : throw new ArgumentException($"Symbol '{s.Name}' is not among the compiled parameters.", nameof(e));
            case IndexVariable i:
                return scope.Indices.TryGetValue(i.Name, out var index) ? index
                    : throw new ArgumentException($"Index variable {i.Name} is not bound by an enclosing sum or product.", nameof(e));
            case Element el: return LE.Call(AtM, scope.Vectors[el.Vector.Name], Emit(el.Index, scope), LE.Constant(el.Vector.Name));
            case BigOperator b: return EmitBig(b, scope);
            case NamedConstant c: return LE.Constant(c.Kind == ConstantKind.E ? Math.E : Math.PI);
            case Infinity: return LE.Constant(double.PositiveInfinity);
            case Sum s: return s.Terms.Skip(1).Aggregate(Emit(s.Terms[0], scope), (acc, t) => LE.Add(acc, Emit(t, scope)));
            case Product p:
                {
                    // Factors with negative numeric exponents become one division, as in the printed fraction.
                    var numerator = new List<LE>();
                    var denominator = new List<LE>();
                    foreach (var f in p.Factors)
                    {
                        if (f is Power { Exponent: Number { Value.Sign: < 0 } k } w)
                            denominator.Add(Emit(Expr.Pow(w.Base, Expr.Num(-k.Value)), scope));
                        else
                            numerator.Add(Emit(f, scope));
                    }
                    var num = numerator.Count == 0 ? LE.Constant(1.0) : numerator.Skip(1).Aggregate(numerator[0], LE.Multiply);
                    return denominator.Count == 0 ? num : LE.Divide(num, denominator.Skip(1).Aggregate(denominator[0], LE.Multiply));
                }
            case Power p: return EmitPower(p, scope);
            case Function f:
                {
                    var args = f.Arguments.Select(a => Emit(a, scope)).ToArray();
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

    // for (i = lower; i <= upper; i++) acc = acc + body (Σ) or acc.Multiply(body) (Π, a scaled product).
    private static LE EmitBig(BigOperator b, Scope scope)
    {
        var index = LE.Variable(typeof(double), b.Index.Name);
        var upper = LE.Variable(typeof(double), b.Index.Name + "_upper");
        bool sum = b.Kind == BigOperatorKind.Sum;
        var acc = LE.Variable(sum ? typeof(double) : typeof(ScaledProduct), b.Index.Name + "_acc");
        var start = Emit(b.Lower, scope);
        var stop = Emit(b.Upper, scope);
        scope.Indices.TryGetValue(b.Index.Name, out var shadowed);
        scope.Indices[b.Index.Name] = index;
        var item = Emit(b.Body, scope);
        if (shadowed is null) scope.Indices.Remove(b.Index.Name); else scope.Indices[b.Index.Name] = shadowed;
        var done = LE.Label("done_" + b.Index.Name);
        return LE.Block(typeof(double), [index, upper, acc],
            LE.Assign(index, start),
            LE.Assign(upper, stop),
            sum ? LE.Assign(acc, LE.Constant(0.0)) : LE.Assign(acc, LE.Default(typeof(ScaledProduct))),
            LE.Loop(LE.IfThenElse(LE.GreaterThan(index, upper), LE.Break(done),
                LE.Block(sum ? LE.Assign(acc, LE.Add(acc, item)) : LE.Call(acc, ScaledMultiplyM, item),
                    LE.Assign(index, LE.Add(index, LE.Constant(1.0))))), done),
            sum ? acc : LE.Call(acc, ScaledValueM, LE.Constant(0)));
    }

    private static LE EmitPower(Power p, Scope locals)
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
