using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LodeDb.Cli.Commands.Serve;

/// <summary>
/// The local HTTP API of <c>lodedb serve</c> on ASP.NET Core minimal APIs (endpoints in
/// <see cref="HttpEndpoints"/>): JSON in and out, an OpenAPI document at /openapi.json, errors
/// as <c>{"error": "one line"}</c> with a status code, a bearer token when one is set, and
/// Kestrel's request body limit. One <see cref="DatabaseTarget"/> serves every request: one
/// writer handle, searches in parallel.
/// </summary>
internal static class HttpApi
{
    /// <summary>Builds (not starts) the app listening on <paramref name="options"/>' address.</summary>
    public static WebApplication Build(DatabaseTarget target, HttpApiOptions options)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = "lodedb",
            // No appsettings.json of whatever folder the user is in.
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(console => console.ColorBehavior = Microsoft.Extensions.Logging.Console.LoggerColorBehavior.Disabled);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(options.Address, options.Port);
            kestrel.Limits.MaxRequestBodySize = options.MaxRequestBytes;
            kestrel.AddServerHeader = false;
        });
        builder.Services.Configure<RouteHandlerOptions>(route => route.ThrowOnBadRequest = true);
        builder.Services.ConfigureHttpJsonOptions(json =>
        {
            // A misspelt member ("filtr") or a key sent twice is refused, not silently dropped or overwritten.
            json.SerializerOptions.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
            json.SerializerOptions.AllowDuplicateProperties = false;
        });
        builder.Services.AddOpenApi(openApi => openApi.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "LodeDb";
            document.Info.Description = $"Local HTTP API of the LodeDb database at {target.Path}.";
            return Task.CompletedTask;
        }));

        WebApplication app = builder.Build();
        app.Use(async (context, next) =>
        {
            try
            {
                if (!Authorized(context, options.Token))
                {
                    context.Response.Headers.WWWAuthenticate = "Bearer";
                    await Write(context, StatusCodes.Status401Unauthorized, "missing or wrong bearer token (Authorization: Bearer <token>).");
                    return;
                }

                await next(context);
                if (!context.Response.HasStarted && context.Response.StatusCode >= 400)
                {
                    // A status set by the framework without a body (a body over the limit, a bad form).
                    await Write(context, context.Response.StatusCode, context.Response.StatusCode switch
                    {
                        StatusCodes.Status413PayloadTooLarge => "request body too large for this server (--max-request-mb).",
                        StatusCodes.Status404NotFound => $"no route {context.Request.Method} {context.Request.Path} (see /openapi.json).",
                        StatusCodes.Status405MethodNotAllowed => $"{context.Request.Method} is not allowed on {context.Request.Path} (see /openapi.json).",
                        int status => $"the request failed with status {status}.",
                    });
                }
            }
            catch (Exception e) when (!context.Response.HasStarted)
            {
                (int status, string message) = HttpErrors.Describe(e);
                await Write(context, status, message);
            }
        });
        app.MapOpenApi("/openapi.json");
        HttpEndpoints.Map(app, target, options);
        return app;
    }

    private static bool Authorized(HttpContext context, string? token)
    {
        if (token is null || context.Request.Path == "/health")
        {
            return true;
        }

        string header = context.Request.Headers.Authorization.ToString();
        const string Scheme = "Bearer ";
        if (!header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        // Constant time: the comparison does not tell how much of a guess was right.
        byte[] given = Encoding.UTF8.GetBytes(header[Scheme.Length..].Trim());
        byte[] expected = Encoding.UTF8.GetBytes(token);
        return CryptographicOperations.FixedTimeEquals(SHA256.HashData(given), SHA256.HashData(expected));
    }

    private static Task Write(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(HttpAnswers.Error(message));
    }
}
