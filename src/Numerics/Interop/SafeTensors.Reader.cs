using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace BoundLab.Numerics.Interop;

public static partial class SafeTensors
{
    // Every dtype the reference knows; all but F32 and F64 are refused with their own message.
    private static readonly HashSet<string> KnownDtypes = new(StringComparer.Ordinal)
    {
        "BOOL", "U8", "I8", "F8_E5M2", "F8_E4M3", "F8_E8M0", "F4", "F6_E2M3", "F6_E3M2", "I16", "U16", "F16", "BF16",
        "I32", "U32", "F32", "C64", "F64", "I64", "U64",
    };

    /// <summary>Reads a safetensors file: its F32/F64 tensors in data-offset order and its metadata.</summary>
    /// <remarks>A malformed file is an <see cref="InvalidDataException"/> whose one-line message names the file and
    /// what is wrong: truncated, header not UTF-8 JSON, an entry without dtype/shape/data_offsets, an unknown or
    /// unsupported dtype (F16, BF16, integers: convert to float32 first), a shape that does not match its byte
    /// range, offsets out of range, overlapping, leaving gaps, or not reaching the end of the file.</remarks>
    public static SafeTensorFile Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: no such file.", path);
        }

        long length = new FileInfo(path).Length;
        if (length > Array.MaxLength)
        {
            throw new InvalidDataException($"{path}: {length} bytes; allowed: files up to {Array.MaxLength} bytes.");
        }

        return Deserialize(File.ReadAllBytes(path), path);
    }

    /// <summary>Parses the bytes of a safetensors file; <paramref name="source"/> names it in error messages.</summary>
    public static SafeTensorFile Deserialize(ReadOnlySpan<byte> bytes, string source = "safetensors data")
    {
        ArgumentNullException.ThrowIfNull(source);
        InvalidDataException Bad(string message) => new($"{source}: {message}");

        if (bytes.Length < 8)
        {
            throw Bad($"truncated: {bytes.Length} bytes, but a safetensors file starts with an 8-byte header length.");
        }

        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        if (n > MaxHeaderBytes)
        {
            throw Bad($"header length {n} bytes; allowed: at most {MaxHeaderBytes} (the reference's limit).");
        }

        if ((long)n > bytes.Length - 8)
        {
            throw Bad($"truncated: the header length says {n} bytes but only {bytes.Length - 8} follow.");
        }

        ReadOnlySpan<byte> headerBytes = bytes.Slice(8, (int)n);
        ReadOnlySpan<byte> data = bytes[(8 + (int)n)..];
        string header;
        try
        {
            header = StrictUtf8.GetString(headerBytes);
        }
        catch (DecoderFallbackException)
        {
            throw Bad("the header is not valid UTF-8.");
        }

        if (!header.StartsWith('{'))
        {
            throw Bad("the header does not start with '{'; allowed: a JSON object (padding spaces only after it).");
        }

        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(header);
        }
        catch (JsonException e)
        {
            throw Bad($"the header is not valid JSON (near byte {e.BytePositionInLine} of the header).");
        }

        using (doc)
        {
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            var entries = new List<(string Name, SafeTensorDtype Dtype, int[] Shape, long Begin, long End)>();
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (JsonProperty p in doc.RootElement.EnumerateObject())
            {
                if (!names.Add(p.Name))
                {
                    throw Bad($"the header has the key \"{p.Name}\" twice; allowed: unique tensor names.");
                }

                if (p.Name == MetadataKey)
                {
                    ReadMetadata(p.Value, metadata, Bad);
                }
                else
                {
                    entries.Add(ReadEntry(p.Name, p.Value, Bad));
                }
            }

            CheckOffsets(entries, data.Length, Bad);
            var tensors = new List<SafeTensor>(entries.Count);
            foreach (var (name, dtype, shape, begin, end) in entries)
            {
                ReadOnlySpan<byte> raw = data[(int)begin..(int)end];
                tensors.Add(dtype == SafeTensorDtype.F32
                    ? new SafeTensor(name, shape, ReadLittleEndian<float>(raw, 4))
                    : new SafeTensor(name, shape, ReadLittleEndian<double>(raw, 8)));
            }

            return new SafeTensorFile(tensors.AsReadOnly(), metadata.AsReadOnly());
        }
    }

    private static void ReadMetadata(JsonElement value, Dictionary<string, string> metadata,
        Func<string, InvalidDataException> bad)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw bad($"\"{MetadataKey}\" is a JSON {Kind(value)}; allowed: an object of string values.");
        }

        foreach (JsonProperty m in value.EnumerateObject())
        {
            if (m.Value.ValueKind != JsonValueKind.String)
            {
                throw bad($"\"{MetadataKey}\".\"{m.Name}\" is a JSON {Kind(m.Value)}; allowed: a string.");
            }

            if (!metadata.TryAdd(m.Name, m.Value.GetString()!))
            {
                throw bad($"\"{MetadataKey}\" has the key \"{m.Name}\" twice; allowed: unique keys.");
            }
        }
    }

    private static (string, SafeTensorDtype, int[], long, long) ReadEntry(string name, JsonElement value,
        Func<string, InvalidDataException> bad)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw bad($"tensor '{name}' is a JSON {Kind(value)}; allowed: an object with dtype, shape and data_offsets.");
        }

        JsonElement Field(string field) => value.TryGetProperty(field, out JsonElement f)
            ? f
            : throw bad($"tensor '{name}' has no \"{field}\"; allowed: an object with dtype, shape and data_offsets.");

        JsonElement dt = Field("dtype");
        string? dtypeName = dt.ValueKind == JsonValueKind.String ? dt.GetString() : null;
        SafeTensorDtype dtype = dtypeName switch
        {
            "F32" => SafeTensorDtype.F32,
            "F64" => SafeTensorDtype.F64,
            null => throw bad($"tensor '{name}': dtype is a JSON {Kind(dt)}; allowed: \"F32\" or \"F64\"."),
            _ when KnownDtypes.Contains(dtypeName) => throw bad(
                $"tensor '{name}' has dtype {dtypeName}, which BoundLab does not read; allowed: F32, F64 (convert with .float() before saving)."),
            _ => throw bad($"tensor '{name}' has unknown dtype \"{dtypeName}\"; allowed: F32, F64."),
        };

        long[] shape = Integers(name, "shape", Field("shape"), -1, bad);
        long[] offsets = Integers(name, "data_offsets", Field("data_offsets"), 2, bad);
        long count = 1;
        foreach (long d in shape)
        {
            if (d > int.MaxValue)
            {
                throw bad($"tensor '{name}': shape [{string.Join(", ", shape)}] has a dimension above {int.MaxValue}; allowed: dimensions ≤ {int.MaxValue}.");
            }

            count = d == 0 || count == 0 ? 0 : (count > int.MaxValue / d ? long.MaxValue / 16 : count * d);
        }

        if (count > int.MaxValue)
        {
            throw bad($"tensor '{name}': shape [{string.Join(", ", shape)}] holds more than {int.MaxValue} values; allowed: at most {int.MaxValue}.");
        }

        long begin = offsets[0], end = offsets[1];
        if (end < begin)
        {
            throw bad($"tensor '{name}': data_offsets [{begin}, {end}] end before they begin; allowed: begin ≤ end.");
        }

        long bytes = count * ElementSize(dtype);
        if (end - begin != bytes)
        {
            throw bad($"tensor '{name}': shape [{string.Join(", ", shape)}] of {dtypeName} needs {bytes} bytes but data_offsets " +
                $"[{begin}, {end}] span {end - begin}; allowed: end − begin = {bytes}.");
        }

        return (name, dtype, Array.ConvertAll(shape, d => (int)d), begin, end);
    }

    // Non-negative integers (at most 2⁵³, beyond any real file); count −1 = any number of them.
    private static long[] Integers(string name, string field, JsonElement value, int count, Func<string, InvalidDataException> bad)
    {
        string allowed = count < 0 ? "an array of non-negative integers" : $"an array of {count} non-negative integers";
        if (value.ValueKind != JsonValueKind.Array || (count >= 0 && value.GetArrayLength() != count))
        {
            throw bad($"tensor '{name}': {field} is {value.GetRawText()}; allowed: {allowed}.");
        }

        var result = new long[value.GetArrayLength()];
        int i = 0;
        foreach (JsonElement e in value.EnumerateArray())
        {
            if (e.ValueKind != JsonValueKind.Number || !e.TryGetInt64(out long v) || v < 0 || v > (1L << 53))
            {
                throw bad($"tensor '{name}': {field} is {value.GetRawText()}; allowed: {allowed}.");
            }

            result[i++] = v;
        }

        return result;
    }

    // As the reference: sorted by offsets, the byte ranges tile the data buffer exactly.
    private static void CheckOffsets(List<(string Name, SafeTensorDtype Dtype, int[] Shape, long Begin, long End)> entries,
        int dataLength, Func<string, InvalidDataException> bad)
    {
        var order = entries.OrderBy(e => e.Begin).ThenBy(e => e.End).ToList();
        long at = 0;
        string previous = "";
        foreach (var e in order)
        {
            if (e.End > dataLength)
            {
                throw bad($"tensor '{e.Name}': data_offsets [{e.Begin}, {e.End}] run past the data, which has {dataLength} bytes " +
                    "(truncated file?); allowed: end ≤ the data size.");
            }

            if (e.Begin < at)
            {
                throw bad($"tensors '{previous}' and '{e.Name}' overlap (bytes {e.Begin} to {at}); allowed: disjoint byte ranges.");
            }

            if (e.Begin > at)
            {
                throw bad($"bytes {at} to {e.Begin} of the data belong to no tensor (before '{e.Name}'); allowed: tensors packed without gaps.");
            }

            at = e.End;
            previous = e.Name;
        }

        if (at != dataLength)
        {
            throw bad($"{dataLength - at} bytes after the last tensor's data; allowed: the last tensor ends the file.");
        }

        entries.Clear();
        entries.AddRange(order);
    }

    private static T[] ReadLittleEndian<T>(ReadOnlySpan<byte> raw, int size) where T : unmanaged
    {
        var values = new T[raw.Length / size];
        Span<byte> dst = System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan());
        raw.CopyTo(dst);
        if (!BitConverter.IsLittleEndian)
        {
            ReverseEach(dst, size);
        }

        return values;
    }

    private static string Kind(JsonElement e) => e.ValueKind.ToString().ToLowerInvariant();
}
