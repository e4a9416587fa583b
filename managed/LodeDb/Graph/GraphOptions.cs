namespace LodeDb.Graph;

/// <summary>How a <see cref="LodeGraph"/> handle indexes its edges. Not recorded in the folder.</summary>
public sealed record GraphOptions
{
    /// <summary>
    /// Give every edge a semantic entry (its fact text, else its relation, embedded; or the
    /// edge's caller vector in a vector-only graph), so <see cref="LodeGraph.SearchEdges"/> works.
    /// Default false: edges are structure only. A graph whose entries were written under the other
    /// setting catches up with <see cref="LodeGraph.Reindex"/>.
    /// </summary>
    public bool IndexEdges { get; init; }
}
