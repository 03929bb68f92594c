using System.Buffers.Binary;
using System.IO.Compression;
using System.Security.Cryptography;

namespace BoundLab.Numerics.Data;

/// <summary>Images as stored in an IDX file: <see cref="Count"/> images of Rows×Cols bytes, row-major.</summary>
public sealed record IdxImages(int Count, int Rows, int Cols, byte[] Pixels);

/// <summary>An expected SHA-256 (lower-case hex) of a file's uncompressed content, checked only when
/// the file's header declares exactly <see cref="Count"/> items: the full canonical set is checked,
/// a subset such as the test fixture is not.</summary>
public sealed record IdxChecksum(int Count, string Sha256);

/// <summary>Reads MNIST's IDX files (LeCun et al., "THE MNIST DATABASE of handwritten digits"):
/// idx3-ubyte images and idx1-ubyte labels, plain or gzip-compressed (detected from the content).</summary>
/// <remarks>Every problem with a file's content is an <see cref="InvalidDataException"/> whose message
/// names the file and what was expected versus found.</remarks>
public static class Idx
{
    /// <summary>Magic number of an unsigned-byte, 3-dimensional IDX file (images).</summary>
    public const int ImagesMagic = 2051;

    /// <summary>Magic number of an unsigned-byte, 1-dimensional IDX file (labels).</summary>
    public const int LabelsMagic = 2049;

    /// <summary>MNIST images are 28×28.</summary>
    public const int ImageSide = 28;

    /// <summary>MNIST labels are digits 0 … 9.</summary>
    public const int LabelCount = 10;

    private const int ImagesHeader = 16;
    private const int LabelsHeader = 8;

    /// <summary>Reads and validates an images file (magic 2051, 28×28, exact length).</summary>
    public static IdxImages ReadImages(string path, IdxChecksum? checksum = null)
    {
        byte[] content = ReadContent(path);
        int count = ReadHeader(path, content, ImagesMagic, ImagesHeader, "images");
        int rows = BinaryPrimitives.ReadInt32BigEndian(content.AsSpan(8));
        int cols = BinaryPrimitives.ReadInt32BigEndian(content.AsSpan(12));
        if (rows != ImageSide || cols != ImageSide)
        {
            throw Bad(path, $"image dimensions: expected {ImageSide}×{ImageSide}, found {rows}×{cols}");
        }

        CheckLength(path, content, ImagesHeader, (long)count * rows * cols, $"{count} images of {rows}×{cols}");
        CheckSha(path, content, count, checksum);
        return new IdxImages(count, rows, cols, content.AsSpan(ImagesHeader).ToArray());
    }

    /// <summary>Reads and validates a labels file (magic 2049, exact length, every label &lt; 10).</summary>
    public static byte[] ReadLabels(string path, IdxChecksum? checksum = null)
    {
        byte[] content = ReadContent(path);
        int count = ReadHeader(path, content, LabelsMagic, LabelsHeader, "labels");
        CheckLength(path, content, LabelsHeader, count, $"{count} labels");
        CheckSha(path, content, count, checksum);
        byte[] labels = content.AsSpan(LabelsHeader).ToArray();
        int bad = labels.AsSpan().IndexOfAnyExceptInRange((byte)0, (byte)(LabelCount - 1));
        if (bad >= 0)
        {
            throw Bad(path, $"label {bad} is {labels[bad]}; expected a digit 0 … {LabelCount - 1}");
        }

        return labels;
    }

    /// <summary>The file's bytes, gunzipped when the file starts with the gzip signature.</summary>
    public static byte[] ReadContent(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        byte[] raw = File.ReadAllBytes(path);
        if (raw.Length < 2 || raw[0] != 0x1f || raw[1] != 0x8b)
        {
            return raw;
        }

        try
        {
            using var gz = new GZipStream(new MemoryStream(raw), CompressionMode.Decompress);
            using var result = new MemoryStream(raw.Length * 6);
            gz.CopyTo(result);
            // GZipStream stops quietly at the end of a cut-off file; the trailer's ISIZE (RFC 1952 §2.3.1,
            // uncompressed length mod 2³²) exposes it. MNIST's .gz files are single-member, as assumed here.
            const int minimumGzip = 18; // 10-byte header + 8-byte trailer
            if (raw.Length < minimumGzip)
            {
                throw Bad(path, $"gzip content is truncated: expected at least {minimumGzip} bytes, found {raw.Length}");
            }

            uint declared = BinaryPrimitives.ReadUInt32LittleEndian(raw.AsSpan(raw.Length - 4));
            if ((uint)result.Length != declared)
            {
                throw Bad(path, $"gzip content is truncated or corrupt: the gzip trailer declares {declared} " +
                                $"uncompressed bytes (mod 2³²), found {result.Length}");
            }

            return result.ToArray();
        }
        catch (InvalidDataException e)
        {
            throw Bad(path, $"gzip content is corrupt ({e.Message})");
        }
        catch (EndOfStreamException e)
        {
            throw Bad(path, $"gzip content is truncated ({e.Message})");
        }
    }

    /// <summary>Lower-case hex SHA-256 of <paramref name="content"/>.</summary>
    public static string Sha256Hex(ReadOnlySpan<byte> content) => Convert.ToHexStringLower(SHA256.HashData(content));

    private static int ReadHeader(string path, byte[] content, int magic, int headerLength, string what)
    {
        if (content.Length < headerLength)
        {
            throw Bad(path, $"too short for an IDX {what} header: expected at least {headerLength} bytes, found {content.Length}");
        }

        int found = BinaryPrimitives.ReadInt32BigEndian(content);
        if (found != magic)
        {
            throw Bad(path, $"wrong magic number: expected {magic} (IDX {what}), found {found}");
        }

        int count = BinaryPrimitives.ReadInt32BigEndian(content.AsSpan(4));
        if (count < 0)
        {
            throw Bad(path, $"negative {what} count {count} in the header");
        }

        return count;
    }

    private static void CheckLength(string path, byte[] content, int headerLength, long payload, string declared)
    {
        long expected = headerLength + payload;
        if (content.Length != expected)
        {
            string problem = content.Length < expected ? "truncated" : "longer than its header says";
            throw Bad(path, $"{problem}: the header declares {declared}, so expected {expected} bytes " +
                            $"(uncompressed), found {content.Length}");
        }
    }

    private static void CheckSha(string path, byte[] content, int count, IdxChecksum? checksum)
    {
        if (checksum is null || count != checksum.Count)
        {
            return;
        }

        string found = Sha256Hex(content);
        if (!string.Equals(found, checksum.Sha256, StringComparison.OrdinalIgnoreCase))
        {
            throw Bad(path, $"checksum mismatch for the full set of {count}: expected SHA-256 {checksum.Sha256} " +
                            $"(uncompressed), found {found}");
        }
    }

    private static InvalidDataException Bad(string path, string problem) => new($"{path}: {problem}.");
}
