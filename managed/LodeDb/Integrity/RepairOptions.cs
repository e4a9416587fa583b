namespace LodeDb;

/// <summary>Options of <see cref="LodeDatabase.Repair"/>.</summary>
public sealed class RepairOptions
{
    /// <summary>Only report what a repair would salvage and lose; write nothing (the CLI's default).</summary>
    public bool DryRun { get; init; }

    /// <summary>How long to wait for the folder's writer lock (a repair is a writer). Default 30 s.</summary>
    public TimeSpan LockTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Receives the repair's events (category <c>LodeDb</c>): each finding (file and offset; damage
    /// as a warning, notices such as a torn tail as information), then <c>Repaired</c> or
    /// <c>RepairNotApplied</c>, and the checkpoint that writes the fresh generation.
    /// </summary>
    public Microsoft.Extensions.Logging.ILoggerFactory? LoggerFactory { get; init; }
}
