namespace LodeDb;

/// <summary>How a mutation becomes durable.</summary>
public enum CommitMode
{
    /// <summary>
    /// Each mutation appends one framed record to <c>index.wal</c>; checkpoints fold the log into
    /// a new generation. Writes cost O(changed bytes). The default.
    /// </summary>
    Wal = 0,

    /// <summary>
    /// Each mutation publishes a new generation (atomic root-pointer rename): the last base plus
    /// one more record in the base's delta journal, so a commit still writes O(changed) bytes.
    /// Checkpoints fold the journal into a new base.
    /// </summary>
    Generation = 1,
}
