using System.Buffers.Text;
using System.Text;

namespace LodeDb.Cli.Commands.Documents;

/// <summary>
/// The cursor `lodedb list` and `GET /documents` print: the core's keyset cursor (the last id of a
/// page, <see cref="ListPage.NextCursor"/>) as a token safe to paste into a shell or a URL
/// ("c1." + base64url of the id's UTF-8). Pages follow id order, so removals or additions between
/// pages neither repeat nor skip a document.
/// </summary>
internal static class ListCursor
{
    private const string Prefix = "c1.";

    public static string? Encode(string? nextId) =>
        nextId is null ? null : Prefix + Base64Url.EncodeToString(Encoding.UTF8.GetBytes(nextId));

    /// <summary>The id to continue after; a token lodedb did not print is a usage error.</summary>
    public static string? Decode(string? token, string what)
    {
        if (token is null)
        {
            return null;
        }

        if (token.StartsWith(Prefix, StringComparison.Ordinal))
        {
            try
            {
                return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(Base64Url.DecodeFromChars(token.AsSpan(Prefix.Length)));
            }
            catch (Exception e) when (e is FormatException or ArgumentException)
            {
                // Falls through to the usage error below.
            }
        }

        throw new CliUsageException($"{what} '{token}' is not a cursor lodedb printed.");
    }
}
