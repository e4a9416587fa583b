namespace LodeDb.Cli.Commands.Export;

/// <summary>The file formats of export/import: Parquet, or JSON Lines (one document per line).</summary>
internal enum ExchangeFormat
{
    Parquet,
    JsonLines,
}

/// <summary>Picks the format from --format or the file's extension.</summary>
internal static class ExchangeFormats
{
    public static ExchangeFormat Of(string file, string? format) => format switch
    {
        "parquet" => ExchangeFormat.Parquet,
        "jsonl" => ExchangeFormat.JsonLines,
        null => Path.GetExtension(file).ToLowerInvariant() switch
        {
            ".parquet" => ExchangeFormat.Parquet,
            ".jsonl" or ".ndjson" => ExchangeFormat.JsonLines,
            string other => throw new CliUsageException($"cannot tell the format of '{file}' from '{other}': name it .parquet or .jsonl, or pass --format parquet|jsonl."),
        },
        _ => throw new CliUsageException($"--format must be parquet or jsonl, not '{format}'."),
    };
}
