namespace LodeDb.Graph;

/// <summary>An edge names a source or target node that neither the graph nor the same call holds. Nothing of the call was stored.</summary>
public sealed class GraphEndpointNotFoundException : LodeDatabaseException
{
    internal GraphEndpointNotFoundException(string edgeId, string nodeId)
        : base($"Edge '{edgeId}' names node '{nodeId}', which is neither in the graph nor added by the same call; add the node first (or in the same call). Nothing was stored.")
    {
        EdgeId = edgeId;
        NodeId = nodeId;
    }

    /// <summary>The edge that names the missing node.</summary>
    public string EdgeId { get; }

    /// <summary>The missing node's id.</summary>
    public string NodeId { get; }
}
