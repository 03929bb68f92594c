using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using BoundLab.Numerics.Backends;

namespace BoundLab.Numerics.Models;

/// <summary>The weights file of any model: a versioned header recording the architecture, then every parameter
/// (W1, b1, W2, …, the model's <see cref="Model{T}.Parameters"/> order) as little-endian float32.</summary>
/// <remarks>Version 2 (written): 8-byte magic "BLMOD02\n"; int32 byte length of a UTF-8 JSON architecture
/// (<see cref="ModelSpecJson"/>); the JSON; the parameter bytes. Version 1 (read only; MLPs before layered models):
/// magic "BLMLP01\n"; int32 count of widths; the widths; int32 hidden activation; int32 bias flag; the parameter
/// bytes. <see cref="Sha256"/> hashes the parameter bytes only, so the hash identifies the weights whatever the
/// header version.</remarks>
public static class ModelFile
{
    private static readonly byte[] MagicV1 = Encoding.ASCII.GetBytes("BLMLP01\n");
    private static readonly byte[] MagicV2 = Encoding.ASCII.GetBytes("BLMOD02\n");

    /// <summary>Writes the model atomically (temporary file in the same folder, then rename).</summary>
    public static void Save(Model<float> model, string path)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(path);
        string full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        string tmp = full + $".{Environment.ProcessId}.tmp";
        byte[] header = Encoding.UTF8.GetBytes(ModelSpecJson.Write(model.Spec).ToJsonString());
        using (var f = new FileStream(tmp, FileMode.Create, FileAccess.Write))
        {
            f.Write(MagicV2);
            WriteInt(f, header.Length);
            f.Write(header);
            foreach (float[] values in model.Values())
            {
                f.Write(Bytes(values));
            }
        }

        File.Move(tmp, full, overwrite: true);
    }

    /// <summary>Reads a model written by <see cref="Save"/> (or a version-1 MLP file) onto <paramref name="backend"/>;
    /// a malformed file is an InvalidDataException naming it.</summary>
    public static Model<float> Load(string path, Backend<float>? backend = null)
    {
        (ModelSpec spec, float[][] values) = Read(path);
        return Model<float>.FromValues(spec, backend ?? new CpuBackend(), values);
    }

    /// <summary>The architecture and parameter values of a weights file, as host arrays.</summary>
    public static (ModelSpec Spec, float[][] Values) Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] bytes = File.ReadAllBytes(path);
        var r = new Reader(bytes, path);
        ModelSpec spec;
        if (bytes.AsSpan().StartsWith(MagicV2))
        {
            r.Position = MagicV2.Length;
            int length = r.Int("header length", 2, 1 << 24);
            if (r.Position + length > bytes.Length)
            {
                throw new InvalidDataException($"{path}: truncated inside the architecture header.");
            }

            JsonNode? json;
            try
            {
                json = JsonNode.Parse(bytes.AsSpan(r.Position, length));
            }
            catch (System.Text.Json.JsonException e)
            {
                throw new InvalidDataException($"{path}: the architecture header is not JSON ({e.Message}).", e);
            }

            spec = ModelSpecJson.Read(json, path);
            r.Position += length;
        }
        else if (bytes.AsSpan().StartsWith(MagicV1))
        {
            r.Position = MagicV1.Length;
            int count = r.Int("width count", 2, 1000);
            var widths = new int[count];
            for (int i = 0; i < count; i++)
            {
                widths[i] = r.Int($"width {i}", 1, 1 << 24);
            }

            var act = (Activation)r.Int("activation", 0, Enum.GetValues<Activation>().Length - 1);
            bool bias = r.Int("bias flag", 0, 1) == 1;
            spec = ModelSpec.FromMlp(new MlpSpec(widths, act, bias));
        }
        else
        {
            string seen = Encoding.ASCII.GetString(bytes.AsSpan(0, Math.Min(8, bytes.Length))).TrimEnd('\n');
            throw new InvalidDataException(seen.StartsWith("BL", StringComparison.Ordinal)
                ? $"{path}: a BoundLab weights file of an unknown version ('{seen}'); this build reads BLMLP01 and BLMOD02 — use a newer BoundLab."
                : $"{path}: not a BoundLab weights file (bad magic).");
        }

        long expected = r.Position + spec.ParameterCount * sizeof(float);
        if (bytes.Length != expected)
        {
            throw new InvalidDataException($"{path}: {bytes.Length} bytes; a {spec.Name} network needs {expected}.");
        }

        var shapes = Model<float>.Zeros(spec, ReferenceBackend<float>.Instance).Parameters;
        var values = new float[shapes.Count][];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = new float[shapes[i].Length];
            r.Floats(values[i]);
        }

        return (spec, values);
    }

    /// <summary>SHA-256 (lower-case hex) of the parameter bytes W1, b1, W2, b2, … (little-endian float32).</summary>
    public static string Sha256(Model<float> model)
    {
        ArgumentNullException.ThrowIfNull(model);
        using var h = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (float[] values in model.Values())
        {
            h.AppendData(Bytes(values));
        }

        return Convert.ToHexStringLower(h.GetHashAndReset());
    }

    private static ReadOnlySpan<byte> Bytes(float[] values)
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("BoundLab weights files are little-endian.");
        }

        return MemoryMarshal.AsBytes(values.AsSpan());
    }

    private static void WriteInt(Stream s, int v)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(b, v);
        s.Write(b);
    }

    private sealed class Reader(byte[] bytes, string path)
    {
        public int Position { get; set; }

        public int Int(string what, int min, int max)
        {
            if (Position + 4 > bytes.Length)
            {
                throw new InvalidDataException($"{path}: truncated while reading the {what}.");
            }

            int v = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(Position));
            Position += 4;
            return v >= min && v <= max ? v
                : throw new InvalidDataException($"{path}: {what} is {v}; allowed {min} … {max}.");
        }

        public void Floats(float[] into)
        {
            MemoryMarshal.Cast<byte, float>(bytes.AsSpan(Position, into.Length * 4)).CopyTo(into);
            Position += into.Length * 4;
        }
    }
}
