namespace LodeDb;

/// <summary>
/// One finding of <see cref="LodeDatabase.Verify"/> or <see cref="LodeDatabase.Repair"/>: the
/// file (relative to the folder verified), the byte offset (-1 when the whole file is affected)
/// and what it means.
/// </summary>
/// <param name="File">The file, relative to the verified folder (a collection's spaces as <c>spaces/&lt;name&gt;/...</c>).</param>
/// <param name="Offset">Byte offset of the problem, or -1.</param>
/// <param name="Detail">What is wrong and what it means for the data.</param>
public sealed record StorageProblem(string File, long Offset, string Detail)
{
    /// <summary>False for a finding that loses nothing acknowledged (a torn log tail: an append a crash interrupted, never acknowledged).</summary>
    public bool IsDamage { get; init; } = true;

    /// <inheritdoc/>
    public override string ToString() => $"{File}{(Offset >= 0 ? $" @ {Offset}" : "")}: {Detail}{(IsDamage ? "" : " (not damage)")}";
}
