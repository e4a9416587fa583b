using System.Diagnostics;

namespace LodeDb.Tests;

/// <summary>Starts tests/LodeDb.CrashWriter (copied next to the test assembly by the ProjectReference).</summary>
internal static class ChildProcess
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
}
