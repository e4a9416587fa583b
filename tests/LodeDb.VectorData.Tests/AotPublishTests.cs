using System.Diagnostics;
using System.Text.RegularExpressions;

namespace LodeDb.VectorData.Tests;

/// <summary>
/// Publishes tests/LodeDb.VectorData.AotApp (an MEVD dynamic collection on LodeDb) with NativeAOT
/// and runs the native executable: no trim or AOT warning may come from a LodeDb assembly
/// (LodeDb.VectorData, LodeDb, LodeDb.Native, LodeDb.Embeddings.Onnx), and the app's checks must pass.
/// </summary>
[NonParallelizable]
public sealed partial class AotPublishTests
{
    [GeneratedRegex(@"warning (IL\d{4}): (.*?) \[")]
    private static partial Regex TrimWarning();

    [Test]
    [CancelAfter(20 * 60 * 1000)]
    public void The_provider_publishes_with_NativeAOT_without_trim_or_AOT_warnings_and_runs()
    {
        string repo = RepositoryPaths.Root;
        string project = Path.Combine(repo, "tests", "LodeDb.VectorData.AotApp", "LodeDb.VectorData.AotApp.csproj");
        using var output = new TestFolder();
        var (exit, log) = Run("dotnet", $"publish \"{project}\" -c Release -r linux-x64 -o \"{output.Path}\" -p:LodeDbSkipNativeBuild=true -nodeReuse:false", repo);
        Assert.That(exit, Is.EqualTo(0), $"dotnet publish failed:\n{Tail(log)}");

        var warnings = TrimWarning().Matches(log).Select(m => $"{m.Groups[1].Value}: {m.Groups[2].Value}").Distinct().ToList();
        TestContext.Out.WriteLine($"trim/AOT warnings in the publish: {warnings.Count}");
        foreach (string warning in warnings)
        {
            TestContext.Out.WriteLine("  " + warning);
        }

        Assert.That(warnings.Where(w => w.Contains("LodeDb", StringComparison.Ordinal)), Is.Empty, "trim/AOT warnings from LodeDb assemblies");

        string executable = Path.Combine(output.Path, "LodeDb.VectorData.AotApp");
        Assert.That(File.Exists(executable), Is.True, "the native executable");
        Assert.That(File.Exists(Path.Combine(output.Path, "LodeDb.VectorData.AotApp.dll")), Is.False, "a native image, not IL");
        var (runExit, runLog) = Run(executable, "", output.Path);
        TestContext.Out.WriteLine(runLog);
        Assert.That(runExit, Is.EqualTo(0), runLog);
        Assert.That(runLog, Does.Contain("aot: all checks passed"));
    }

    private static (int Exit, string Log) Run(string file, string arguments, string workingDirectory)
    {
        var info = new ProcessStartInfo(file, arguments)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using Process process = Process.Start(info)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, stdout.Result + stderr.Result);
    }

    private static string Tail(string log) => log.Length <= 6000 ? log : log[^6000..];
}
