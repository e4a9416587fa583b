using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace LodeDb.Embeddings.Onnx;

/// <summary>
/// The HTTP side of a pull: requests to the hub with a timeout each, the error messages that say
/// what to check, the repository listing (the tree API, paged) and the address of each file.
/// </summary>
internal sealed class HubClient : IDisposable
{
    private readonly HttpClient _http;

    public HubClient(HttpMessageHandler handler, bool disposeHandler, Uri endpoint, TimeSpan timeout, string? userAgent)
    {
        Base = endpoint.AbsoluteUri.TrimEnd('/');
        Timeout = timeout;
        _http = new HttpClient(handler, disposeHandler) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
        userAgent = string.IsNullOrWhiteSpace(userAgent)
            ? $"LodeDb/{typeof(ModelDownloader).Assembly.GetName().Version?.ToString(3) ?? "0"} (model pull)"
            : userAgent;
        if (!_http.DefaultRequestHeaders.UserAgent.TryParseAdd(userAgent))
        {
            _http.DefaultRequestHeaders.TryAddWithoutValidation("User-Agent", userAgent);
        }
    }

    /// <summary>The endpoint without a trailing '/'.</summary>
    public string Base { get; }

    /// <summary>How long a request, or a read of the body, may wait for data.</summary>
    public TimeSpan Timeout { get; }

    public string TimeoutText => Timeout.TotalSeconds.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture);

    public void Dispose() => _http.Dispose();

    public async Task<IReadOnlyDictionary<string, HubFileEntry>> ReadTreeAsync(ModelPreset preset, CancellationToken cancellationToken)
    {
        var entries = new Dictionary<string, HubFileEntry>(StringComparer.Ordinal);
        Uri? page = new($"{Base}/api/models/{EscapePath(preset.Repository)}/tree/{Uri.EscapeDataString(preset.Revision)}?recursive=true");
        for (int pages = 0; page is not null; pages++)
        {
            if (pages == 1000)
            {
                throw new ModelDownloadException($"The listing of {preset.Repository} at {preset.Revision} did not end after 1000 pages ({page}).", preset.Repository, null);
            }

            using HttpResponseMessage response = await SendAsync(page, null, preset, null, null, cancellationToken).ConfigureAwait(false);
            EnsureSuccess(response, preset, null, page, null);
            string json;
            using (var stall = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                stall.CancelAfter(Timeout);
                try
                {
                    json = await response.Content.ReadAsStringAsync(stall.Token).ConfigureAwait(false);
                }
                catch (Exception e) when (e is IOException or HttpRequestException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
                {
                    throw new ModelDownloadException($"The listing of {preset.Repository} at {preset.Revision} could not be read from {page}: {e.Message}. Run the pull again.", preset.Repository, null, e);
                }
            }

            try
            {
                foreach (HubFileEntry entry in HubTree.ParsePage(json))
                {
                    entries[entry.Path] = entry;
                }
            }
            catch (Exception e) when (e is JsonException or FormatException)
            {
                throw new ModelDownloadException($"{page} did not return a repository listing of the hub's tree API ({e.Message}). Check the endpoint ({ModelDownloader.EndpointVariable}, now {Base}).", preset.Repository, null, e);
            }

            page = HubTree.NextPage(response.Headers, page);
        }

        return entries;
    }

    public Uri FileUri(ModelPreset preset, string file) =>
        new($"{Base}/{EscapePath(preset.Repository)}/resolve/{Uri.EscapeDataString(preset.Revision)}/{EscapePath(file)}");

    private static string EscapePath(string path) => string.Join('/', path.Split('/').Select(Uri.EscapeDataString));

    public async Task<HttpResponseMessage> SendAsync(Uri url, long? rangeFrom, ModelPreset preset, string? file, string? partialPath, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (rangeFrom is long from)
        {
            request.Headers.Range = new RangeHeaderValue(from, null);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            return await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ModelDownloadException($"{url} did not answer within {TimeoutText} s.{KeptPartial(partialPath)} Check the network or the endpoint ({ModelDownloader.EndpointVariable}) and run the pull again.", preset.Repository, file, e);
        }
        catch (HttpRequestException e)
        {
            throw new ModelDownloadException($"Could not reach {url}: {e.Message}.{KeptPartial(partialPath)} Check the network, a proxy, or the endpoint ({ModelDownloader.EndpointVariable}, now {Base}) and run the pull again.", preset.Repository, file, e);
        }
    }

    private static string KeptPartial(string? partialPath) =>
        partialPath is not null && File.Exists(partialPath) ? $" The bytes received so far are kept in '{partialPath}' for the next pull." : "";

    public void EnsureSuccess(HttpResponseMessage response, ModelPreset preset, string? file, Uri url, string? partialPath)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        int code = (int)response.StatusCode;
        string hint = response.StatusCode switch
        {
            HttpStatusCode.NotFound => $"Check that the repository {preset.Repository} and revision {preset.Revision} exist at {Base} ({ModelDownloader.EndpointVariable}).",
            HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => $"The repository may be private or gated; LodeDb sends no token. Download the files yourself into the model folder, or use a mirror ({ModelDownloader.EndpointVariable}).",
            HttpStatusCode.TooManyRequests => "The hub is rate limiting; wait a little and run the pull again.",
            _ when code >= 500 => "The server failed; run the pull again later.",
            _ => $"Check the endpoint ({ModelDownloader.EndpointVariable}, now {Base}).",
        };
        string? reason = response.ReasonPhrase;
        response.Dispose();
        throw new ModelDownloadException($"{url} answered {code} {reason}{(file is null ? " to the repository listing" : $" for '{file}'")}.{KeptPartial(partialPath)} {hint}", preset.Repository, file);
    }

    public static SocketsHttpHandler CreateDefaultHandler(TimeSpan timeout) => new()
    {
        AllowAutoRedirect = true,
        MaxAutomaticRedirections = 10,
        AutomaticDecompression = DecompressionMethods.None,
        ConnectTimeout = timeout > TimeSpan.Zero ? timeout : System.Threading.Timeout.InfiniteTimeSpan,
        UseProxy = true,
    };
}
