using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace BoundLab.Numerics.Interop;

/// <summary>Reads and writes the safetensors format (Hugging Face, https://github.com/huggingface/safetensors):
/// an 8-byte little-endian u64 header length N, N bytes of UTF-8 JSON, then the tensors' bytes.</summary>
/// <remarks>
/// The header maps each tensor name to {"dtype", "shape", "data_offsets": [begin, end]} with offsets relative to
/// the byte buffer after the header, and may hold "__metadata__": {string: string}. Tensors are contiguous,
/// row-major, little-endian; the reference pads the header with spaces to a multiple of 8 bytes.
/// The writer does what the reference implementation's serializer does, so its files are byte-for-byte what
/// <c>safetensors.torch.save_file</c> writes for the same tensors: tensors sorted by dtype alignment, largest
/// first (F64 before F32), then by name (UTF-8 byte order); data laid out in that order; compact JSON with
/// "__metadata__" first (its keys sorted, where the reference leaves a hash map's order), then the tensors in
/// data order, each as {"dtype", "shape", "data_offsets"}. The reader accepts any key order and checks what the
/// reference checks (offsets cover the buffer exactly, in some order, without gaps or overlaps).
/// </remarks>
public static partial class SafeTensors
{
    /// <summary>The reserved header key of the free-form string map.</summary>
    public const string MetadataKey = "__metadata__";

