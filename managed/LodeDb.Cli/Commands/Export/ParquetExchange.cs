using Parquet;
using Parquet.Serialization;

namespace LodeDb.Cli.Commands.Export;

/// <summary>Export rows to and from Parquet (Parquet.Net's serializer); the identity goes in the file's key-value metadata.</summary>
internal static class ParquetExchange
{
    public static async Task WriteAsync(string file, IReadOnlyList<ExportRow> rows, ExportIdentity identity, CancellationToken cancellation)
    {
        await using FileStream stream = File.Create(file);
        await ParquetSerializer.SerializeAsync(rows, stream, new ParquetOptions(), identity.ToMetadata(), cancellation);
    }

    public static async Task<(IReadOnlyList<ExportRow> Rows, ExportIdentity? Identity)> ReadAsync(string file, CancellationToken cancellation)
    {
        try
        {
            await using FileStream stream = File.OpenRead(file);
            DeserializationResult<ExportRow> result = await ParquetSerializer.DeserializeAsync<ExportRow>(stream, cancellationToken: cancellation);
            return ([.. result.Data], ExportIdentity.FromMetadata(result.CustomMetadata, file));
        }
        catch (Exception e) when (e is not (CliUsageException or InvalidDataException or OperationCanceledException or FileNotFoundException))
        {
            throw new InvalidDataException($"{file} is not a Parquet file of lodedb export rows (id, text, metadata, chunks, vector): {e.Message}");
        }
    }
}
