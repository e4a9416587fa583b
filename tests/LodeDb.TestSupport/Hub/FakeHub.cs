using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace LodeDb.TestSupport;

/// <summary>How <see cref="FakeHub"/> serves one file.</summary>
public sealed class FakeFile(byte[] content, bool lfs)
{
    public byte[] Content { get; } = content;

    public bool Lfs { get; } = lfs;

    /// <summary>Answers a Range request with 200 and the whole file.</summary>
    public bool IgnoreRange { get; set; }

    /// <summary>Answers a Range request with 206 but for the whole file (Content-Range bytes 0-...).</summary>
    public bool WrongContentRange { get; set; }

    /// <summary>Sends the full Content-Length but closes the connection after this many body bytes.</summary>
    public int? TruncateAt { get; set; }

    /// <summary>How many responses are truncated (then it serves normally).</summary>
    public int TruncateTimes { get; set; } = int.MaxValue;

    /// <summary>Sends this many body bytes, then nothing until the hub stops.</summary>
    public int? StallAt { get; set; }

    /// <summary>Serves other bytes of the same length (one byte flipped).</summary>
    public bool Corrupt { get; set; }

    /// <summary>Answers this status instead of the file.</summary>
    public HttpStatusCode? Status { get; set; }

    public string Sha256 => Convert.ToHexStringLower(SHA256.HashData(Content));

    public string GitBlobSha1 => FakeHub.GitBlobSha1(Content);
}

/// <summary>One request the hub received.</summary>
public sealed record HubRequest(string Target, string? Range, string? UserAgent);

