namespace LodeDb;

/// <summary>What <see cref="LodeDatabase.Repair"/> found, salvaged and lost.</summary>
public sealed class RepairReport
{
    internal RepairReport(string path, bool applied, IReadOnlyList<StorageProblem> damage, long salvaged, long lost,
        IReadOnlyList<string> lostIds, long lostWithUnknownIds, string? backupFolder)
    {
        Path = path;
        Applied = applied;
        Damage = damage;
        RecordsSalvaged = salvaged;
        RecordsLost = lost;
        LostIds = lostIds;
        LostRecordsWithUnknownIds = lostWithUnknownIds;
        BackupFolder = backupFolder;
    }

    /// <summary>The folder repaired.</summary>
    public string Path { get; }

    /// <summary>True when a fresh generation was written (false for a dry run or when nothing needed repair).</summary>
    public bool Applied { get; }

    /// <summary>The damage found (and notices such as a torn tail).</summary>
    public IReadOnlyList<StorageProblem> Damage { get; }

    /// <summary>True when nothing was damaged: the folder needed no repair.</summary>
    public bool NothingToRepair => Damage.All(problem => !problem.IsDamage);

    /// <summary>Log and journal records that verified and were kept.</summary>
    public long RecordsSalvaged { get; }

    /// <summary>Log and journal records lost to the damage (at least one per damaged stretch).</summary>
    public long RecordsLost { get; }

    /// <summary>Ids of the lost records whose bytes could still be read (the frame's CRC failed, the record itself decoded).</summary>
    public IReadOnlyList<string> LostIds { get; }

    /// <summary>Lost records whose ids could not be read.</summary>
    public long LostRecordsWithUnknownIds { get; }

    /// <summary>Where the damaged files were copied before the repair wrote anything (null for a dry run).</summary>
    public string? BackupFolder { get; }
}
