namespace LodeDb;

/// <summary>
/// What <see cref="LodeDatabase.List(ListOptions)"/> returns: documents in id order (ordinal),
/// optionally only those in <see cref="Ids"/> and matching <see cref="Filter"/>, after the
/// cursor <see cref="After"/>, at most <see cref="Limit"/>.
/// </summary>
public sealed record ListOptions
{
    /// <summary>Only these ids (an allow-list); null: every document.</summary>
    public IReadOnlyCollection<string>? Ids { get; init; }

    /// <summary>Only documents whose metadata matches; null: no condition.</summary>
    public Filter? Filter { get; init; }

    /// <summary>The <see cref="ListPage.NextCursor"/> of the previous page; null: from the start.</summary>
    public string? After { get; init; }

    /// <summary>Documents per page (1..10,000; default 100).</summary>
    public int Limit { get; init; } = 100;
}

/// <summary>One page of <see cref="LodeDatabase.List(ListOptions)"/>.</summary>
/// <param name="Records">The documents, in ordinal id order.</param>
/// <param name="NextCursor">Pass as <see cref="ListOptions.After"/> for the next page; null when this page is the last.</param>
public sealed record ListPage(IReadOnlyList<LodeRecord> Records, string? NextCursor);
