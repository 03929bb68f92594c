using System.Collections;

namespace BoundLab.Numerics.Runs;

/// <summary>An immutable list that compares by value (element by element), so records holding one compare by value too.</summary>
/// <typeparam name="T">The element type; its own <see cref="object.Equals(object)"/> decides element equality.</typeparam>
public sealed class ValueList<T> : IReadOnlyList<T>, IEquatable<ValueList<T>>
{
    private readonly T[] items;

    /// <summary>A copy of <paramref name="items"/>.</summary>
    public ValueList(IEnumerable<T> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        this.items = items.ToArray();
    }

    /// <summary>The empty list.</summary>
    public static ValueList<T> Empty { get; } = new([]);

    /// <inheritdoc />
    public int Count => items.Length;

    /// <inheritdoc />
    public T this[int index] => items[index];

    /// <inheritdoc />
    public IEnumerator<T> GetEnumerator() => ((IEnumerable<T>)items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => items.GetEnumerator();

    /// <summary>Whether both lists hold equal elements in the same order.</summary>
    public bool Equals(ValueList<T>? other)
        => other is not null && (ReferenceEquals(this, other) || items.AsSpan().SequenceEqual(other.items, EqualityComparer<T>.Default));

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as ValueList<T>);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var h = new HashCode();
        foreach (T item in items)
        {
            h.Add(item);
        }

        return h.ToHashCode();
    }

    /// <summary>The elements, comma-separated in brackets.</summary>
    public override string ToString() => $"[{string.Join(", ", items)}]";
}

/// <summary>Builds <see cref="ValueList{T}"/>s.</summary>
public static class ValueList
{
    /// <summary>A value list of the given elements.</summary>
    public static ValueList<T> Of<T>(params T[] items) => new(items);

    /// <summary>A value list of the given sequence's elements.</summary>
    public static ValueList<T> From<T>(IEnumerable<T> items) => new(items);
}
