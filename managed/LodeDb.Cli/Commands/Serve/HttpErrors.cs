using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace LodeDb.Cli.Commands.Serve;

/// <summary>The status code and one-line message of an exception thrown while answering a request.</summary>
internal static class HttpErrors
{
    public static (int Status, string Message) Describe(Exception e) => e switch
    {
        BadHttpRequestException bad when bad.StatusCode == StatusCodes.Status413PayloadTooLarge =>
            (bad.StatusCode, "request body too large for this server (--max-request-mb)."),
        BadHttpRequestException bad => (bad.StatusCode, OneLine(bad.InnerException is JsonException json ? $"invalid JSON: {json.Message}" : bad.Message)),
        ReadOnlyException or ReadOnlyRefusedException => (StatusCodes.Status403Forbidden, OneLine(e.Message)),
        LodeDb.Images.InvalidImageException => (StatusCodes.Status400BadRequest, OneLine(e.Message)),
        _ => CliApp.Describe(e) switch
        {
            (ExitCodes.Usage, string message) => (StatusCodes.Status400BadRequest, OneLine(message)),
            (ExitCodes.NotFound, string message) => (StatusCodes.Status404NotFound, OneLine(message)),
            (_, string message) when e is ArgumentException or FormatException or JsonException => (StatusCodes.Status400BadRequest, OneLine(message)),
            (_, string message) => (StatusCodes.Status500InternalServerError, OneLine(message)),
        },
    };

    private static string OneLine(string message) => message.ReplaceLineEndings(" ");
}

/// <summary>A write sent to a server started with <c>--read-only</c>.</summary>
internal sealed class ReadOnlyRefusedException(string message) : Exception(message);
