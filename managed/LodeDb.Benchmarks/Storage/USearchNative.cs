using System.Reflection;
using System.Runtime.InteropServices;
using Cloud.Unum.USearch;

namespace LodeDb.Benchmarks.Storage;

/// <summary>
/// The three functions of USearch's C API (libusearch_c, shipped in the Cloud.Unum.USearch
/// package) that its C# wrapper does not expose in 2.26.6: changing the search expansion of an
/// existing index (to tune it without rebuilding), the index's memory use, and the exact
/// (brute-force) search. Signatures: c/usearch.h of USearch 2.26.
/// </summary>
internal static unsafe partial class USearchNative
{
    private const string Library = "libusearch_c";

    [LibraryImport(Library)]
    private static partial void usearch_change_expansion_search(nint index, nuint expansion, out nint error);

    [LibraryImport(Library)]
    private static partial nuint usearch_memory_usage(nint index, out nint error);

    [LibraryImport(Library)]
    private static partial nuint usearch_serialized_length(nint index, out nint error);

    [LibraryImport(Library)]
    private static partial void usearch_exact_search(
        void* dataset, nuint datasetSize, nuint datasetStride,
        void* queries, nuint queriesSize, nuint queriesStride,
        ScalarKind scalarKind, nuint dimensions, MetricKind metricKind, nuint count, nuint threads,
        ulong* keys, nuint keysStride, float* distances, nuint distancesStride, out nint error);

    private static readonly FieldInfo HandleField =
        typeof(USearchIndex).GetField("_index", BindingFlags.Instance | BindingFlags.NonPublic)
        ?? throw new MissingFieldException("USearchIndex._index not found: the Cloud.Unum.USearch wrapper changed; update USearchNative.");

    /// <summary>The native handle inside the wrapper (a private field: the wrapper has no accessor).</summary>
    private static nint Handle(USearchIndex index) => (nint)(IntPtr)HandleField.GetValue(index)!;

    /// <summary>Sets the expansion (ef) the next searches use.</summary>
    public static void SetExpansionSearch(USearchIndex index, int expansion)
    {
        usearch_change_expansion_search(Handle(index), (nuint)expansion, out nint error);
        Check(error);
    }

    /// <summary>Bytes the index reports it uses (graph + vectors + allocator slack).</summary>
    public static long MemoryUsage(USearchIndex index)
    {
        nuint bytes = usearch_memory_usage(Handle(index), out nint error);
        Check(error);
        return (long)bytes;
    }

    /// <summary>
    /// Row numbers of the <paramref name="k"/> largest inner products of one query against
    /// <paramref name="dataset"/> (row-major float32), on one thread, best first.
    /// </summary>
    public static void ExactSearch(float[] dataset, int rows, float[] query, int k, ulong[] keys, float[] distances)
    {
        int dimension = query.Length;
        fixed (float* data = dataset)
        fixed (float* q = query)
        fixed (ulong* outKeys = keys)
        fixed (float* outDistances = distances)
        {
            usearch_exact_search(
                data, (nuint)rows, (nuint)(dimension * sizeof(float)),
                q, 1, (nuint)(dimension * sizeof(float)),
                ScalarKind.Float32, (nuint)dimension, MetricKind.Ip, (nuint)k, 1,
                outKeys, (nuint)(k * sizeof(ulong)), outDistances, (nuint)(k * sizeof(float)), out nint error);
            Check(error);
        }
    }

    private static void Check(nint error)
    {
        if (error != 0)
        {
            throw new InvalidOperationException("USearch: " + Marshal.PtrToStringUTF8(error));
        }
    }
}
