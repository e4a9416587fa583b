using System.CommandLine;
using System.Net;
using LodeDb.Embeddings.Onnx;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Hosting;

namespace LodeDb.Cli.Commands.Serve;

/// <summary>
/// <c>lodedb serve &lt;path&gt; [--host H] [--port P] [--read-only] [--exclude-text] [--max-request-mb N]
/// [--allow-public --token T]</c>: the local HTTP API (<see cref="HttpApi"/>, docs/http.md) until Ctrl+C.
/// Binds 127.0.0.1 by default; another host must be loopback or private unless --allow-public,
/// which needs a bearer token.
/// </summary>
internal static class ServeCommand
{
    /// <summary>The token's environment variable (a token on the command line shows in process lists).</summary>
    public const string TokenVariable = "LODEDB_SERVE_TOKEN";

    public static Command Create(CliContext context)
    {
        var database = new Argument<string>("path") { Description = "Database folder or collection root." };
        var host = new Option<string>("--host") { Description = "Address to listen on: loopback (default 127.0.0.1) or private; others need --allow-public.", DefaultValueFactory = _ => "127.0.0.1", HelpName = "ADDRESS" };
        Option<int> port = WholeNumberOption.Create("--port", null, "TCP port (default 8765; 0 picks a free one).", 8765, 0, 65535);
        var readOnly = new Option<bool>("--read-only") { Description = "Open without the writer lock; writes answer 403." };
        var excludeText = new Option<bool>("--exclude-text") { Description = "Never return stored text, even when asked." };
        Option<int> maxRequest = WholeNumberOption.Create("--max-request-mb", null, "Largest request body in MiB (default 32); larger ones answer 413.", 32, 1, 1024);
        var allowPublic = new Option<bool>("--allow-public") { Description = $"Allow a public address or 0.0.0.0; needs a bearer token ({TokenVariable} or --token)." };
        var token = new Option<string>("--token") { Description = $"Bearer token every request must send (prefer the {TokenVariable} environment variable).", HelpName = "TOKEN" };
        var models = new ModelOptions(allowPreset: false);
        var command = new Command("serve", "Serve a database over a local HTTP API (JSON; OpenAPI at /openapi.json).")
        {
            database, host, port, readOnly, excludeText, maxRequest, allowPublic, token,
        };
        models.AddTo(command);
        command.SetAction(async (parsed, cancellation) =>
        {
            string? secret = parsed.GetValue(token) ?? Environment.GetEnvironmentVariable(TokenVariable);
            secret = string.IsNullOrEmpty(secret) ? null : secret;
            IPAddress address = BindAddressPolicy.Resolve(parsed.GetValue(host)!, parsed.GetValue(allowPublic), secret);
            string path = DatabaseOpener.RequireFolder(parsed.GetValue(database)!);
            IEmbeddingGenerator<string, Embedding<float>>? embedder = models.LoadEmbedder(parsed);
            using DatabaseTarget target = DatabaseTarget.Open(path, parsed.GetValue(readOnly), embedder, parsed.GetValue(models.ModelsDir));
            var options = new HttpApiOptions(address, parsed.GetValue(port), secret, parsed.GetValue(excludeText), (long)parsed.GetValue(maxRequest) << 20);
            await using WebApplication app = HttpApi.Build(target, options);
            await app.StartAsync(cancellation);
            context.Error.WriteLine($"lodedb serve: {target.Path}{(target.ReadOnly ? " (read-only)" : "")} on {string.Join(", ", app.Urls)} (OpenAPI: /openapi.json). Ctrl+C stops.");
            await app.WaitForShutdownAsync(cancellation);
            return ExitCodes.Ok;
        });
        return command;
    }
}
