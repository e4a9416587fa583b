namespace LodeDb;

/// <summary>Whether commits wait for the disk.</summary>
public enum Durability
{
    /// <summary>
    /// Commits are atomic (a crash never leaves a torn store) but not fsynced: the newest writes
    /// may be lost when the machine (not just the process) goes down. The default.
    /// </summary>
    Fast = 0,

    /// <summary>Every commit and WAL append is fsynced (files and directory) before it returns.</summary>
    Fsync = 1,
}
