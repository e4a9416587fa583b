namespace LodeDb;

/// <summary>
/// Space names become folder names (<c>spaces/&lt;name&gt;</c>), so only a portable subset is
/// accepted: 1..64 of <c>a-z 0-9 _ -</c>, starting with a letter or digit (no path separators,
/// dots, case collisions on case-insensitive file systems, or Windows device names).
/// </summary>
internal static class SpaceName
{
    public const int MaxLength = 64;

    private static readonly string[] DeviceNames = ["con", "prn", "aux", "nul"];

    public static bool IsValid(string? name)
    {
        if (name is null || name.Length is 0 or > MaxLength || !IsLeading(name[0]))
        {
            return false;
        }

        foreach (char c in name)
        {
            if (!IsLeading(c) && c is not ('_' or '-'))
            {
                return false;
            }
        }

        return !IsDeviceName(name);
    }

    public static void Validate(string name, string argumentName)
    {
        ArgumentNullException.ThrowIfNull(name, argumentName);
        if (IsDeviceName(name))
        {
            throw new ArgumentException($"'{name}' is not a valid space name: Windows reserves it as a device name, and it becomes a folder name. Pick another name.", argumentName);
        }

        if (!IsValid(name))
        {
            throw new ArgumentException($"'{name}' is not a valid space name: use 1 to {MaxLength} characters from a-z, 0-9, '_' and '-', starting with a letter or digit (it becomes a folder name).", argumentName);
        }
    }

    private static bool IsLeading(char c) => c is (>= 'a' and <= 'z') or (>= '0' and <= '9');

    private static bool IsDeviceName(string name) =>
        Array.IndexOf(DeviceNames, name) >= 0 ||
        (name.Length == 4 && (name.StartsWith("com", StringComparison.Ordinal) || name.StartsWith("lpt", StringComparison.Ordinal)) && name[3] is >= '0' and <= '9');
}
