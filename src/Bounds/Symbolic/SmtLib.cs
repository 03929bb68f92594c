using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.RegularExpressions;

namespace BoundLab.Bounds.Symbolic;

/// <summary>
/// Encodes expressions as SMT-LIB 2 real arithmetic (expm1(x) as exp(x) − 1). ln, exp and kl⁻¹ become declared uninterpreted functions
/// (bl.ln, bl.exp, bl.klinv); roots and symbolic powers become fresh variables. Each is constrained only by
/// ground instances of true facts about the real function at the terms that occur (exp(0) = 1, exp &gt; 0,
/// exp x ≥ 1 + x, strict monotonicity of exp between occurring arguments, ln(exp a) = a, exp(ln b) = b for
/// b &gt; 0, t ≥ 0 ∧ t^q = x^p for t = x^(p/q) and x ≥ 0, Pinsker's 2(p−q)² ≤ c for p = kl⁻¹(q, c)), so an
/// unsat answer is a proof about the real functions. Definedness conditions are implications, never
/// assumptions: where the real function is undefined the solver may pick any value.
/// </summary>
public sealed partial class SmtLibEncoder
{
    private readonly Dictionary<Expr, string> terms = [];
    private readonly SortedDictionary<string, Symbol> symbols = new(StringComparer.Ordinal);
    private readonly List<string> freshDeclarations = [];
    private readonly List<string> axioms = [];
    private readonly List<string> expArguments = [];
    private readonly List<string> lnArguments = [];
    private readonly IReadOnlyDictionary<string, int> lengths;
    private bool usesPi, usesKlInv, usesBinomInv;

    /// <summary>An encoder for expressions without Σ/Π over a symbolic length.</summary>
    public SmtLibEncoder() : this(new Dictionary<string, int>()) { }

    /// <summary>
    /// An encoder that gives length symbols (e.g. depth) concrete values: each Σ/Π is then written out term by term and
    /// element i of a vector x becomes the real variable |x[i]| with the vector's domain.
    /// </summary>
    public SmtLibEncoder(IReadOnlyDictionary<string, int> lengths)
    {
        ArgumentNullException.ThrowIfNull(lengths);
        foreach (var (name, n) in lengths)
            if (n < 1) throw new ArgumentOutOfRangeException(nameof(lengths), n, $"The length {name} must be an integer ≥ 1.");
        this.lengths = lengths;
    }

