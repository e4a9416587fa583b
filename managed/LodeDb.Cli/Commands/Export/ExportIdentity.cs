using System.Globalization;

namespace LodeDb.Cli.Commands.Export;

/// <summary>
/// What an export records about its database (Parquet key-value metadata "lodedb.*"): enough for
/// <c>import</c> to create a faithful copy (same bit width, seed and sidecar) and for a user to
/// know which model made the vectors.
/// </summary>
internal sealed record ExportIdentity(string Model, int Dimension, int BitWidth, ulong Seed, RescoreStorage Rescore, bool StoresText, bool IndexText)
{
    private const string Prefix = "lodedb.";

    public static ExportIdentity Of(LodeDatabase db) =>
        new(db.ModelName, db.Dimension, db.BitWidth, db.Seed, db.Rescore, db.StoresText, db.HasLexicalIndex);

    public Dictionary<string, string> ToMetadata() => new(StringComparer.Ordinal)
    {
        [Prefix + "format"] = "1",
        [Prefix + "model"] = Model,
        [Prefix + "dimension"] = Dimension.ToString(CultureInfo.InvariantCulture),
        [Prefix + "bitWidth"] = BitWidth.ToString(CultureInfo.InvariantCulture),
        [Prefix + "seed"] = Seed.ToString(CultureInfo.InvariantCulture),
        [Prefix + "rescore"] = Rescore.ToString().ToLowerInvariant(),
        [Prefix + "storesText"] = StoresText ? "true" : "false",
        [Prefix + "indexText"] = IndexText ? "true" : "false",
    };

    /// <summary>The identity of a file's metadata, or null when the file has none (not written by lodedb export).</summary>
    public static ExportIdentity? FromMetadata(IReadOnlyDictionary<string, string> metadata, string file)
    {
        if (!metadata.TryGetValue(Prefix + "format", out string? format))
        {
            return null;
        }

        if (format != "1")
        {
            throw new CliUsageException($"{file} is lodedb export format {format}; this lodedb reads format 1. Upgrade lodedb.");
        }

        string Get(string key) => metadata.TryGetValue(Prefix + key, out string? value)
            ? value
            : throw new InvalidDataException($"{file}: export metadata lacks {Prefix}{key}.");
        try
        {
            return new ExportIdentity(
                Get("model"),
                int.Parse(Get("dimension"), CultureInfo.InvariantCulture),
                int.Parse(Get("bitWidth"), CultureInfo.InvariantCulture),
                ulong.Parse(Get("seed"), CultureInfo.InvariantCulture),
                Enum.Parse<RescoreStorage>(Get("rescore"), ignoreCase: true),
                Get("storesText") == "true",
                Get("indexText") == "true");
        }
        catch (FormatException e)
        {
            throw new InvalidDataException($"{file}: export metadata is damaged ({e.Message}).");
        }
    }
}
