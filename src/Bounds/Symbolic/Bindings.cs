using System.Collections.Immutable;
using System.Globalization;

namespace BoundLab.Bounds.Symbolic;

/// <summary>
/// The values an expression is evaluated at: scalars by name, vectors by name, and the current values of the index
/// variables of the enclosing Σ/Π. Checked once at the public boundary (<see cref="Create"/>): every vector read is
/// given and has as many elements as its length symbol says (a length symbol without a value takes the vector's length).
/// </summary>
internal sealed class Bindings
{
    private static readonly IReadOnlyDictionary<string, IReadOnlyList<double>> NoVectors = new Dictionary<string, IReadOnlyList<double>>();
    private readonly IReadOnlyDictionary<string, double> scalars;
    private readonly IReadOnlyDictionary<string, double>? lengths;
    private readonly IReadOnlyDictionary<string, IReadOnlyList<double>> vectors;
    private readonly ImmutableDictionary<string, long> indices;

    private Bindings(IReadOnlyDictionary<string, double> scalars, IReadOnlyDictionary<string, double>? lengths,
        IReadOnlyDictionary<string, IReadOnlyList<double>> vectors, ImmutableDictionary<string, long> indices)
    {
        this.scalars = scalars;
        this.lengths = lengths;
        this.vectors = vectors;
        this.indices = indices;
    }

    /// <summary>Scalars only (expressions without vectors).</summary>
    public static Bindings Scalars(IReadOnlyDictionary<string, double> scalars) =>
        new(scalars, null, NoVectors, ImmutableDictionary<string, long>.Empty);

    /// <summary>Checks the vectors that e reads against the given ones and their length symbols.</summary>
    public static Bindings Create(Expr e, IReadOnlyDictionary<string, double> scalars, IReadOnlyDictionary<string, IReadOnlyList<double>> vectors)
    {
        Dictionary<string, double>? lengths = null;
        var lengthOwner = new Dictionary<string, string>();
        foreach (var v in Indexed.FreeVectors(e))
        {
            if (!vectors.TryGetValue(v.Name, out var values) || values is null)
                throw new ArgumentException($"No value given for vector '{v.Name}' (of length {v.Length.Name}).", nameof(vectors));
            string length = v.Length.Name;
            if (scalars.TryGetValue(length, out var given))
            {
                if (given != values.Count)
                    throw new ArgumentException(
                        $"Vector '{v.Name}' has {values.Count} elements but its length {length} = {given.ToString("R", CultureInfo.InvariantCulture)}; give exactly {length} values.", nameof(vectors));
            }
            else if (lengthOwner.TryGetValue(length, out var other))
            {
                if (vectors[other].Count != values.Count)
                    throw new ArgumentException(
                        $"Vectors '{other}' and '{v.Name}' share the length {length} but have {vectors[other].Count} and {values.Count} elements.", nameof(vectors));
            }
            else
            {
                lengthOwner[length] = v.Name;
                (lengths ??= [])[length] = values.Count;
            }
        }
        return new Bindings(scalars, lengths, vectors, ImmutableDictionary<string, long>.Empty);
    }

    /// <summary>The value of a scalar symbol; a missing one throws naming it.</summary>
    public double Scalar(Symbol s) =>
        scalars.TryGetValue(s.Name, out var v) ? v
        : lengths is not null && lengths.TryGetValue(s.Name, out var n) ? n
        : throw new ArgumentException($"No value given for symbol '{s.Name}'.", "values");

    /// <summary>The value of element index (1-based) of a vector; an index outside 1..count throws naming the vector.</summary>
    public double Element(VectorSymbol v, double index)
    {
        var values = vectors.TryGetValue(v.Name, out var xs) ? xs
            : throw new ArgumentException($"No value given for vector '{v.Name}'.", "vectors");
        if (!(index >= 1 && index <= values.Count && Math.Floor(index) == index))
            throw new ArgumentException(
                $"Element {v.Name}_{index.ToString("R", CultureInfo.InvariantCulture)} does not exist: {v.Name} has {values.Count} elements (indices 1..{values.Count}).", "vectors");
        return values[(int)index - 1];
    }

    /// <summary>The current value of an index variable; one outside every Σ/Π that binds it throws.</summary>
    public long Index(IndexVariable i) =>
        indices.TryGetValue(i.Name, out var v) ? v
        : throw new InvalidOperationException($"Index variable {i.Name} is not bound by an enclosing sum or product.");

    /// <summary>These bindings with the index variable set to a value.</summary>
    public Bindings With(IndexVariable i, long value) => new(scalars, lengths, vectors, indices.SetItem(i.Name, value));

    /// <summary>A limit or index value: it must be a finite integer.</summary>
    public static long Integer(double value, string what) =>
        double.IsFinite(value) && Math.Floor(value) == value && Math.Abs(value) <= 1L << 53 ? (long)value
        : throw new InvalidOperationException($"The {what} must be an integer; it evaluated to {value.ToString("R", CultureInfo.InvariantCulture)}.");
}

/// <summary>
/// A product of many doubles kept as mantissa · 2^exponent, so that Π_{i=1}^{100} of factors 1e5 and 1e−5 neither
/// overflows nor underflows on the way when the final value is representable. Every step multiplies two mantissas in
/// [1, 2) (exact scaling by powers of two), so in the normal range each rounding is the one the plain product makes.
/// </summary>
internal struct ScaledProduct
{
    private double mantissa;
    private long exponent;
    private bool started;

    /// <summary>Multiplies by f (round to nearest).</summary>
    public void Multiply(double f) => Step(f, 0);

    /// <summary>Multiplies by f rounded down (direction −1) or up (+1); both operands are ≥ 0.</summary>
    public void Step(double f, int direction)
    {
        if (!started) { mantissa = 1; started = true; }
        if (mantissa == 0 || !double.IsFinite(mantissa) || f == 0 || !double.IsFinite(f))
        {
            mantissa = direction switch { < 0 => DirectedRounding.MulDown(mantissa, f), > 0 => DirectedRounding.MulUp(mantissa, f), _ => mantissa * f };
            return;
        }
        int kf = Math.ILogB(f);
        double m = Math.ScaleB(f, -kf);
        mantissa = direction switch { < 0 => DirectedRounding.MulDown(mantissa, m), > 0 => DirectedRounding.MulUp(mantissa, m), _ => mantissa * m };
        int km = Math.ILogB(mantissa);
        mantissa = Math.ScaleB(mantissa, -km);
        exponent += (long)kf + km;
    }

    /// <summary>The product rounded to nearest (direction 0), down (−1) or up (+1) into the double range.</summary>
    public readonly double Value(int direction = 0)
    {
        if (!started) return 1;
        if (mantissa == 0 || !double.IsFinite(mantissa)) return mantissa;
        int e = (int)Math.Clamp(exponent, -4000, 4000);
        double r = Math.ScaleB(mantissa, e);
        if (direction == 0) return r;
        if (double.IsInfinity(r)) return r > 0 ? (direction < 0 ? double.MaxValue : r) : (direction < 0 ? r : -double.MaxValue);
        // ScaleB rounds only when the result is subnormal or zero; step away when it lost bits in the wrong direction.
        double back = Math.ScaleB(r, -e);
        if (back == mantissa) return r;
        bool below = Math.Abs(back) < Math.Abs(mantissa) == (mantissa > 0);
        return direction < 0 ? (below ? r : Math.BitDecrement(r)) : (below ? Math.BitIncrement(r) : r);
    }
}
