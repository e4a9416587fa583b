using System.Buffers.Binary;

namespace LodeDb.Benchmarks.Storage;

/// <summary>
/// Reads the storage benchmark's .fvecs / .ivecs files (written by <c>lodedb-storage-bench gen</c>):
/// per row a little-endian int32 width, then that many float32 (.fvecs) or int32 (.ivecs) values.
/// Every row must have the first row's width.
/// </summary>
internal static class VectorFiles
{
    /// <summary>All rows of a .fvecs file, one array each.</summary>
    public static float[][] ReadFvecs(string path)
    {
        var rows = ReadRows(path, out int width);
        var vectors = new float[rows.Count][];
        for (int i = 0; i < rows.Count; i++)
        {
            var v = new float[width];
            for (int j = 0; j < width; j++)
            {
                v[j] = BinaryPrimitives.ReadSingleLittleEndian(rows[i].AsSpan(4 * j, 4));
            }

            vectors[i] = v;
        }

        return vectors;
    }

    /// <summary>All rows of a .ivecs file, one array each.</summary>
    public static int[][] ReadIvecs(string path)
    {
        var rows = ReadRows(path, out int width);
        var result = new int[rows.Count][];
        for (int i = 0; i < rows.Count; i++)
        {
            var v = new int[width];
            for (int j = 0; j < width; j++)
            {
                v[j] = BinaryPrimitives.ReadInt32LittleEndian(rows[i].AsSpan(4 * j, 4));
            }

            result[i] = v;
        }

        return result;
    }

    private static List<byte[]> ReadRows(string path, out int width)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path} does not exist; run `lodedb-storage-bench gen --out <folder> --n <count>` first.", path);
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        Span<byte> header = stackalloc byte[4];
        stream.ReadExactly(header);
        width = BinaryPrimitives.ReadInt32LittleEndian(header);
        long rowBytes = 4L * (width + 1L);
        if (width <= 0 || width > 65536 || stream.Length % rowBytes != 0)
        {
            throw new InvalidDataException($"{path} is not a vectors file: first row width {width}, length {stream.Length}.");
        }

        stream.Position = 0;
        long count = stream.Length / rowBytes;
        var rows = new List<byte[]>((int)count);
        for (long i = 0; i < count; i++)
        {
            stream.ReadExactly(header);
            int rowWidth = BinaryPrimitives.ReadInt32LittleEndian(header);
            if (rowWidth != width)
            {
                throw new InvalidDataException($"{path}: row {i} has width {rowWidth}, expected {width}.");
            }

            var row = new byte[4 * width];
            stream.ReadExactly(row);
            rows.Add(row);
        }

        return rows;
    }
}
