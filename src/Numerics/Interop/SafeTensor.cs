using System.Collections.ObjectModel;

namespace BoundLab.Numerics.Interop;

/// <summary>The element types a <see cref="SafeTensor"/> holds: safetensors' "F32" and "F64".</summary>
public enum SafeTensorDtype
{
    /// <summary>IEEE binary32, 4 bytes little-endian.</summary>
    F32,

    /// <summary>IEEE binary64, 8 bytes little-endian.</summary>
    F64,
}

/// <summary>One named tensor of a safetensors file: dtype, shape (row-major, C order) and values.</summary>
/// <remarks>Immutable: the constructors copy the shape and the values. Equality is by value (name, dtype, shape
/// and the bits of every value), so a round trip can be compared with <c>=</c>.</remarks>
public sealed record SafeTensor
{
    private readonly float[] _f32;
    private readonly double[] _f64;

    /// <summary>A float32 tensor; <paramref name="values"/> holds the product of <paramref name="shape"/> values (1 for shape []).</summary>
    public SafeTensor(string name, IReadOnlyList<int> shape, float[] values)
        : this(name, shape, SafeTensorDtype.F32, values?.Length ?? throw new ArgumentNullException(nameof(values)))
    {
        _f32 = (float[])values.Clone();
        _f64 = [];
    }

    /// <summary>A float64 tensor; <paramref name="values"/> holds the product of <paramref name="shape"/> values (1 for shape []).</summary>
    public SafeTensor(string name, IReadOnlyList<int> shape, double[] values)
        : this(name, shape, SafeTensorDtype.F64, values?.Length ?? throw new ArgumentNullException(nameof(values)))
    {
        _f32 = [];
        _f64 = (double[])values.Clone();
    }

    private SafeTensor(string name, IReadOnlyList<int> shape, SafeTensorDtype dtype, int length)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(shape);
        if (name.Length == 0 || name == SafeTensors.MetadataKey)
        {
            throw new ArgumentException($"tensor name \"{name}\"; allowed: a non-empty name other than \"{SafeTensors.MetadataKey}\".",
                nameof(name));
        }

        long count = 1;
        for (int i = 0; i < shape.Count; i++)
        {
            if (shape[i] < 0)
            {
                throw new ArgumentException($"tensor '{name}': shape[{i}] is {shape[i]}; allowed: dimensions ≥ 0.", nameof(shape));
            }

            count = Math.Min(count * shape[i], long.MaxValue / 2);
        }

        if (count != length)
        {
            throw new ArgumentException(
                $"tensor '{name}': shape [{string.Join(", ", shape)}] holds {count} values but {length} were given; allowed: exactly {count}.",
                nameof(shape));
        }

        Name = name;
        Dtype = dtype;
        Shape = Array.AsReadOnly(shape.ToArray());
        _f32 = [];
        _f64 = [];
    }

    /// <summary>The tensor's key in the file (PyTorch's state-dict name, e.g. "0.weight").</summary>
    public string Name { get; }

    /// <summary>The element type.</summary>
    public SafeTensorDtype Dtype { get; }

    /// <summary>The dimensions, outermost first; [] is a scalar.</summary>
    public ReadOnlyCollection<int> Shape { get; }

    /// <summary>Number of values: the product of <see cref="Shape"/>.</summary>
    public int Count => Dtype == SafeTensorDtype.F32 ? _f32.Length : _f64.Length;

    /// <summary>The float32 values (row-major); throws unless <see cref="Dtype"/> is F32.</summary>
    public ReadOnlySpan<float> AsFloat32() => Dtype == SafeTensorDtype.F32
        ? _f32
        : throw new InvalidOperationException($"tensor '{Name}' has dtype {Dtype}; AsFloat32 needs F32 (ToFloat32Array rounds).");

    /// <summary>The float64 values (row-major); throws unless <see cref="Dtype"/> is F64.</summary>
    public ReadOnlySpan<double> AsFloat64() => Dtype == SafeTensorDtype.F64
        ? _f64
        : throw new InvalidOperationException($"tensor '{Name}' has dtype {Dtype}; AsFloat64 needs F64 (ToFloat64Array widens).");

    /// <summary>A copy of the values as float32 (F64 values rounded to nearest).</summary>
    public float[] ToFloat32Array() => Dtype == SafeTensorDtype.F32 ? (float[])_f32.Clone() : Array.ConvertAll(_f64, v => (float)v);

    /// <summary>A copy of the values as float64 (exact for both dtypes).</summary>
    public double[] ToFloat64Array() => Dtype == SafeTensorDtype.F64 ? (double[])_f64.Clone() : Array.ConvertAll(_f32, v => (double)v);

    /// <summary>Same name, dtype, shape and bit patterns of the values.</summary>
    public bool Equals(SafeTensor? other)
        => other is not null && Name == other.Name && Dtype == other.Dtype && Shape.SequenceEqual(other.Shape)
            && (Dtype == SafeTensorDtype.F32
                ? _f32.AsSpan().SequenceEqual(other._f32)
                : System.Runtime.InteropServices.MemoryMarshal.AsBytes(_f64.AsSpan())
                    .SequenceEqual(System.Runtime.InteropServices.MemoryMarshal.AsBytes(other._f64.AsSpan())));

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Name, Dtype, Count);

    /// <summary>"name: F32 [2, 3]".</summary>
    public override string ToString() => $"{Name}: {Dtype} [{string.Join(", ", Shape)}]";
}

/// <summary>What <see cref="SafeTensors.Read"/> returns: the tensors in file (data offset) order and the
/// header's "__metadata__" map (empty when the file has none).</summary>
public sealed record SafeTensorFile(IReadOnlyList<SafeTensor> Tensors, IReadOnlyDictionary<string, string> Metadata)
{
    /// <summary>The tensor called <paramref name="name"/>, or null.</summary>
    public SafeTensor? Find(string name) => Tensors.FirstOrDefault(t => t.Name == name);

    /// <summary>The tensor called <paramref name="name"/>; throws naming the tensors the file has when there is none.</summary>
    public SafeTensor this[string name] => Find(name) ?? throw new KeyNotFoundException(
        $"no tensor '{name}'; the file has: {string.Join(", ", Tensors.Select(t => t.Name))}.");
}
