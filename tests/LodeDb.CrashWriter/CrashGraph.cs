using LodeDb.Graph;

namespace LodeDb;

/// <summary>
/// The deterministic graph workload of the crash writer's graph mode, shared with the test that
/// replays it into a reference graph. Operation i: 0 mod 4, a bulk ingest of
/// <see cref="BatchNodes"/> nodes chained by edges (plus an edge to the previous batch), one
/// record; 1, a bulk AddEdges across the last batch; 2, a node removal (its edges cascade);
/// 3, a node replaced by id. Every node carries a caller vector (a vector-only graph).
/// </summary>
public static class CrashGraph
{
    public const int BatchNodes = 300;

    public static string NodeId(int batch, int j) => $"b{batch}-n{j}";

    /// <summary>The batch of bulk-ingest operation i (i a multiple of 4).</summary>
    private static int Batch(int i) => i / 4;

    public static string Kind(int i) => (i % 4) switch
    {
        0 => "ingest",
        1 => "edges",
        2 => "remove",
        _ => "replace",
    };

    public static void Apply(LodeGraph graph, int i)
    {
        int batch = Batch(i);
        switch (i % 4)
        {
            case 0:
                using (GraphIngest ingest = graph.BeginIngest())
                {
                    for (int j = 0; j < BatchNodes; j++)
                    {
                        ingest.AddNode(Node(batch, j, replaced: false));
                        if (j > 0)
                        {
                            ingest.AddEdge(new GraphEdge(NodeId(batch, j - 1), "next", NodeId(batch, j)) { Id = $"b{batch}-chain{j}" });
                        }
                    }

                    if (batch > 0)
                    {
                        ingest.AddEdge(new GraphEdge(NodeId(batch - 1, 0), "follows", NodeId(batch, 0)) { Id = $"b{batch}-link" });
                    }

                    ingest.Commit();
                }

                break;
            case 1:
                graph.AddEdges(Enumerable.Range(0, BatchNodes / 3)
                    .Select(j => new GraphEdge(NodeId(batch, j * 3), "skip", NodeId(batch, (j * 3 + 7) % BatchNodes)) { Id = $"b{batch}-skip{j}", Properties = new Dictionary<string, object?> { ["j"] = j } })
                    .ToArray());
                break;
            case 2:
                graph.RemoveNode(NodeId(batch, 5));
                break;
            default:
                graph.AddNode(Node(batch, 9, replaced: true));
                break;
        }
    }

    public static GraphNode Node(int batch, int j, bool replaced) =>
        new(NodeId(batch, j), replaced ? $"Replaced {batch}/{j}" : $"Node {batch}/{j}")
        {
            Type = j % 2 == 0 ? "even" : "odd",
            Properties = new Dictionary<string, object?> { ["batch"] = batch, ["j"] = j, ["replaced"] = replaced },
            Vector = CrashVectors.For(replaced ? "r" + NodeId(batch, j) : NodeId(batch, j)),
        };

    public static LodeDbOptions Options(CommitMode mode, Durability durability, int checkpointEvery) => new()
    {
        VectorDim = CrashVectors.Dimension,
        CommitMode = mode,
        Durability = durability,
        CheckpointEveryRecords = checkpointEvery,
        LockTimeout = TimeSpan.FromSeconds(10),
    };
}
