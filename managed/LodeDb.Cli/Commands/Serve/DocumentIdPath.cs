using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace LodeDb.Cli.Commands.Serve;

/// <summary>
/// The document id of <c>/documents/{id}</c>. Ids often hold a slash (<c>lodedb index</c> names a
/// file in a sub-folder <c>notes/car.txt</c>), sent as it is or as <c>%2F</c>; Kestrel decodes
/// every escape of the path but <c>%2F</c>, so the id is decoded once from the raw request target
/// instead (<c>a%252Fb</c> is the id <c>a%2Fb</c>, <c>a%2Fb</c> the id <c>a/b</c>).
/// </summary>
internal static class DocumentIdPath
{
    public const string Route = "/documents/{**id}";

    private const string Prefix = "/documents/";

    /// <summary>The id the client sent; <paramref name="routed"/> (the route value) when the raw target is not an origin-form path under /documents/.</summary>
    public static string Of(HttpContext context, string? routed)
    {
        string? raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (raw is not null)
        {
            int query = raw.IndexOf('?', StringComparison.Ordinal);
            string path = query < 0 ? raw : raw[..query];
            if (path.StartsWith(Prefix, StringComparison.Ordinal))
            {
                return Uri.UnescapeDataString(path[Prefix.Length..]);
            }
        }

        return routed ?? "";
    }
}
