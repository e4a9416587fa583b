using System.Net.Http.Headers;
using System.Text.Json;

namespace LodeDb.Embeddings.Onnx;

/// <summary>One file of a repository listing: its size and the hash to verify it against.</summary>
/// <param name="Path">Repository path ('/' separated).</param>
/// <param name="Size">Size of the content in bytes (<c>lfs.size</c> for LFS files).</param>
/// <param name="Sha256">SHA-256 of the content (<c>lfs.oid</c>) for LFS files, else null.</param>
/// <param name="GitBlobSha1">Git blob id (<c>oid</c>) of a file kept in git, else null (for LFS files it is the pointer's id).</param>
internal sealed record HubFileEntry(string Path, long Size, string? Sha256, string? GitBlobSha1)
{
    public bool IsLfs => Sha256 is not null;

    public string HashAlgorithm => IsLfs ? "sha256" : "git-blob-sha1";

    public string ExpectedHash => IsLfs ? Sha256! : GitBlobSha1!;
}

/// <summary>Parses the hub's tree API (<c>/api/models/{repo}/tree/{revision}?recursive=true</c>).</summary>
internal static class HubTree
{
    /// <summary>The file entries of one page (directories are left out). Throws <see cref="FormatException"/> on anything else than the hub's shape.</summary>
    public static List<HubFileEntry> ParsePage(string json)
    {
        using JsonDocument document = JsonDocument.Parse(json);
        if (document.RootElement.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException($"expected a JSON array of entries, got a JSON {document.RootElement.ValueKind}");
        }

        var files = new List<HubFileEntry>();
        foreach (JsonElement entry in document.RootElement.EnumerateArray())
        {
            if (entry.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException("an entry is not a JSON object");
            }

            string type = entry.TryGetProperty("type", out JsonElement t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : "file";
            if (!string.Equals(type, "file", StringComparison.Ordinal))
            {
                continue;
            }

            string path = RequiredString(entry, "path", "an entry");
            if (entry.TryGetProperty("lfs", out JsonElement lfs) && lfs.ValueKind == JsonValueKind.Object)
            {
                string sha256 = RequiredString(lfs, "oid", $"lfs of '{path}'").ToLowerInvariant();
                if (sha256.StartsWith("sha256:", StringComparison.Ordinal))
                {
                    sha256 = sha256["sha256:".Length..];
                }

                RequireHex(sha256, 64, $"lfs.oid of '{path}'");
                files.Add(new HubFileEntry(path, RequiredSize(lfs, $"lfs of '{path}'"), sha256, null));
            }
            else
            {
                string oid = RequiredString(entry, "oid", $"'{path}'").ToLowerInvariant();
                RequireHex(oid, 40, $"oid of '{path}'");
                files.Add(new HubFileEntry(path, RequiredSize(entry, $"'{path}'"), null, oid));
            }
        }

        return files;
    }

    /// <summary>The <c>rel="next"</c> address of a paginated listing (RFC 8288 Link header), or null.</summary>
    public static Uri? NextPage(HttpResponseHeaders headers, Uri current)
    {
        if (!headers.TryGetValues("Link", out IEnumerable<string>? values))
        {
            return null;
        }

        foreach (string value in values)
        {
            foreach (string link in value.Split(','))
            {
                int open = link.IndexOf('<', StringComparison.Ordinal);
                int close = link.IndexOf('>', StringComparison.Ordinal);
                if (open < 0 || close < open)
                {
                    continue;
                }

                string parameters = link[(close + 1)..].Replace(" ", "", StringComparison.Ordinal);
                if (parameters.Contains("rel=\"next\"", StringComparison.OrdinalIgnoreCase) || parameters.Contains("rel=next", StringComparison.OrdinalIgnoreCase))
                {
                    return new Uri(current, link[(open + 1)..close]);
                }
            }
        }

        return null;
    }

    private static string RequiredString(JsonElement element, string name, string where) =>
        element.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String && !string.IsNullOrEmpty(value.GetString())
            ? value.GetString()!
            : throw new FormatException($"{where} has no '{name}' string");

    private static long RequiredSize(JsonElement element, string where) =>
        element.TryGetProperty("size", out JsonElement value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out long size) && size >= 0
            ? size
            : throw new FormatException($"{where} has no valid 'size'");

    private static void RequireHex(string value, int length, string where)
    {
        if (value.Length != length || !value.All(char.IsAsciiHexDigitLower))
        {
            throw new FormatException($"{where} is not {length} hex digits: '{value}'");
        }
    }
}
