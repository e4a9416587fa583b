using System.Buffers.Binary;
using System.Text;

namespace LodeDb.Graph;

/// <summary>
/// The codec of <c>index.g{B}.graph</c>, the graph structure of a graph store's base generation.
/// Layout (little-endian): magic "LDBGRAPH" (8 bytes), format version u32 (1), reserved u32 (0),
/// generation u64, node count u64, edge count u64, the nodes in insertion order, the edges in
/// insertion order (each as <see cref="GraphCodec"/>), then CRC32C u32 of every byte before it.
/// A reader checks the CRC first, never trusts a count, and refuses an edge whose ends are not
/// nodes or a repeated id: any defect is <see cref="CorruptDatabaseException"/> naming the file
/// and the offset.
/// </summary>
internal static class GraphFile
{
    public const int FormatVersion = 1;
    private const int HeaderBytes = 8 + 4 + 4 + 8 + 8 + 8;
    private static ReadOnlySpan<byte> Magic => "LDBGRAPH"u8;

    public static void Write(string path, long generation, GraphTable graph, bool sync)
    {
        var buffer = new ByteWriter(HeaderBytes + 4 + graph.NodeCount * 64 + graph.EdgeCount * 64);
        buffer.Bytes(Magic);
        buffer.U32(FormatVersion);
        buffer.U32(0);
        buffer.U64((ulong)generation);
        buffer.U64((ulong)graph.NodeCount);
        buffer.U64((ulong)graph.EdgeCount);
        foreach (GraphNode node in graph.Nodes())
        {
            GraphCodec.WriteNode(buffer, node);
        }

        foreach (GraphEdge edge in graph.Edges())
        {
            GraphCodec.WriteEdge(buffer, edge);
        }

        buffer.U32(LodeDb.Native.NativeLibraryInfo.Crc32C(buffer.Written));
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        stream.Write(buffer.Written);
        stream.Flush(sync);
    }

    public static GraphTable Read(string path, long expectedGeneration)
    {
        byte[] data = File.ReadAllBytes(path);
        return Parse(data, Path.GetFileName(path), expectedGeneration);
    }

    /// <summary>Decodes a whole file image (the fuzz tests call this directly).</summary>
    public static GraphTable Parse(byte[] data, string name, long expectedGeneration)
    {
        if (data.Length < HeaderBytes + 4 || !data.AsSpan(0, Magic.Length).SequenceEqual(Magic))
        {
            throw new CorruptDatabaseException(name, 0, "not a graph file (bad magic or too short)");
        }

        uint stored = BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(data.Length - 4));
        if (stored != LodeDb.Native.NativeLibraryInfo.Crc32C(data.AsSpan(0, data.Length - 4)))
        {
            throw new CorruptDatabaseException(name, data.Length - 4, "CRC32C mismatch");
        }

        var reader = new ByteReader(data.AsSpan(0, data.Length - 4).ToArray(), Magic.Length);
        try
        {
            uint version = reader.U32();
            if (version != FormatVersion)
            {
                throw new CorruptDatabaseException(name, 8, $"graph format version {version} is not supported (this build reads {FormatVersion})");
            }

            reader.U32();
            long generation = (long)reader.U64();
            if (generation != expectedGeneration)
            {
                throw new CorruptDatabaseException(name, 16, $"it belongs to generation {generation}, the root pointer names {expectedGeneration}");
            }

            ulong nodes = reader.U64();
            ulong edges = reader.U64();
            // A node takes at least 13 bytes and an edge 21: a count beyond that is damage, never an allocation.
            if (nodes > (ulong)reader.Remaining / 13 || edges > (ulong)reader.Remaining / 21)
            {
                throw new CorruptDatabaseException(name, 24, $"{nodes} nodes and {edges} edges exceed the file");
            }

            var graph = new GraphTable();
            for (ulong i = 0; i < nodes; i++)
            {
                long at = reader.Offset;
                GraphNode node = GraphCodec.ReadNode(reader);
                if (graph.ContainsNode(node.Id))
                {
                    throw new CorruptDatabaseException(name, at, $"node id '{node.Id}' appears twice");
                }

                graph.UpsertNode(node);
            }

            for (ulong i = 0; i < edges; i++)
            {
                long at = reader.Offset;
                GraphEdge edge = GraphCodec.ReadEdge(reader);
                if (graph.ContainsEdge(edge.Id!))
                {
                    throw new CorruptDatabaseException(name, at, $"edge id '{edge.Id}' appears twice");
                }

                if (!graph.ContainsNode(edge.Source) || !graph.ContainsNode(edge.Target))
                {
                    throw new CorruptDatabaseException(name, at, $"edge '{edge.Id}' joins '{edge.Source}' and '{edge.Target}', and one of them is not a node");
                }

                graph.UpsertEdge(edge);
            }

            if (reader.Remaining != 0)
            {
                throw new CorruptDatabaseException(name, reader.Offset, $"{reader.Remaining} unexpected bytes after the last edge");
            }

            return graph;
        }
        catch (Exception ex) when (ex is FormatException or System.Text.Json.JsonException or ArgumentException or DecoderFallbackException or OverflowException)
        {
            throw new CorruptDatabaseException(name, reader.Offset, ex.Message, ex);
        }
    }
}
