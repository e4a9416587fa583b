using System.Globalization;

namespace LodeDb;

/// <summary>Defaults taken from the environment when an option is not set.</summary>
internal static class EnvironmentDefaults
{
    public const string DurabilityVariable = "LODEDB_DURABILITY";
    public const string CommitModeVariable = "LODEDB_COMMIT_MODE";
    public const string LockTimeoutVariable = "LODEDB_PERSIST_LOCK_TIMEOUT";

    public static Durability Durability() => Read(DurabilityVariable) switch
    {
        null => LodeDb.Durability.Fast,
        "fast" => LodeDb.Durability.Fast,
        "fsync" => LodeDb.Durability.Fsync,
        string other => throw new ArgumentException($"{DurabilityVariable}='{other}' is not a durability; use 'fast' or 'fsync'."),
    };

    public static CommitMode CommitMode() => Read(CommitModeVariable) switch
    {
        null => LodeDb.CommitMode.Wal,
        "wal" => LodeDb.CommitMode.Wal,
        "generation" => LodeDb.CommitMode.Generation,
        string other => throw new ArgumentException($"{CommitModeVariable}='{other}' is not a commit mode; use 'wal' or 'generation'."),
    };

    public static TimeSpan LockTimeout()
    {
        string? text = Read(LockTimeoutVariable);
        if (text is null)
        {
            return TimeSpan.FromSeconds(30);
        }

        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds) || seconds < 0 || !double.IsFinite(seconds))
        {
            throw new ArgumentException($"{LockTimeoutVariable}='{text}' is not a number of seconds (e.g. 30 or 0.5).");
        }

        return TimeSpan.FromSeconds(seconds);
    }

    private static string? Read(string name)
    {
        string? value = Environment.GetEnvironmentVariable(name)?.Trim();
        return string.IsNullOrEmpty(value) ? null : value.ToLowerInvariant();
    }
}
