using System.Net;

namespace LodeDb.Cli.Commands.Serve;

/// <summary>How <c>lodedb serve</c> listens: address and port (0: any free port), bearer token, text redaction, request size limit.</summary>
internal sealed record HttpApiOptions(IPAddress Address, int Port, string? Token, bool ExcludeText, long MaxRequestBytes)
{
    /// <summary>Default request size limit: 32 MiB (a batch of vectors or one photo).</summary>
    public const long DefaultMaxRequestBytes = 32L << 20;

    /// <summary>Most documents one list page returns.</summary>
    public const int MaxPage = 1000;
}
