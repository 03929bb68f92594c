using System.Collections;

namespace BoundLab.Numerics.Models.Layers;

/// <summary>An immutable list that compares by value (element-wise Equals), so records holding one compare by
/// value too.</summary>
public sealed class SpecList<TItem> : IReadOnlyList<TItem>, IEquatable<SpecList<TItem>>
{
    private readonly TItem[] _items;

    /// <summary>Copies the items.</summary>
    public SpecList(IEnumerable<TItem> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        _items = items.ToArray();
    }

    /// <inheritdoc />
    public TItem this[int index] => _items[index];

    /// <inheritdoc />
    public int Count => _items.Length;

    /// <summary>Converts an array.</summary>
    public static implicit operator SpecList<TItem>(TItem[] items) => new(items);

    /// <inheritdoc />
    public bool Equals(SpecList<TItem>? other) => other is not null && _items.SequenceEqual(other._items);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is SpecList<TItem> other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var h = new HashCode();
        foreach (TItem item in _items)
        {
            h.Add(item);
        }

        return h.ToHashCode();
    }

    /// <inheritdoc />
    public IEnumerator<TItem> GetEnumerator() => ((IEnumerable<TItem>)_items).GetEnumerator();

    /// <inheritdoc />
    IEnumerator IEnumerable.GetEnumerator() => _items.GetEnumerator();
}
