using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace BoundLab.Numerics.Models;

/// <summary>The weights file: a small header, then W1, b1, W2, b2, … as little-endian float32.</summary>
/// <remarks>Layout: 8-byte magic "BLMLP01\n"; int32 count of widths; the widths; int32 hidden activation;
/// int32 bias flag; then the parameter bytes. <see cref="Sha256"/> hashes the parameter bytes only, so the
/// hash identifies the weights whatever the header version.</remarks>
public static class MlpFile
{
    private static readonly byte[] Magic = Encoding.ASCII.GetBytes("BLMLP01\n");

    /// <summary>Writes the network atomically (temporary file in the same folder, then rename).</summary>
    public static void Save(Mlp<float> net, string path)
    {
        ArgumentNullException.ThrowIfNull(net);
        ArgumentException.ThrowIfNullOrEmpty(path);
        string full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        string tmp = full + $".{Environment.ProcessId}.tmp";
        using (var f = new FileStream(tmp, FileMode.Create, FileAccess.Write))
        {
            f.Write(Magic);
            WriteInt(f, net.Spec.Widths.Count);
            foreach (int w in net.Spec.Widths)
            {
                WriteInt(f, w);
            }

            WriteInt(f, (int)net.Spec.Hidden);
            WriteInt(f, net.Spec.Bias ? 1 : 0);
            foreach (Parameter<float> p in net.Parameters)
            {
                f.Write(Bytes(p.Value));
            }
        }

        File.Move(tmp, full, overwrite: true);
    }

    /// <summary>Reads a network written by <see cref="Save"/>; a malformed file is an InvalidDataException naming it.</summary>
    public static Mlp<float> Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] bytes = File.ReadAllBytes(path);
        var r = new Reader(bytes, path);
        if (!bytes.AsSpan().StartsWith(Magic))
        {
            throw new InvalidDataException($"{path}: not a BoundLab weights file (bad magic).");
        }

        r.Position = Magic.Length;
        int count = r.Int("width count", 2, 1000);
        var widths = new int[count];
        for (int i = 0; i < count; i++)
        {
            widths[i] = r.Int($"width {i}", 1, 1 << 24);
        }

        var act = (Activation)r.Int("activation", 0, Enum.GetValues<Activation>().Length - 1);
        bool bias = r.Int("bias flag", 0, 1) == 1;
        var spec = new MlpSpec(widths, act, bias);
        long expected = r.Position + spec.ParameterCount * sizeof(float);
        if (bytes.Length != expected)
        {
            throw new InvalidDataException($"{path}: {bytes.Length} bytes; a {spec.Arch} network needs {expected}.");
        }

        var net = Mlp<float>.Create(spec, default, Initialization.Gaussian, 1);
        foreach (Parameter<float> p in net.Parameters)
        {
            r.Floats(p.Value);
        }

        return net;
    }

    /// <summary>SHA-256 (lower-case hex) of the parameter bytes W1, b1, W2, b2, … (little-endian float32).</summary>
    public static string Sha256(Mlp<float> net)
    {
        ArgumentNullException.ThrowIfNull(net);
        using var h = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (Parameter<float> p in net.Parameters)
        {
            h.AppendData(Bytes(p.Value));
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
