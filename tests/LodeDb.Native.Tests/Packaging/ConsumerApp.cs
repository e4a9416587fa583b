using System.Diagnostics;

namespace LodeDb.Native.Tests.Packaging;

/// <summary>
/// A throwaway console app outside the repository that references only the given packages (by
/// default `LodeDb` alone), as a new user's `dotnet new console && dotnet add package LodeDb` would. Its nuget.config lists the
/// local feed (artifacts/packages) and the public NuGet source, nothing else; its own packages
/// folder keeps a stale cached LodeDb of the same version out, while the machine's global
/// packages folder serves as a read-only fallback for the public dependencies (no re-download).
/// </summary>
internal sealed class ConsumerApp : IDisposable
{
    /// <param name="version">The packed version.</param>
    /// <param name="program">Program.cs (default: <see cref="ConsumerPrograms.VectorOnly"/>).</param>
    /// <param name="packages">The packages referenced (default: LodeDb only).</param>
    /// <param name="properties">Extra MSBuild properties (e.g. PublishAot).</param>
    public ConsumerApp(string version, string? program = null, IReadOnlyList<string>? packages = null, string properties = "")
    {
        Root = Directory.CreateTempSubdirectory("lodedb-consumer-").FullName;
        Folder = Directory.CreateDirectory(Path.Combine(Root, "app")).FullName;
        PackagesFolder = Path.Combine(Root, "packages");
        DataFolder = Path.Combine(Root, "data");
        string fallback = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        // Empty props files stop MSBuild from walking up into any other Directory.*.props.
        File.WriteAllText(Path.Combine(Root, "Directory.Build.props"), "<Project />");
        File.WriteAllText(Path.Combine(Root, "Directory.Build.targets"), "<Project />");
        File.WriteAllText(Path.Combine(Root, "Directory.Packages.props"), "<Project />");
        File.WriteAllText(Path.Combine(Folder, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <config><add key="globalPackagesFolder" value="{PackagesFolder}" /></config>
              <fallbackPackageFolders><clear /><add key="machine" value="{fallback}" /></fallbackPackageFolders>
              <packageSources>
                <clear />
                <add key="lodedb-local" value="{PackedFeed.Folder}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
              </packageSources>
            </configuration>
            """);
        File.WriteAllText(Path.Combine(Folder, "Consumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
                {properties}
              </PropertyGroup>
              <ItemGroup>
                {string.Join(Environment.NewLine, (packages ?? ["LodeDb"]).Select(p => $"<PackageReference Include=\"{p}\" Version=\"{version}\" />"))}
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(Folder, "Program.cs"), program ?? ConsumerPrograms.VectorOnly);
    }

    /// <summary>The temporary folder holding the app, its packages and its data.</summary>
    public string Root { get; }

    /// <summary>The project folder (Consumer.csproj, Program.cs, nuget.config).</summary>
    public string Folder { get; }

    /// <summary>Where the program keeps its database (its first argument).</summary>
    public string DataFolder { get; }

    public string PackagesFolder { get; }

    /// <summary>Runs a command in the app folder with a clean .NET environment; returns exit code and all output.</summary>
    public (int ExitCode, string Output) Run(string fileName, params string[] arguments) =>
        Run(fileName, new Dictionary<string, string>(), arguments);

    public (int ExitCode, string Output) Run(string fileName, IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = Folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        start.Environment.Remove(NativeLibraryResolver.EnvironmentVariable);
        // Keep the test host's MSBuild settings (set by `dotnet test`) out of the child build.
        foreach (string key in new[] { "MSBuildExtensionsPath", "MSBUILD_EXE_PATH", "MSBuildSDKsPath", "MSBuildLoadMicrosoftTargetsReadOnly" })
        {
            start.Environment.Remove(key);
        }
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }
        using var process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, stdout.Result + stderr.Result);
    }

    /// <summary>The lines the program prints about the database (what every platform must agree on).</summary>
    public static IReadOnlyList<string> ResultLines(string output) =>
        output.Split('\n', StringSplitOptions.TrimEntries)
            .Where(line => line.StartsWith("count=", StringComparison.Ordinal) || line.StartsWith("filtered=", StringComparison.Ordinal) ||
                           line.StartsWith("readonly", StringComparison.Ordinal) || line.StartsWith("mismatch=", StringComparison.Ordinal))
            .ToList();

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A process of the app may still hold a file on a slow machine; the temp folder is the OS's to clean.
        }
    }
}
