using System.Net;
using System.Net.Sockets;

namespace LodeDb.Cli.Commands.Serve;

/// <summary>
/// Which addresses <c>lodedb serve</c> may listen on: loopback and private (RFC 1918, IPv6
/// unique-local and link-local) freely; anything else (0.0.0.0, ::, a public address, a host
/// name other than localhost) only with <c>--allow-public</c> and a bearer token.
/// </summary>
internal static class BindAddressPolicy
{
    /// <summary>The address to bind for <paramref name="host"/>, checked against the policy.</summary>
    /// <exception cref="CliUsageException">The host is not an address, or is public without --allow-public and a token.</exception>
    public static IPAddress Resolve(string host, bool allowPublic, string? token)
    {
        IPAddress address = host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
            ? IPAddress.Loopback
            : IPAddress.TryParse(host.Trim('[', ']'), out IPAddress? parsed)
                ? parsed
                : throw new CliUsageException($"--host '{host}' is not an IP address (or localhost): give the address to listen on, e.g. 127.0.0.1 or 192.168.1.10.");
        if (allowPublic)
        {
            if (string.IsNullOrEmpty(token))
            {
                throw new CliUsageException("--allow-public needs a bearer token: set LODEDB_SERVE_TOKEN (or --token) to a long random secret; every request must send 'Authorization: Bearer <token>'.");
            }

            return address;
        }

        if (!IsLoopbackOrPrivate(address))
        {
            string what = address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) ? "every interface" : "a public address";
            throw new CliUsageException($"--host {host} is {what}; lodedb serve listens on loopback or private addresses only. Use 127.0.0.1 (default) or a private address, or --allow-public with a bearer token (LODEDB_SERVE_TOKEN).");
        }

        return address;
    }

    /// <summary>True for loopback, RFC 1918 private, IPv4 link-local, IPv6 unique-local and link-local addresses.</summary>
    public static bool IsLoopbackOrPrivate(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (IPAddress.IsLoopback(address))
        {
            return true;
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            byte[] b = address.GetAddressBytes();
            return b[0] == 10
                || (b[0] == 172 && b[1] >= 16 && b[1] <= 31)
                || (b[0] == 192 && b[1] == 168)
                || (b[0] == 169 && b[1] == 254);
        }

        return address.AddressFamily == AddressFamily.InterNetworkV6
            && (address.IsIPv6LinkLocal || address.IsIPv6UniqueLocal);
    }
}
