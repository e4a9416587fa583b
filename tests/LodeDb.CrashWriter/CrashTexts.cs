using LodeDb;

/// <summary>
/// The deterministic text workload of the crash writer's text mode, shared with the test that
/// replays it into a reference database: operation i is a single add, a two-text batch, a
/// replace of an earlier document or a remove.
/// </summary>
public static class CrashTexts
{
    public const string ModelName = "fixture-text-bert";
    public const int MaxChunkChars = 60;

    private static readonly string[] Topics =
    [
        "the car engine needs a mechanic and a new brake",
        "the puppy barks at the vet near the kennel",
        "my doctor and the nurse work at the hospital clinic",
        "pizza and soup for dinner from the kitchen",
        "the bank loan has a price and a cost",
        "the storm brings rain and snow and wind",
    ];

    /// <summary>The raw text of document <paramref name="n"/> (unique: it carries its own ticket number and date; long enough to chunk).</summary>
    public static string Text(int n) =>
        $"Ticket E{1000 + n} was opened on 2024-01-{n % 28 + 1:00}. Report {n}: {Topics[n % Topics.Length]}. Part ABC-{100 + n} is affected.";

    /// <summary>The text a replace writes for document <paramref name="n"/>.</summary>
    public static string Replacement(int n) => $"Revision {n} of ticket R{5000 + n}: {Topics[(n + 3) % Topics.Length]}.";

    public static (string Kind, string[] Ids) Op(int i) => (i % 6) switch
    {
        2 => ("batch", [$"t{i}", $"t{i}b"]),
        4 when i >= 6 => ("replace", [$"t{i - 6}"]),
        5 when i >= 6 => ("del", [$"t{i - 3}b"]),
        _ => ("add", [$"t{i}"]),
    };

    /// <summary>Every raw text operation <paramref name="i"/> writes.</summary>
    public static IEnumerable<string> TextsOf(int i)
    {
        var (kind, ids) = Op(i);
        return kind switch
        {
            "batch" => [Text(i), Text(i + 1000)],
            "replace" => [Replacement(i)],
            "del" => [],
            _ => [Text(i)],
        };
    }

    public static void Apply(LodeDatabase database, int i)
    {
        var (kind, ids) = Op(i);
        switch (kind)
        {
            case "batch":
                database.AddMany([Text(i), Text(i + 1000)], ids, [Metadata(i), Metadata(i + 1000)]);
                break;
            case "replace":
                database.Add(Replacement(i), ids[0], Metadata(i));
                break;
            case "del":
                database.Remove(ids[0]);
                break;
            default:
                database.Add(Text(i), ids[0], Metadata(i));
                break;
        }
    }

    private static Dictionary<string, object?> Metadata(int n) => new() { ["n"] = n, ["even"] = n % 2 == 0 };
}
