using LodeDb.Graph;

namespace LodeDb.Tests.Graph;

/// <summary>Small graphs the graph tests share: a company/people/products graph, and vector-only graphs with caller vectors.</summary>
internal static class GraphTestData
{
    public const int Dim = 16;

    public static LodeDbOptions VectorOptions(bool? storeText = null, CommitMode? mode = null) => new() { VectorDim = Dim, StoreText = storeText, CommitMode = mode };

    /// <summary>A deterministic unit-ish vector per key (never an embedding: a vector-only graph takes caller vectors).</summary>
    public static float[] VectorFor(string key)
    {
        return Vectors.Random(new Random(Seed(key)), Dim);
    }

    private static int Seed(string key)
    {
        int seed = 17;
        foreach (char c in key)
        {
            seed = unchecked(seed * 31 + c);
        }

        return seed & 0x7fffffff;
    }

    public static GraphNode Node(string id, string label, string? type = null, string? text = null, bool vector = true) =>
        new(id, label) { Type = type, Text = text, Vector = vector ? VectorFor(id) : default, Properties = new Dictionary<string, object?> { ["name"] = label } };

    public static GraphEdge Edge(string id, string source, string relation, string target, string? fact = null) =>
        new(source, relation, target) { Id = id, Fact = fact };

    /// <summary>The company graph: people, companies and products.</summary>
    public static GraphNode[] CompanyNodes(bool vectors) =>
    [
        Node("alice", "Alice", "person", "Alice is a staff engineer who builds database engines.", vectors),
        Node("bob", "Bob", "person", "Bob runs the sales team and negotiates contracts.", vectors),
        Node("acme", "Acme Corporation", "company", "Acme makes industrial robots and conveyor belts.", vectors),
        Node("globex", "Globex", "company", "Globex sells pizza ovens and kitchen equipment.", vectors),
        Node("xq-7731", "Robot arm XQ-7731", "product", "A six-axis welding robot arm.", vectors),
        Node("oven", "Stone oven", "product", "A wood-fired oven for pizza restaurants.", vectors),
    ];

    public static GraphEdge[] CompanyEdges() =>
    [
        Edge("e1", "alice", "works_at", "acme", "Alice has worked at Acme since 2019."),
        Edge("e2", "bob", "works_at", "globex", "Bob joined Globex in 2021."),
        Edge("e3", "acme", "makes", "xq-7731"),
        Edge("e4", "globex", "makes", "oven"),
        Edge("e5", "alice", "knows", "bob", "Alice and Bob studied together."),
        Edge("e6", "bob", "buys_from", "acme"),
    ];
}
