namespace LodeDb.Graph;

/// <summary>Which edges of a node a traversal follows.</summary>
public enum GraphDirection
{
    /// <summary>Edges leaving the node (the node is their source).</summary>
    Out,

    /// <summary>Edges arriving at the node (the node is their target).</summary>
    In,

    /// <summary>Both, merged in edge insertion order.</summary>
    Both,
}
