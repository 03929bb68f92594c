using System.Globalization;

namespace BoundLab.Bounds.Symbolic;

/// <summary>A syntax error in an infix expression, with the 0-based position and what the parser expected there.</summary>
public sealed class ParseException : FormatException
{
    /// <summary>Creates the exception.</summary>
    public ParseException(string text, int position, string expected, string found)
        : base($"Parse error at position {position} in '{text}': expected {expected}, found {found}.")
    {
        Position = position;
        Expected = expected;
    }

    /// <summary>0-based character offset of the error.</summary>
    public int Position { get; }
    /// <summary>What would have been valid at Position.</summary>
    public string Expected { get; }
}

/// <summary>
/// Reads infix expressions: + - * / ^ (right-associative, binds tighter than unary minus), numbers
/// (12, 0.25, 1e-3, read exactly), identifiers, the functions ln, log (= ln), exp, expm1, sqrt, min, max,
/// klinv(q, c), and the constants e, pi, inf. Symbols get their domain from the supplied dictionary, else PositiveReal.
/// With vectors given, x[index] is an element and sum(i, lo, hi, body), prod(i, lo, hi, body) bind the index i inside body: the form <see cref="TextPrinter.Infix"/> writes.
/// </summary>
public sealed class Parser
{
    private readonly string text;
    private readonly IReadOnlyDictionary<string, Domain> domains;
    private readonly IReadOnlyDictionary<string, VectorSymbol> vectors;
    private readonly List<string> indices = [];
    private int pos;

    private Parser(string text, IReadOnlyDictionary<string, Domain> domains, IReadOnlyDictionary<string, VectorSymbol> vectors)
    {
        this.text = text;
        this.domains = domains;
        this.vectors = vectors;
    }

    /// <summary>Parses text into a normalized expression; throws <see cref="ParseException"/> on a syntax error.</summary>
    public static Expr Parse(string text, IReadOnlyDictionary<string, Domain>? domains = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Parse(text, domains, new Dictionary<string, VectorSymbol>());
    }

