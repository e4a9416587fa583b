using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace LodeDb.Benchmarks.Storage;

/// <summary>
/// The exact peer of the storage benchmark: every vector as float32 in one array, searched by a
/// full scan with <see cref="TensorPrimitives.Dot(ReadOnlySpan{float}, ReadOnlySpan{float})"/>.
/// Resident = the array; on disk = the same floats as one raw file.
/// </summary>
internal sealed class ExactScan
{
    private readonly float[] _vectors;
    private readonly int _dimension;
    private readonly int _count;

    public ExactScan(IReadOnlyList<float[]> vectors)
    {
        _dimension = vectors[0].Length;
        _count = vectors.Count;
        _vectors = new float[checked(_count * _dimension)];
        for (int i = 0; i < _count; i++)
        {
            vectors[i].CopyTo(_vectors, i * _dimension);
        }
    }

    /// <summary>Bytes of the float array.</summary>
    public long ResidentBytes => _vectors.LongLength * sizeof(float);

    /// <summary>Writes the floats as one raw little-endian file (what a float32 store keeps on disk at least).</summary>
    public void Save(string path)
    {
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write);
        file.Write(MemoryMarshal.AsBytes(_vectors.AsSpan()));
    }

    /// <summary>Row numbers of the <paramref name="k"/> largest inner products, best first (ties: lower row).</summary>
    public int[] Search(ReadOnlySpan<float> query, int k)
    {
        var ids = new int[k];
        var scores = new float[k];
        int filled = 0;
        ReadOnlySpan<float> all = _vectors;
        for (int i = 0; i < _count; i++)
        {
            float score = TensorPrimitives.Dot(all.Slice(i * _dimension, _dimension), query);
            if (filled == k && score <= scores[k - 1])
            {
                continue;
            }

            int at = filled < k ? filled++ : k - 1;
            while (at > 0 && scores[at - 1] < score)
            {
                scores[at] = scores[at - 1];
                ids[at] = ids[at - 1];
                at--;
            }

            scores[at] = score;
            ids[at] = i;
        }

        return filled == k ? ids : ids[..filled];
    }
}
