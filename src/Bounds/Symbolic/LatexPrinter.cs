using System.Globalization;
using System.Text;

namespace BoundLab.Bounds.Symbolic;

/// <summary>LaTeX output, e.g. \sqrt{\frac{2 d \ln\left(\frac{e n}{d}\right)}{n}}.</summary>
public static class LatexPrinter
{
    /// <summary>The LaTeX source (math mode, without delimiters).</summary>
    public static string Latex(Expr e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var sb = new StringBuilder();
        Write(sb, Visual.From(e), 0);
        return sb.ToString();
    }

    private static void Write(StringBuilder sb, Visual v, int minPrecedence)
    {
        bool parens = v.Precedence < minPrecedence;
        if (parens) sb.Append(@"\left(");
        switch (v)
        {
            case VInteger i: sb.Append(i.Value.ToString(CultureInfo.InvariantCulture)); break;
            case VSymbol s: sb.Append(SymbolName(s.Name)); break;
            case VConstant c: sb.Append(c.Kind == ConstantKind.E ? "e" : @"\pi"); break;
            case VInfinity: sb.Append(@"\infty"); break;
            case VUndefined: sb.Append(@"\mathrm{undefined}"); break;
            case VSum s:
                for (int i = 0; i < s.Terms.Count; i++)
                {
                    var (negative, term) = s.Terms[i];
                    if (i == 0) { if (negative) sb.Append('-'); }
                    else sb.Append(negative ? " - " : " + ");
                    Write(sb, term, 2);
                }
                break;
            case VNeg n: sb.Append('-'); Write(sb, n.Inner, 3); break;
            case VProduct p:
                for (int i = 0; i < p.Factors.Count; i++)
                {
                    // Juxtaposition, except between two numbers where "2 3" would read as 23.
                    if (i > 0) sb.Append(p.Factors[i] is VInteger && p.Factors[i - 1] is VInteger ? @" \cdot " : " ");
                    Write(sb, p.Factors[i], 3);
                }
                break;
            case VFraction f:
                sb.Append(@"\frac{");
                Write(sb, f.Numerator, 0);
                sb.Append("}{");
                Write(sb, f.Denominator, 0);
                sb.Append('}');
                break;
            case VPower p:
                // Only atoms go bare under an exponent; ln(x)^2 and (a+b)^2 need visible parentheses.
                if (p.Base is VInteger or VSymbol or VConstant or VElement) Write(sb, p.Base, 0);
                else { sb.Append(@"\left("); Write(sb, p.Base, 0); sb.Append(@"\right)"); }
                sb.Append("^{");
                Write(sb, p.Exponent, 0);
                sb.Append('}');
                break;
            case VRoot r:
                sb.Append(@"\sqrt{");
                Write(sb, r.Argument, 0);
                sb.Append('}');
                break;
            case VFunction f:
                {
                    // expm1 is printed as the mathematics it stands for, (exp(x) − 1), parenthesized as one atom.
                    var (open, close) = f.Kind switch
                    {
                        FunctionKind.Ln => (@"\ln\left(", @"\right)"),
                        FunctionKind.Exp => (@"\exp\left(", @"\right)"),
                        FunctionKind.Expm1 => (@"\left(\exp\left(", @"\right) - 1\right)"),
                        FunctionKind.Min => (@"\min\left(", @"\right)"),
                        FunctionKind.Max => (@"\max\left(", @"\right)"),
                        FunctionKind.KlInv => (@"\operatorname{kl}^{-1}\left(", @"\right)"),
                        FunctionKind.BinomInv => (@"\operatorname{Bin}^{-1}\left(", @"\right)"),
                    };
                    sb.Append(open);
                    for (int i = 0; i < f.Arguments.Count; i++)
                    {
                        if (i > 0) sb.Append(", ");
                        Write(sb, f.Arguments[i], 0);
                    }
                    sb.Append(close);
                    break;
                }
            case VElement el:
                sb.Append(SymbolName(el.Vector)).Append("_{");
                Write(sb, el.Index, 0);
                sb.Append('}');
                break;
            case VBig b:
                sb.Append(b.Kind == BigOperatorKind.Sum ? @"\sum_{" : @"\prod_{").Append(SymbolName(b.Index)).Append('=');
                Write(sb, b.Lower, 0);
                sb.Append("}^{");
                Write(sb, b.Upper, 0);
                sb.Append("} ");
                Write(sb, b.Body, 3);
                break;
            default: throw new NotSupportedException($"No LaTeX form for {v.GetType().Name}.");
        }
        if (parens) sb.Append(@"\right)");
    }

    /// <summary>Greek names become commands, one letter stays, longer names are upright text (train_error → \mathrm{train\_error}).</summary>
    private static string SymbolName(string name)
    {
        if (TextPrinter.IsGreekName(name)) return "\\" + name;
        if (name.Length == 1) return name;
        return @"\mathrm{" + name.Replace("_", @"\_", StringComparison.Ordinal) + "}";
    }
}
