namespace LodeDb;

/// <summary>The collection records no space of that name (and the call cannot create one).</summary>
public sealed class SpaceNotFoundException : LodeDatabaseException
{
    /// <summary>Creates the exception; <paramref name="detail"/> says what to do next.</summary>
    public SpaceNotFoundException(string collection, string space, string detail)
        : base($"The collection at '{collection}' has no space '{space}'. {detail}")
    {
        Space = space;
    }

    /// <summary>The missing space's name.</summary>
    public string Space { get; }
}