    /// <summary>The SMT-LIB term of e, registering the declarations and axioms it needs.</summary>
    public string Term(Expr e)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (terms.TryGetValue(e, out var cached)) return cached;
        var text = Encode(Indexed.HasIndexed(e) ? Concrete(e) : e);
        terms[e] = text;
        return text;
    }

    // SMT-LIB has no Σ/Π: with the lengths substituted each one has numeric limits and is written out; elements with a
    // numeric index become variables.
    private Expr Concrete(Expr e)
    {
        var substituted = Calculus.Substitute(e, lengths.ToDictionary(kv => kv.Key, kv => (Expr)kv.Value));
        var unrolled = Calculus.Unroll(substituted);
        var open = Find(unrolled, x => x is BigOperator);
        if (open is BigOperator b)
            throw new NotSupportedException(
                $"No SMT-LIB encoding for {TextPrinter.Unicode(b)} without a concrete length: its range {b.Lower}..{b.Upper} is symbolic; " +
                $"give the length{(Calculus.FreeSymbols(b.Upper).FirstOrDefault() is { } l ? $" of {l.Name}" : "")} with new SmtLibEncoder(lengths).");
        if (Find(unrolled, x => x is IndexVariable) is IndexVariable i)
            throw new NotSupportedException($"No SMT-LIB encoding for the index variable {i.Name} outside a sum or product.");
        return Calculus.ReplaceElements(unrolled, el => el.Index is Number n
            ? Expr.Sym($"{el.Vector.Name}[{n.Value}]", el.Vector.Domain)
            : throw new NotSupportedException($"No SMT-LIB encoding for {el.Vector.Name}[{el.Index}]: its index is not a number."));

        static Expr? Find(Expr x, Func<Expr, bool> what) =>
            what(x) ? x : Indexed.Children(x).Select(c => Find(c, what)).FirstOrDefault(r => r is not null);
    }

    /// <summary>A complete script: declarations, the symbols' domain constraints, the axioms, the given assertions (SMT-LIB Bool terms) and (check-sat).</summary>
    public string Script(IEnumerable<string> assertions)
    {
        ArgumentNullException.ThrowIfNull(assertions);
        var asserted = assertions.ToList();
        var sb = new StringBuilder();
        foreach (var s in symbols.Values) sb.Append("(declare-fun ").Append(Name(s.Name)).AppendLine(" () Real)");
        if (usesPi) sb.AppendLine("(declare-fun bl.pi () Real)");
        if (expArguments.Count > 0 || lnArguments.Count > 0)
        {
            sb.AppendLine("(declare-fun bl.exp (Real) Real)");
            sb.AppendLine("(declare-fun bl.ln (Real) Real)");
        }
        if (usesKlInv) sb.AppendLine("(declare-fun bl.klinv (Real Real) Real)");
        if (usesBinomInv) sb.AppendLine("(declare-fun bl.bininv (Real Real Real) Real)");
        foreach (var d in freshDeclarations) sb.AppendLine(d);
        foreach (var s in symbols.Values) sb.Append("(assert ").Append(DomainConstraint(s)).AppendLine(")");
        if (usesPi) sb.AppendLine("(assert (and (< 3.14159265 bl.pi) (< bl.pi 3.14159266)))");
        foreach (var a in axioms.Concat(ExpLnAxioms())) sb.Append("(assert ").Append(a).AppendLine(")");
        foreach (var a in asserted) sb.Append("(assert ").Append(a).AppendLine(")");
        sb.AppendLine("(check-sat)");
        return sb.ToString();
    }

    /// <summary>The script whose unsat answer proves left = right for all values of the symbols in their domains.</summary>
    public static string EqualityObligation(Expr left, Expr right) => EqualityObligation(left, right, new Dictionary<string, int>());

    /// <summary>The equality obligation for expressions with Σ/Π, written out at the given lengths.</summary>
    public static string EqualityObligation(Expr left, Expr right, IReadOnlyDictionary<string, int> lengths)
    {
        var enc = new SmtLibEncoder(lengths);
        string l = enc.Term(left), r = enc.Term(right);
        return enc.Script([$"(not (= {l} {r}))"]);
    }

    /// <summary>The SMT-LIB term alone (declarations and axioms dropped), for display.</summary>
    public static string Print(Expr e) => new SmtLibEncoder().Term(e);

    /// <summary>The SMT-LIB term alone with Σ/Π written out at the given lengths, for display.</summary>
    public static string Print(Expr e, IReadOnlyDictionary<string, int> lengths) => new SmtLibEncoder(lengths).Term(e);

    private string Encode(Expr e)
    {
        switch (e)
        {
            case Number n: return Numeral(n.Value);
            case Symbol s:
                if (symbols.TryGetValue(s.Name, out var other) && other.Domain != s.Domain)
                    throw new ArgumentException($"Symbol '{s.Name}' occurs with two domains, {other.Domain} and {s.Domain}.", nameof(e));
                symbols[s.Name] = s;
                return Name(s.Name);
            case NamedConstant { Kind: ConstantKind.E }: return ExpTerm("1.0");
            case NamedConstant: usesPi = true; return "bl.pi";
            case Sum s: return "(+ " + string.Join(" ", s.Terms.Select(Term)) + ")";
            case Product p: return "(* " + string.Join(" ", p.Factors.Select(Term)) + ")";
            case Power p: return EncodePower(p);
            case Function f: return EncodeFunction(f);
            default:
                throw new NotSupportedException($"No SMT-LIB encoding for node {e.GetType().Name} ({e}).");
        }
    }

    private string EncodeFunction(Function f) => f.Kind switch
    {
        FunctionKind.Ln => LnTerm(Term(f.Arguments[0])),
        FunctionKind.Exp => ExpTerm(Term(f.Arguments[0])),
        // expm1(x) = exp(x) − 1 exactly; the node exists for numerical accuracy only.
        FunctionKind.Expm1 => $"(- {ExpTerm(Term(f.Arguments[0]))} 1.0)",
        FunctionKind.Min => MinMaxTerm(f, "<="),
        FunctionKind.Max => MinMaxTerm(f, ">="),
        FunctionKind.KlInv => KlInvTerm(Term(f.Arguments[0]), Term(f.Arguments[1])),
        FunctionKind.BinomInv => BinomInvTerm(Term(f.Arguments[0]), Term(f.Arguments[1]), Term(f.Arguments[2])),
    };

    private string BinomInvTerm(string q, string n, string delta)
    {
        usesBinomInv = true;
        string p = $"(bl.bininv {q} {n} {delta})";
        // bin⁻¹(q, n, δ) ∈ (0, 1] for δ ∈ (0, 1): P(X ≤ qn) = 1 > δ at p = 0. (It is ≥ q only when qn is an integer and
        // δ ≤ 1/2, which the encoder cannot see, so that is not asserted.)
        axioms.Add($"(=> (and (> {delta} 0.0) (< {delta} 1.0)) (and (< 0.0 {p}) (<= {p} 1.0)))");
        return p;
    }

    private string LnTerm(string b)
    {
        if (!lnArguments.Contains(b)) lnArguments.Add(b);
        return $"(bl.ln {b})";
    }

    private string MinMaxTerm(Function f, string op) =>
        f.Arguments.Skip(1).Select(Term).Aggregate(Term(f.Arguments[0]), (acc, a) => $"(ite ({op} {acc} {a}) {acc} {a})");

    private string KlInvTerm(string q, string c)
    {
        usesKlInv = true;
        string p = $"(bl.klinv {q} {c})";
        // kl⁻¹(q, c) ∈ [q, 1] and, by Pinsker's inequality kl(q‖p) ≥ 2(p−q)², 2(p−q)² ≤ c.
        axioms.Add($"(=> (and (>= {q} 0.0) (<= {q} 1.0) (>= {c} 0.0)) (and (<= {q} {p}) (<= {p} 1.0) (<= (* 2.0 (- {p} {q}) (- {p} {q})) {c})))");
        return p;
    }

    private string EncodePower(Power p)
    {
        string b = Term(p.Base);
        if (p.Exponent is Number { Value: var k })
        {
            if (k.IsInteger)
                return k.Sign > 0 ? Repeat(b, k.Numerator) : $"(/ 1.0 {Repeat(b, -k.Numerator)})";
            var t = Fresh("bl.pow");
            var num = BigInteger.Abs(k.Numerator);
            axioms.Add(k.Sign > 0
                ? $"(=> (>= {b} 0.0) (and (>= {t} 0.0) (= {Repeat(t, k.Denominator)} {Repeat(b, num)})))"
                : $"(=> (> {b} 0.0) (and (> {t} 0.0) (= (* {Repeat(t, k.Denominator)} {Repeat(b, num)}) 1.0)))");
            return t;
        }
        // b^g = exp(g·ln b) where b > 0.
        string g = Term(p.Exponent), power = Fresh("bl.pow");
        if (!lnArguments.Contains(b)) lnArguments.Add(b);
        axioms.Add($"(=> (> {b} 0.0) (= {power} {ExpTerm($"(* {g} (bl.ln {b}))")}))");
        return power;
    }

    private string ExpTerm(string argument)
    {
        if (!expArguments.Contains(argument)) expArguments.Add(argument);
        return $"(bl.exp {argument})";
    }

    private IEnumerable<string> ExpLnAxioms()
    {
        if (expArguments.Count == 0 && lnArguments.Count == 0) yield break;
        var args = new List<string> { "0.0" };
        foreach (var a in expArguments.Concat(lnArguments.Select(b => $"(bl.ln {b})")))
            if (!args.Contains(a)) args.Add(a);
        yield return "(= (bl.exp 0.0) 1.0)";
        if (args.Contains("1.0")) yield return "(and (< 2.718281828 (bl.exp 1.0)) (< (bl.exp 1.0) 2.718281829))";
        foreach (var a in args)
        {
            yield return $"(> (bl.exp {a}) 0.0)";
            yield return $"(>= (bl.exp {a}) (+ 1.0 {a}))";
            yield return $"(= (bl.ln (bl.exp {a})) {a})";
        }
        foreach (var b in lnArguments) yield return $"(=> (> {b} 0.0) (= (bl.exp (bl.ln {b})) {b}))";
        for (int i = 0; i < args.Count; i++)
            for (int j = 0; j < args.Count; j++)
                if (i != j) yield return $"(=> (< {args[i]} {args[j]}) (< (bl.exp {args[i]}) (bl.exp {args[j]})))";
    }

    private string Fresh(string prefix)
    {
        var name = $"{prefix}.{freshDeclarations.Count}";
        freshDeclarations.Add($"(declare-fun {name} () Real)");
        return name;
    }

    private static string Repeat(string b, BigInteger k)
    {
        if (k > 64) throw new NotSupportedException($"Integer power {k} is too large to encode as repeated multiplication (at most 64).");
        return k.IsOne ? b : "(* " + string.Join(" ", Enumerable.Repeat(b, (int)k)) + ")";
    }

    private static string Numeral(Rational r)
    {
        string Abs(BigInteger v) => BigInteger.Abs(v).ToString(CultureInfo.InvariantCulture) + ".0";
        string magnitude = r.IsInteger ? Abs(r.Numerator) : $"(/ {Abs(r.Numerator)} {Abs(r.Denominator)})";
        return r.Sign < 0 ? $"(- {magnitude})" : magnitude;
    }

    private static string DomainConstraint(Symbol s)
    {
        string x = Name(s.Name);
        return s.Domain switch
        {
            Domain.Real => "true",
            Domain.PositiveReal => $"(> {x} 0.0)",
            Domain.NonNegativeReal => $"(>= {x} 0.0)",
            Domain.Probability => $"(and (> {x} 0.0) (< {x} 1.0))",
            _ => $"(and (>= {x} 1.0) (is_int {x}))",
        };
    }

    /// <summary>User names that are not plain identifiers are quoted, so they cannot collide with the bl.* names.</summary>
    private static string Name(string name) =>
        PlainName().IsMatch(name) && !Reserved.Contains(name) ? name : "|" + name.Replace("|", "_", StringComparison.Ordinal) + "|";

    // Words with a meaning in SMT-LIB or in common solver extensions (Z3, cvc5 transcendentals).
    private static readonly HashSet<string> Reserved =
    [
        "and", "or", "not", "xor", "ite", "let", "true", "false", "distinct", "forall", "exists", "as", "par",
        "abs", "div", "mod", "to_real", "to_int", "is_int", "exp", "ln", "log", "pi", "sin", "cos", "tan", "sqrt", "real.pi",
    ];

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex PlainName();
}
