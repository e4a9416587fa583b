using System.Globalization;

namespace LodeDb;

/// <summary>Defaults taken from the environment when an option is not set.</summary>
internal static class EnvironmentDefaults
{
    public const string DurabilityVariable = "LODEDB_DURABILITY";
    public const string CommitModeVariable = "LODEDB_COMMIT_MODE";
    public const string LockTimeoutVariable = "LODEDB_PERSIST_LOCK_TIMEOUT";
    public const string SimdVariable = "LODEDB_SIMD";

    /// <summary>Largest <see cref="LockTimeoutVariable"/>: a billion seconds, well inside <see cref="TimeSpan"/>.</summary>
    public const double MaxLockTimeoutSeconds = 1e9;

    /// <summary>The values the native library accepts in <see cref="SimdVariable"/> (any case).</summary>
    public static readonly string[] SimdLevels = ["scalar", "avx2", "avx512", "neon", "auto"];

    /// <summary>
    /// The raw <see cref="SimdVariable"/> (null when unset) and whether it names a level. The
    /// native library reads it itself and silently falls back to the best level on anything
    /// else, so only the doctor can point out a typo.
    /// </summary>
    public static (string? Value, bool Known) Simd()
    {
        // Not trimmed: the native library compares the raw value (ignoring case only).
        string? value = Environment.GetEnvironmentVariable(SimdVariable);
        return string.IsNullOrEmpty(value) ? (null, true) : (value, SimdLevels.Contains(value, StringComparer.OrdinalIgnoreCase));
    }

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

        if (seconds > MaxLockTimeoutSeconds)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{LockTimeoutVariable}='{text}' is more seconds than a timeout can hold; use at most {MaxLockTimeoutSeconds:0} (about 31 years)."));
        }

        return TimeSpan.FromSeconds(seconds);
    }

    private static string? Read(string name)
    {
        string? value = Environment.GetEnvironmentVariable(name)?.Trim();
        return string.IsNullOrEmpty(value) ? null : value.ToLowerInvariant();
    }
}