/// <summary>
/// A minimal HTTP/1.1 server on 127.0.0.1 (a free port) that plays the Hugging Face hub for one
/// repository: the tree API (optionally paginated with Link headers) and resolve URLs (LFS files
/// through a redirect, like the hub's CDN), with Range support and injectable faults. One request
/// per connection. It stops on dispose, and by itself after 30 s whatever happens.
/// </summary>
public sealed class FakeHub : IDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new(TimeSpan.FromSeconds(30));
    private readonly Task _acceptLoop;
    private int _truncations;
    private int _rangeRequests;

    public FakeHub(string repository, string revision)
    {
        Repository = repository;
        Revision = revision;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Endpoint = $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    public string Repository { get; }

    public string Revision { get; }

    public string Endpoint { get; }

    /// <summary>The repository's files by path ('/' separated).</summary>
    public Dictionary<string, FakeFile> Files { get; } = new(StringComparer.Ordinal);

    /// <summary>Entries per tree page (0: one page).</summary>
    public int TreePageSize { get; set; }

    /// <summary>Whether LFS files are served through a 302 to a CDN-like path (as the hub does).</summary>
    public bool RedirectLfs { get; set; } = true;

    public ConcurrentQueue<HubRequest> Requests { get; } = new();

    /// <summary>Body bytes sent per file path.</summary>
    public ConcurrentDictionary<string, long> BytesServed { get; } = new(StringComparer.Ordinal);

    public IEnumerable<HubRequest> FileRequests(string path) =>
        Requests.Where(r => r.Target.EndsWith("/" + path, StringComparison.Ordinal) && !r.Target.StartsWith("/api/", StringComparison.Ordinal));

    /// <summary>Requests for file content (redirects not counted) that carried a Range header.</summary>
    public int RangeRequests => _rangeRequests;

    /// <summary>Adds the committed text-bert fixture: onnx/model.onnx (LFS), vocab.txt, tokenizer_config.json, expected.json (git).</summary>
    public FakeHub WithTextBert()
    {
        Files["onnx/model.onnx"] = new FakeFile(File.ReadAllBytes(Path.Combine(RepositoryPaths.TextBert, "onnx", "model.onnx")), lfs: true);
        foreach (string name in new[] { "vocab.txt", "tokenizer_config.json", "expected.json" })
        {
            Files[name] = new FakeFile(File.ReadAllBytes(Path.Combine(RepositoryPaths.TextBert, name)), lfs: false);
        }

        Files["README.md"] = new FakeFile("# text-bert test repository\n"u8.ToArray(), lfs: false);
        return this;
    }

    public static string GitBlobSha1(byte[] content)
    {
        byte[] header = Encoding.ASCII.GetBytes($"blob {content.Length}\0");
#pragma warning disable CA5350 // git object ids
        return Convert.ToHexStringLower(SHA1.HashData([.. header, .. content]));
#pragma warning restore CA5350
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        try
        {
            _acceptLoop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        using CancellationTokenRegistration stopping = _stop.Token.Register(() => _listener.Stop());
        var connections = new List<Task>();
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException or InvalidOperationException)
            {
                break;
            }

            connections.Add(Task.Run(() => ServeAsync(client)));
        }

        await Task.WhenAll(connections).WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                NetworkStream stream = client.GetStream();
                (string target, Dictionary<string, string> headers) = await ReadRequestAsync(stream);
                headers.TryGetValue("range", out string? range);
                headers.TryGetValue("user-agent", out string? userAgent);
                Requests.Enqueue(new HubRequest(target, range, userAgent));
                await RespondAsync(stream, target, range);
                client.Client.Shutdown(SocketShutdown.Send);
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // The client went away (a cancelled or timed-out download): nothing to do.
            }
        }
    }

    private async Task<(string Target, Dictionary<string, string> Headers)> ReadRequestAsync(NetworkStream stream)
    {
        var bytes = new List<byte>();
        var one = new byte[1];
        while (bytes.Count < 16384)
        {
            if (await stream.ReadAsync(one, _stop.Token) == 0)
            {
                throw new IOException("connection closed before the request ended");
            }

            bytes.Add(one[0]);
            int n = bytes.Count;
            if (n >= 4 && bytes[n - 4] == '\r' && bytes[n - 3] == '\n' && bytes[n - 2] == '\r' && bytes[n - 1] == '\n')
            {
                break;
            }
        }

        string[] lines = Encoding.ASCII.GetString(bytes.ToArray()).Split("\r\n");
        string target = lines[0].Split(' ')[1];
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (string line in lines.Skip(1).Where(l => l.Contains(':', StringComparison.Ordinal)))
        {
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            headers[line[..colon].Trim().ToLowerInvariant()] = line[(colon + 1)..].Trim();
        }

        return (target, headers);
    }

    private async Task RespondAsync(NetworkStream stream, string target, string? range)
    {
        string path = target.Split('?')[0];
        string query = target.Contains('?', StringComparison.Ordinal) ? target[(target.IndexOf('?', StringComparison.Ordinal) + 1)..] : "";
        string treePrefix = $"/api/models/{Repository}/tree/{Revision}";
        string resolvePrefix = $"/{Repository}/resolve/{Revision}/";
        const string CdnPrefix = "/cdn-lfs/";

        if (path == treePrefix && query.Contains("recursive=true", StringComparison.Ordinal))
        {
            await WriteTreeAsync(stream, query);
        }
        else if (path.StartsWith(resolvePrefix, StringComparison.Ordinal) && Files.TryGetValue(Uri.UnescapeDataString(path[resolvePrefix.Length..]), out FakeFile? file))
        {
            string repoPath = Uri.UnescapeDataString(path[resolvePrefix.Length..]);
            if (file.Status is HttpStatusCode status)
            {
                await WriteAsync(stream, (int)status, [], Encoding.UTF8.GetBytes("Entry not found"));
            }
            else if (file.Lfs && RedirectLfs)
            {
                await WriteAsync(stream, 302, [("Location", $"{CdnPrefix}{file.Sha256}/{repoPath}")], []);
            }
            else
            {
                await WriteFileAsync(stream, repoPath, file, range);
            }
        }
        else if (path.StartsWith(CdnPrefix, StringComparison.Ordinal)
            && Files.FirstOrDefault(f => f.Value.Lfs && path.StartsWith($"{CdnPrefix}{f.Value.Sha256}/", StringComparison.Ordinal)) is { Value: not null } lfs)
        {
            await WriteFileAsync(stream, lfs.Key, lfs.Value, range);
        }
        else
        {
            await WriteAsync(stream, 404, [], Encoding.UTF8.GetBytes($"no route for {target}"));
        }
    }

    private async Task WriteTreeAsync(NetworkStream stream, string query)
    {
        var entries = new List<object> { new { type = "directory", oid = new string('d', 40), size = 0, path = "onnx" } };
        foreach ((string path, FakeFile file) in Files.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            entries.Add(file.Lfs
                ? new { type = "file", oid = GitBlobSha1(Encoding.ASCII.GetBytes($"pointer {file.Sha256}")), size = file.Content.Length, path, lfs = (object)new { oid = file.Sha256, size = file.Content.Length, pointerSize = 134 } }
                : new { type = "file", oid = file.GitBlobSha1, size = file.Content.Length, path, lfs = (object)null! });
        }

        int cursor = 0;
        foreach (string part in query.Split('&'))
        {
            if (part.StartsWith("cursor=", StringComparison.Ordinal))
            {
                cursor = int.Parse(part["cursor=".Length..], System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        int size = TreePageSize > 0 ? TreePageSize : entries.Count;
        List<object> page = entries.Skip(cursor).Take(size).ToList();
        var headers = new List<(string, string)>();
        if (cursor + size < entries.Count)
        {
            headers.Add(("Link", $"<{Endpoint}/api/models/{Repository}/tree/{Revision}?recursive=true&cursor={cursor + size}>; rel=\"next\""));
        }

        var options = new JsonSerializerOptions { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };
        await WriteAsync(stream, 200, [("Content-Type", "application/json"), .. headers], JsonSerializer.SerializeToUtf8Bytes(page, options));
    }

    private async Task WriteFileAsync(NetworkStream stream, string repoPath, FakeFile file, string? range)
    {
        if (range is not null)
        {
            Interlocked.Increment(ref _rangeRequests);
        }

        byte[] content = (byte[])file.Content.Clone();
        if (file.Corrupt)
        {
            content[content.Length / 2] ^= 0x5A;
        }

        int from = 0;
        int status = 200;
        var headers = new List<(string, string)>();
        if (range is not null && !file.IgnoreRange && range.StartsWith("bytes=", StringComparison.Ordinal) && range.EndsWith('-'))
        {
            int requested = int.Parse(range["bytes=".Length..^1], System.Globalization.CultureInfo.InvariantCulture);
            status = 206;
            from = file.WrongContentRange ? 0 : requested;
            headers.Add(("Content-Range", $"bytes {from}-{content.Length - 1}/{content.Length}"));
        }

        byte[] body = content[from..];
        int? cut = file.TruncateAt is int t && Interlocked.Increment(ref _truncations) <= file.TruncateTimes ? Math.Min(t, body.Length) : null;
        int? stall = file.StallAt is int s ? Math.Min(s, body.Length) : null;
        await WriteHeadAsync(stream, status, [("Content-Length", body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture)), .. headers]);
        int send = cut ?? stall ?? body.Length;
        // Two writes with a pause, so the client sees the body arrive in pieces.
        int first = send / 2;
        await stream.WriteAsync(body.AsMemory(0, first), _stop.Token);
        await stream.FlushAsync(_stop.Token);
        await Task.Delay(20, _stop.Token);
        await stream.WriteAsync(body.AsMemory(first, send - first), _stop.Token);
        await stream.FlushAsync(_stop.Token);
        BytesServed.AddOrUpdate(repoPath, send, (_, old) => old + send);
        if (stall is not null)
        {
            await Task.Delay(Timeout.Infinite, _stop.Token);
        }
    }

    private async Task WriteAsync(NetworkStream stream, int status, IEnumerable<(string Name, string Value)> headers, byte[] body)
    {
        await WriteHeadAsync(stream, status, [("Content-Length", body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture)), .. headers]);
        await stream.WriteAsync(body, _stop.Token);
        await stream.FlushAsync(_stop.Token);
    }

    private async Task WriteHeadAsync(NetworkStream stream, int status, IEnumerable<(string Name, string Value)> headers)
    {
        var head = new StringBuilder();
        head.Append(System.Globalization.CultureInfo.InvariantCulture, $"HTTP/1.1 {status} {ReasonPhrase(status)}\r\nConnection: close\r\n");
        foreach ((string name, string value) in headers)
        {
            head.Append(System.Globalization.CultureInfo.InvariantCulture, $"{name}: {value}\r\n");
        }

        head.Append("\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()), _stop.Token);
    }

    private static string ReasonPhrase(int status) => status switch
    {
        200 => "OK",
        206 => "Partial Content",
        302 => "Found",
        404 => "Not Found",
        416 => "Range Not Satisfiable",
        500 => "Internal Server Error",
        _ => "Status",
    };
}