    /// <summary>The largest header accepted, as the reference implementation (100 MB).</summary>
    public const int MaxHeaderBytes = 100_000_000;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Writes <paramref name="tensors"/> (and <paramref name="metadata"/>, null or empty = none) to
    /// <paramref name="path"/> atomically: a temporary file in the same folder, flushed, then renamed over the target,
    /// so the target is never a half-written file.</summary>
    public static void Write(string path, IReadOnlyList<SafeTensor> tensors, IReadOnlyDictionary<string, string>? metadata)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] bytes = Serialize(tensors, metadata);
        string full = Path.GetFullPath(path);
        string dir = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(dir))
        {
            throw new DirectoryNotFoundException($"{path}: folder {dir} does not exist; allowed: a file in an existing folder.");
        }

        string tmp = Path.Combine(dir, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var f = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write))
            {
                f.Write(bytes);
                f.Flush(flushToDisk: true);
            }

            File.Move(tmp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(tmp))
            {
                File.Delete(tmp);
            }
        }
    }

    /// <summary>The bytes <see cref="Write"/> puts in the file.</summary>
    public static byte[] Serialize(IReadOnlyList<SafeTensor> tensors, IReadOnlyDictionary<string, string>? metadata)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var entries = new List<(SafeTensor Tensor, byte[] Name)>(tensors.Count);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < tensors.Count; i++)
        {
            SafeTensor t = tensors[i] ?? throw new ArgumentException($"tensors[{i}] is null; allowed: a tensor.", nameof(tensors));
            if (!seen.Add(t.Name))
            {
                throw new ArgumentException($"tensor name '{t.Name}' appears twice; allowed: unique names.", nameof(tensors));
            }

            entries.Add((t, Utf8(t.Name, $"tensor name '{t.Name}'", nameof(tensors))));
        }

        // The reference's order: descending dtype alignment, then name.
        entries.Sort((a, b) =>
        {
            int bySize = ElementSize(b.Tensor.Dtype).CompareTo(ElementSize(a.Tensor.Dtype));
            return bySize != 0 ? bySize : a.Name.AsSpan().SequenceCompareTo(b.Name);
        });

        var json = new StringBuilder("{");
        if (metadata is { Count: > 0 })
        {
            var keys = metadata.Keys
                .Select(k => (Key: k, Bytes: Utf8(k ?? "", $"metadata key '{k}'", nameof(metadata))))
                .OrderBy(k => k.Bytes, Utf8Order.Instance).ToList();
            json.Append('"').Append(MetadataKey).Append("\":{");
            for (int i = 0; i < keys.Count; i++)
            {
                string value = metadata[keys[i].Key] ?? throw new ArgumentException(
                    $"metadata['{keys[i].Key}'] is null; allowed: a string.", nameof(metadata));
                _ = Utf8(value, $"metadata['{keys[i].Key}']", nameof(metadata));
                json.Append(i == 0 ? "" : ",");
                AppendString(json, keys[i].Key).Append(':');
                AppendString(json, value);
            }

            json.Append('}');
        }

        long offset = 0;
        foreach (var (t, _) in entries)
        {
            long end = offset + (long)t.Count * ElementSize(t.Dtype);
            json.Append(json.Length > 1 ? "," : "");
            AppendString(json, t.Name).Append(":{\"dtype\":\"").Append(t.Dtype).Append("\",\"shape\":[")
                .Append(string.Join(",", t.Shape)).Append("],\"data_offsets\":[").Append(offset).Append(',').Append(end).Append("]}");
            offset = end;
        }

        json.Append('}');
        byte[] header = StrictUtf8.GetBytes(json.ToString());
        int padded = (header.Length + 7) / 8 * 8;
        if (padded > MaxHeaderBytes || 8L + padded + offset > Array.MaxLength)
        {
            throw new ArgumentException(
                $"the file would need a {padded}-byte header and {offset} data bytes; allowed: a header ≤ {MaxHeaderBytes} bytes and " +
                $"a file ≤ {Array.MaxLength} bytes.", nameof(tensors));
        }

        var bytes = new byte[8 + padded + offset];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)padded);
        header.CopyTo(bytes, 8);
        bytes.AsSpan(8 + header.Length, padded - header.Length).Fill((byte)' ');
        int at = 8 + padded;
        foreach (var (t, _) in entries)
        {
            Span<byte> dst = bytes.AsSpan(at, t.Count * ElementSize(t.Dtype));
            if (t.Dtype == SafeTensorDtype.F32)
            {
                WriteLittleEndian(t.AsFloat32(), dst);
            }
            else
            {
                WriteLittleEndian(t.AsFloat64(), dst);
            }

            at += dst.Length;
        }

        return bytes;
    }

    /// <summary>Bytes per element.</summary>
    public static int ElementSize(SafeTensorDtype dtype) => dtype switch
    {
        SafeTensorDtype.F32 => 4,
        SafeTensorDtype.F64 => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "allowed: F32, F64."),
    };

    private static byte[] Utf8(string s, string what, string argument)
    {
        try
        {
            return StrictUtf8.GetBytes(s);
        }
        catch (EncoderFallbackException)
        {
            throw new ArgumentException($"{what} is not valid Unicode (a lone surrogate); allowed: a valid UTF-16 string.", argument);
        }
    }

    // JSON string as serde_json writes it: ", \ and control characters escaped, everything else raw UTF-8.
    private static StringBuilder AppendString(StringBuilder sb, string s)
    {
        sb.Append('"');
        foreach (char ch in s)
        {
            switch (ch)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    if (ch < 0x20)
                    {
                        sb.Append("\\u00").Append(((int)ch).ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(ch);
                    }

                    break;
            }
        }

        return sb.Append('"');
    }

    private static void WriteLittleEndian<T>(ReadOnlySpan<T> values, Span<byte> dst) where T : unmanaged
    {
        ReadOnlySpan<byte> raw = MemoryMarshal.AsBytes(values);
        raw.CopyTo(dst);
        if (!BitConverter.IsLittleEndian)
        {
            ReverseEach(dst, raw.Length / Math.Max(1, values.Length));
        }
    }

    private static void ReverseEach(Span<byte> bytes, int size)
    {
        for (int i = 0; i + size <= bytes.Length; i += size)
        {
            bytes.Slice(i, size).Reverse();
        }
    }

    private sealed class Utf8Order : IComparer<byte[]>
    {
        public static readonly Utf8Order Instance = new();

        public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);
    }
}
