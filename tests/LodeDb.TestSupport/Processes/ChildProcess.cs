using System.Collections.Concurrent;
using System.Diagnostics;

namespace LodeDb.TestSupport;

/// <summary>Starts tests/LodeDb.CrashWriter (copied next to the test assembly by the ProjectReference).</summary>
public static class ChildProcess
{
    public static Process Start(params string[] args)
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "LodeDb.CrashWriter.dll");
        var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(dll);
        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        // The child must not inherit test-only environment defaults.
        info.Environment.Remove("LODEDB_PERSIST_LOCK_TIMEOUT");
        info.Environment.Remove("LODEDB_COMMIT_MODE");
        info.Environment.Remove("LODEDB_DURABILITY");
        return Process.Start(info) ?? throw new InvalidOperationException("could not start the crash writer");
    }

    public static string Run(TimeSpan timeout, params string[] args)
    {
        using Process process = Start(args);
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> errors = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill();
            Assert.Fail($"the child {string.Join(' ', args)} did not finish in {timeout}");
        }

        Assert.That(process.ExitCode, Is.EqualTo(0), errors.Result);
        return output.Result.Trim();
    }

    /// <summary>
    /// Starts the crash writer with <paramref name="args"/> (a "write ..." run), waits for its "ready",
    /// then, when <paramref name="afterFirstWrite"/> is set, for its first acknowledged write (30 s at
    /// most), lets it write <paramref name="delayMs"/> more and SIGKILLs it. Returns the lines it
    /// printed after "ready": one per acknowledged operation, in order.
    /// </summary>
    public static List<string> KillWriter(int delayMs, bool afterFirstWrite, params string[] args)
    {
        using Process process = Start(args);
        var lines = new ConcurrentQueue<string>();
        using var ready = new ManualResetEventSlim();
        using var acknowledged = new ManualResetEventSlim();
        Task reader = Task.Run(() =>
        {
            while (process.StandardOutput.ReadLine() is string line)
            {
                lines.Enqueue(line);
                if (line == "ready")
                {
                    ready.Set();
                }
                else if (line.EndsWith(" .", StringComparison.Ordinal))
                {
                    acknowledged.Set();
                }
            }

            acknowledged.Set(); // the writer exited: nothing more will come
        });
        Task<string> errors = process.StandardError.ReadToEndAsync();
        if (!ready.Wait(TimeSpan.FromSeconds(60)))
        {
            process.Kill();
            Assert.Fail($"the writer never opened the store (a previous kill may have left it unopenable): {errors.Result}");
        }

        if (afterFirstWrite)
        {
            // A slow start (JIT on a busy machine) must still leave acknowledged work behind the kill.
            acknowledged.Wait(TimeSpan.FromSeconds(30));
        }

        // Not a wait for a condition: the random time the writer runs before the kill (the crash point).
        Thread.Sleep(delayMs);
        process.Kill(); // SIGKILL on Unix: no finally blocks, no Dispose, no flush, no checkpoint.
        process.WaitForExit();
        reader.Wait();
        Assert.That(errors.Result, Is.Empty.Or.Contains("Killed"), "the writer failed before the kill");
        return lines.Where(l => l != "ready").ToList();
    }

    /// <summary>
    /// Starts the crash writer with <paramref name="args"/>, reads its lines until it has acknowledged
    /// <paramref name="acknowledgements"/> operations (120 s at most), SIGKILLs it and returns every
    /// line it printed but "ready", including those printed between the count and the kill.
    /// </summary>
    public static List<string> KillAfterAcknowledgements(int acknowledgements, params string[] args)
    {
        using Process child = Start(args);
        var lines = new List<string>();
        Task<string> errors = child.StandardError.ReadToEndAsync();
        var deadline = Stopwatch.StartNew();
        while (lines.Count(l => l.EndsWith(" .", StringComparison.Ordinal)) < acknowledgements)
        {
            string? line = child.StandardOutput.ReadLine();
            if (line is null)
            {
                Assert.Fail($"the {args[0]} writer exited early: {errors.Result}");
            }

            if (line != "ready")
            {
                lines.Add(line!);
            }

            Assert.That(deadline.Elapsed, Is.LessThan(TimeSpan.FromSeconds(120)), $"the {args[0]} writer made no progress");
        }

        child.Kill(); // SIGKILL on Unix: no Dispose, no checkpoint
        child.WaitForExit();
        // What it printed between the count and the kill was acknowledged as well.
        lines.AddRange(child.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        return lines;
    }
}
