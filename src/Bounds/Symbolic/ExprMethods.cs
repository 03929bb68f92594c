namespace BoundLab.Bounds.Symbolic;

// Instance shortcuts to the static services, so that formulas read naturally from C# and F# scripts.
public abstract partial class Expr
{
    /// <summary>The value with symbols taken from values by name (see <see cref="Evaluator.Evaluate"/>).</summary>
    public double Evaluate(IReadOnlyDictionary<string, double> values) => Evaluator.Evaluate(this, values);

    /// <summary>∂this/∂x (see <see cref="Calculus.Differentiate"/>).</summary>
    public Expr Differentiate(Symbol x) => Calculus.Differentiate(this, x);

    /// <summary>Replaces symbols by name and renormalizes.</summary>
    public Expr Substitute(IReadOnlyDictionary<string, Expr> replacements) => Calculus.Substitute(this, replacements);

    /// <summary>The symbols occurring in this expression, sorted by name.</summary>
    public IReadOnlyList<Symbol> FreeSymbols => Calculus.FreeSymbols(this);

    /// <summary>Unicode text, e.g. √(2·d·ln(e·n/d)/n).</summary>
    public string ToUnicode() => TextPrinter.Unicode(this);

    /// <summary>LaTeX source (math mode, without delimiters).</summary>
    public string ToLatex() => LatexPrinter.Latex(this);

    /// <summary>The SMT-LIB 2 term alone; use <see cref="SmtLibEncoder"/> for the declarations and axioms it needs.</summary>
    public string ToSmtLib() => SmtLibEncoder.Print(this);
}
