using System.Net;
using LodeDb.Cli.Commands;
using LodeDb.Cli.Commands.Serve;
using Microsoft.AspNetCore.Builder;

namespace LodeDb.Cli.Tests.Serve;

/// <summary>The HTTP API of <c>lodedb serve</c> on a free loopback port, with an <see cref="HttpClient"/> pointed at it.</summary>
internal sealed class LoopbackServer : IAsyncDisposable
{
    private readonly DatabaseTarget _target;
    private readonly WebApplication _app;

    private LoopbackServer(DatabaseTarget target, WebApplication app, HttpClient client)
    {
        _target = target;
        _app = app;
        Client = client;
    }

    public HttpClient Client { get; }

    public static async Task<LoopbackServer> StartAsync(string database, bool readOnly = false, bool excludeText = false, string? token = null, long maxRequestBytes = HttpApiOptions.DefaultMaxRequestBytes)
    {
        DatabaseTarget target = DatabaseTarget.Open(database, readOnly, null, null);
        WebApplication app = HttpApi.Build(target, new HttpApiOptions(IPAddress.Loopback, 0, token, excludeText, maxRequestBytes));
        await app.StartAsync();
        var client = new HttpClient { BaseAddress = new Uri(app.Urls.Single()) };
        return new LoopbackServer(target, app, client);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _target.Dispose();
    }
}