    /// <summary>Parses text with vector elements x[i] and sums/products over index variables; the vectors are given by name.</summary>
    public static Expr Parse(string text, IReadOnlyDictionary<string, Domain>? domains, IReadOnlyDictionary<string, VectorSymbol> vectors)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(vectors);
        var p = new Parser(text, domains ?? new Dictionary<string, Domain>(), vectors);
        var e = p.ParseSum();
        p.SkipSpace();
        if (p.pos < text.Length) throw p.Error("an operator or the end of input");
        return e;
    }

    private Expr ParseSum()
    {
        var e = ParseTerm();
        while (true)
        {
            if (Accept('+')) e += ParseTerm();
            else if (Accept('-')) e -= ParseTerm();
            else return e;
        }
    }

    private Expr ParseTerm()
    {
        var e = ParseUnary();
        while (true)
        {
            if (Accept('*')) e *= ParseUnary();
            else if (Accept('/')) e /= ParseUnary();
            else return e;
        }
    }

    private Expr ParseUnary() => Accept('-') ? -ParseUnary() : Accept('+') ? ParseUnary() : ParsePower();

    private Expr ParsePower()
    {
        var b = ParsePrimary();
        // Right-associative: 2^3^2 = 2^(3^2); the exponent may carry its own sign, as in x^-1.
        return Accept('^') ? Expr.Pow(b, ParseUnary()) : b;
    }

    private Expr ParsePrimary()
    {
        SkipSpace();
        if (pos >= text.Length) throw Error("a number, a name or '('");
        char c = text[pos];
        if (c == '(')
        {
            pos++;
            var inner = ParseSum();
            Expect(')');
            return inner;
        }
        if (char.IsAsciiDigit(c) || c == '.') return ParseNumber();
        if (char.IsLetter(c) || c == '_') return ParseName();
        throw Error("a number, a name or '('");
    }

    private Expr ParseNumber()
    {
        int start = pos;
        while (pos < text.Length && (char.IsAsciiDigit(text[pos]) || text[pos] == '.')) pos++;
        // An exponent only when digits follow, so "2e" stays a syntax error rather than eating the constant e.
        if (pos < text.Length && (text[pos] is 'e' or 'E'))
        {
            int save = pos++;
            if (pos < text.Length && text[pos] is '+' or '-') pos++;
            if (pos < text.Length && char.IsAsciiDigit(text[pos]))
                while (pos < text.Length && char.IsAsciiDigit(text[pos])) pos++;
            else pos = save;
        }
        var literal = text[start..pos];
        try { return Expr.Num(Rational.ParseDecimal(literal)); }
        catch (FormatException) { pos = start; throw Error("a number"); }
    }

    private Expr ParseName()
    {
        int start = pos;
        while (pos < text.Length && (char.IsLetterOrDigit(text[pos]) || text[pos] == '_')) pos++;
        string name = text[start..pos];
        SkipSpace();
        if (name is "sum" or "prod" && pos < text.Length && text[pos] == '(') return ParseBig(name, start);
        if (pos < text.Length && text[pos] == '[')
        {
            if (!vectors.TryGetValue(name, out var vector))
                throw new ParseException(text, start, $"a vector before '[' (known vectors: {string.Join(", ", vectors.Keys)})", $"'{name}'");
            pos++;
            var index = ParseSum();
            Expect(']');
            return Expr.Element(vector, index);
        }
        if (indices.Contains(name)) return Expr.IndexVar(name);
        if (pos < text.Length && text[pos] == '(')
        {
            int at = start;
            pos++;
            var args = new List<Expr> { ParseSum() };
            while (Accept(',')) args.Add(ParseSum());
            Expect(')');
            return name switch
            {
                "ln" or "log" => Unary(Expr.Ln),
                "exp" => Unary(Expr.Exp),
                "expm1" => Unary(Expr.Expm1),
                "sqrt" => Unary(Expr.Sqrt),
                "min" => Expr.Min(args),
                "max" => Expr.Max(args),
                "klinv" => args.Count == 2 ? Expr.KlInv(args[0], args[1]) : throw ArityError(at, "klinv", 2, args.Count),
                "bininv" => args.Count == 3 ? Expr.BinomInv(args[0], args[1], args[2]) : throw ArityError(at, "bininv", 3, args.Count),
                _ => throw new ParseException(text, at, "a function (ln, log, exp, expm1, sqrt, min, max, klinv, bininv)", $"'{name}'"),
            };

            Expr Unary(Func<Expr, Expr> f) => args.Count == 1 ? f(args[0]) : throw ArityError(at, name, 1, args.Count);
        }
        return name switch
        {
            "e" => Expr.E,
            "pi" => Expr.Pi,
            "inf" => Expr.PositiveInfinity,
            _ => Expr.Sym(name, domains.TryGetValue(name, out var d) ? d : Domain.PositiveReal),
        };
    }

    // sum(i, lo, hi, body); i is bound in body only.
    private Expr ParseBig(string name, int at)
    {
        pos++;
        SkipSpace();
        int indexAt = pos;
        while (pos < text.Length && (char.IsLetterOrDigit(text[pos]) || text[pos] == '_')) pos++;
        string index = text[indexAt..pos];
        if (index.Length == 0 || !char.IsLetter(index[0])) { pos = indexAt; throw Error($"an index name as the first argument of {name}"); }
        Expect(',');
        var limits = new List<Expr> { ParseSum() };
        Expect(',');
        limits.Add(ParseSum());
        if (!Accept(',')) throw new ParseException(text, at, $"4 arguments for {name}: (index, lower, upper, body)", pos < text.Length ? $"'{text[pos]}'" : "end of input");
        indices.Add(index);
        var body = ParseSum();
        indices.RemoveAt(indices.Count - 1);
        Expect(')');
        var i = Expr.IndexVar(index);
        return name == "sum" ? Expr.SumOver(i, limits[0], limits[1], body) : Expr.ProductOver(i, limits[0], limits[1], body);
    }

    private ParseException ArityError(int at, string name, int expected, int found) =>
        new(text, at, $"{expected} argument(s) for {name}", found.ToString(CultureInfo.InvariantCulture));

    private bool Accept(char c)
    {
        SkipSpace();
        if (pos < text.Length && text[pos] == c) { pos++; return true; }
        return false;
    }

    private void Expect(char c)
    {
        if (!Accept(c)) throw Error($"'{c}'");
    }

    private void SkipSpace()
    {
        while (pos < text.Length && char.IsWhiteSpace(text[pos])) pos++;
    }

    private ParseException Error(string expected) =>
        new(text, pos, expected, pos < text.Length ? $"'{text[pos]}'" : "end of input");
}
