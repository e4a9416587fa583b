namespace LodeDb;

/// <summary>What <see cref="LodeDatabase.Verify"/> found in a database folder or a collection root.</summary>
public sealed class VerifyReport
{
    internal VerifyReport(string path, IReadOnlyList<StorageProblem> problems, int indexes, long records)
    {
        Path = path;
        Problems = problems;
        Indexes = indexes;
        Records = records;
    }

    /// <summary>The folder verified.</summary>
    public string Path { get; }

    /// <summary>Every finding, damage and notices (<see cref="StorageProblem.IsDamage"/>).</summary>
    public IReadOnlyList<StorageProblem> Problems { get; }

    /// <summary>True when nothing is damaged (notices such as a torn log tail may remain).</summary>
    public bool IsClean => Problems.All(problem => !problem.IsDamage);

    /// <summary>Indexes audited: 1 for a database folder, one per space for a collection.</summary>
    public int Indexes { get; }

    /// <summary>Log and journal records checked.</summary>
    public long Records { get; }
}
