using System.Globalization;
using System.Text;

namespace BoundLab.Bounds.Symbolic;

/// <summary>Plain-text printers: Unicode for reading (√, ·, δ, ², kl⁻¹) and ASCII infix that <see cref="Parser"/> reads back.</summary>
public static class TextPrinter
{
    private static readonly string[] GreekNames =
    [
        "alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa", "lambda", "mu",
        "nu", "xi", "rho", "sigma", "tau", "upsilon", "phi", "chi", "psi", "omega",
    ];
    private static readonly Dictionary<string, string> GreekLetters =
        GreekNames.Zip("αβγδεζηθικλμνξρστυφχψω").ToDictionary(p => p.First, p => p.Second.ToString());
    private const string Superscripts = "⁰¹²³⁴⁵⁶⁷⁸⁹";

    /// <summary>Unicode text, e.g. √(2·d·ln(e·n/d)/n).</summary>
    public static string Unicode(Expr e) => Render(Visual.From(e), unicode: true);

    /// <summary>ASCII infix, e.g. sqrt(2*d*ln(e*n/d)/n); parses back to the same expression (Σ/Π print as sum(i, 1, L, body) and
    /// prod(…), elements as x[i], read back by <see cref="Parser.Parse(string, IReadOnlyDictionary{string, Domain}?, IReadOnlyDictionary{string, VectorSymbol})"/> given the vectors).</summary>
    public static string Infix(Expr e) => Render(Visual.From(e), unicode: false);

    /// <summary>True for a spelled-out lowercase Greek letter name such as delta.</summary>
    internal static bool IsGreekName(string name) => GreekLetters.ContainsKey(name);

    private static string Render(Visual v, bool unicode)
    {
        var sb = new StringBuilder();
        Write(sb, v, unicode);
        return sb.ToString();
    }

    private static void Write(StringBuilder sb, Visual v, bool u, int minPrecedence = 0)
    {
        bool parens = v.Precedence < minPrecedence;
        if (parens) sb.Append('(');
        string minus = u ? "−" : "-";
        switch (v)
        {
            case VInteger i: sb.Append(i.Value.ToString(CultureInfo.InvariantCulture)); break;
            case VSymbol s: sb.Append(u && GreekLetters.TryGetValue(s.Name, out var g) ? g : s.Name); break;
            case VConstant c: sb.Append(c.Kind == ConstantKind.E ? "e" : u ? "π" : "pi"); break;
            case VInfinity: sb.Append(u ? "∞" : "inf"); break;
            case VUndefined: sb.Append("undefined"); break;
            case VSum s:
                for (int i = 0; i < s.Terms.Count; i++)
                {
                    var (negative, term) = s.Terms[i];
                    if (i == 0) { if (negative) sb.Append(minus); }
                    else sb.Append(negative ? $" {minus} " : " + ");
                    Write(sb, term, u, negative || i > 0 ? 3 : 2);
                }
                break;
            case VNeg n: sb.Append(minus); Write(sb, n.Inner, u, 3); break;
            case VProduct p:
                for (int i = 0; i < p.Factors.Count; i++)
                {
                    if (i > 0) sb.Append(u ? "·" : "*");
                    // A fraction inside a product would read as (a/b)·c anyway; parenthesize it for clarity.
                    Write(sb, p.Factors[i], u, 4);
                }
                break;
            case VFraction f:
                Write(sb, f.Numerator, u, 3);
                sb.Append('/');
                Write(sb, f.Denominator, u, 4);
                break;
            case VPower p:
                Write(sb, p.Base, u, 5);
                if (u && p.Exponent is VInteger k && k.Value.Sign > 0)
                    foreach (var ch in k.Value.ToString(CultureInfo.InvariantCulture)) sb.Append(Superscripts[ch - '0']);
                else
                {
                    sb.Append('^');
                    Write(sb, p.Exponent, u, 5);
                }
                break;
            case VRoot r:
                sb.Append(u ? "√(" : "sqrt(");
                Write(sb, r.Argument, u);
                sb.Append(')');
                break;
            case VFunction f:
                sb.Append(f.Kind switch
                {
                    FunctionKind.Ln => "ln",
                    FunctionKind.Exp => "exp",
                    FunctionKind.Expm1 => "expm1",
                    FunctionKind.Min => "min",
                    FunctionKind.Max => "max",
                    FunctionKind.KlInv => u ? "kl⁻¹" : "klinv",
                    FunctionKind.BinomInv => u ? "bin⁻¹" : "bininv",
                });
                sb.Append('(');
                for (int i = 0; i < f.Arguments.Count; i++)
                {
                    if (i > 0) sb.Append(", ");
                    Write(sb, f.Arguments[i], u);
                }
                sb.Append(')');
                break;
            case VElement el:
                sb.Append(el.Vector);
                if (!u) { sb.Append('['); Write(sb, el.Index, u); sb.Append(']'); }
                else if (el.Index is VSymbol or VInteger) { sb.Append('_'); Write(sb, el.Index, u); }
                else { sb.Append("_("); Write(sb, el.Index, u); sb.Append(')'); }
                break;
            case VBig b when u:
                sb.Append(b.Kind == BigOperatorKind.Sum ? "Σ" : "Π").Append("_{").Append(b.Index).Append('=');
                Write(sb, b.Lower, u);
                sb.Append("}^{");
                Write(sb, b.Upper, u);
                sb.Append("} ");
                Write(sb, b.Body, u, 4);
                break;
            case VBig b:
                sb.Append(b.Kind == BigOperatorKind.Sum ? "sum(" : "prod(").Append(b.Index).Append(", ");
                Write(sb, b.Lower, u);
                sb.Append(", ");
                Write(sb, b.Upper, u);
                sb.Append(", ");
                Write(sb, b.Body, u);
                sb.Append(')');
                break;
            default: throw new NotSupportedException($"No text form for {v.GetType().Name}.");
        }
        if (parens) sb.Append(')');
    }
}
