namespace LodeDb;

/// <summary>
/// What <c>collection.json</c> records about one space: its identity, copied from the space's
/// index when the space was created. Reopening the space with no options uses it.
/// </summary>
public sealed record LodeSpaceInfo
{
    /// <summary>The space's name (also its folder under <c>spaces/</c>).</summary>
    public required string Name { get; init; }

    /// <summary>Vector, preset or custom.</summary>
    public required LodeSpaceKind Kind { get; init; }

    /// <summary>The preset name (e.g. "minilm") of a preset space, the <see cref="LodeDbOptions.ModelName"/> of a custom one, null for a vector space.</summary>
    public string? Model { get; init; }

    /// <summary>The task of the space's index: "vector" or "text".</summary>
    public required string Task { get; init; }

    /// <summary>Vector dimension.</summary>
    public required int Dimension { get; init; }

    /// <summary>Bits per coordinate of the stored codes (2 or 4).</summary>
    public required int BitWidth { get; init; }

    /// <summary>Rotation seed.</summary>
    public required ulong Seed { get; init; }

    /// <summary>Whether raw chunk text is kept.</summary>
    public required bool StoreText { get; init; }

    /// <summary>Whether per-chunk lexical terms are kept.</summary>
    public required bool IndexText { get; init; }
}
