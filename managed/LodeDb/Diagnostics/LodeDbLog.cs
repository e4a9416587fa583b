using Microsoft.Extensions.Logging;

namespace LodeDb.Diagnostics;

/// <summary>
/// LodeDb's log events (source-generated, no allocation when the level is off). Paths, counts and
/// times only: never texts, vectors or metadata values.
/// </summary>
internal static partial class LodeDbLog
{
    /// <summary>The category of every LodeDb log event.</summary>
    public const string Category = "LodeDb";

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Opened {Path} ({Access}): generation {Generation}, {Rows} rows, {ReplayedRecords} WAL records replayed, in {ElapsedMs:F1} ms")]
    public static partial void Opened(ILogger logger, string path, string access, long generation, long rows, long replayedRecords, double elapsedMs);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Checkpoint of {Path}: generation {Generation}, {Rows} rows, {WalRecords} WAL records folded, in {ElapsedMs:F1} ms")]
    public static partial void Checkpointed(ILogger logger, string path, long generation, long rows, long walRecords, double elapsedMs);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Waited {ElapsedMs:F0} ms for the writer lock of {Path} (another writer held it)")]
    public static partial void LockWaited(ILogger logger, string path, double elapsedMs);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "{Operation} on {Path} took {ElapsedMs:F0} ms (slow-operation threshold {ThresholdMs:F0} ms)")]
    public static partial void SlowOperation(ILogger logger, string operation, string path, double elapsedMs, double thresholdMs);

    [LoggerMessage(EventId = 5, Level = LogLevel.Information, Message = "Loaded model {Model} for {Path} in {ElapsedMs:F1} ms")]
    public static partial void ModelLoaded(ILogger logger, string model, string path, double elapsedMs);

    [LoggerMessage(EventId = 6, Level = LogLevel.Warning, Message = "Repaired {Path}: {Kept} records kept, {Dropped} dropped; the damaged files were copied to {Quarantine}")]
    public static partial void Repaired(ILogger logger, string path, long kept, long dropped, string quarantine);

    [LoggerMessage(EventId = 7, Level = LogLevel.Warning, Message = "Dropped a torn write-ahead log tail of {Bytes} bytes at offset {Offset} of {File} (a write interrupted by a crash, never acknowledged)")]
    public static partial void TornTailDropped(ILogger logger, string file, long offset, long bytes);

    /// <summary>One finding of a repair's salvage (file and offset only; the report has the details).</summary>
    [LoggerMessage(EventId = 8, Message = "Repair of {Path}: {Finding} in {File} at offset {Offset}")]
    public static partial void SalvageFinding(ILogger logger, LogLevel level, string path, string finding, string file, long offset);

    [LoggerMessage(EventId = 9, Level = LogLevel.Information, Message = "Repair of {Path} {Outcome}: {Kept} records salvageable, {Dropped} lost; nothing was written")]
    public static partial void RepairNotApplied(ILogger logger, string path, string outcome, long kept, long dropped);
}
