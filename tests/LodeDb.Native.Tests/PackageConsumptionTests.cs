using System.Diagnostics;
using System.Text.RegularExpressions;

namespace LodeDb.Native.Tests;

/// <summary>
/// Consumes the packed LodeDb.Native + LodeDb.Native.runtime.linux-x64 packages from
/// artifacts/packages (the Cake target Pack makes them; Test runs Pack first) in a throwaway
/// console project outside the repository, with its own nuget.config (only the local feed) and
/// its own packages folder (so a stale cached package of the same version cannot stand in), and
/// runs it: it must load liblodedb from the package, create an index, add and search.
/// </summary>
[Category("Packaging")]
public sealed partial class PackageConsumptionTests
{
    private const string Program = """
        using LodeDb.Native;

        const int dim = 16;
        var random = new Random(1);
        var vectors = new float[100 * dim];
        for (int i = 0; i < vectors.Length; i++) vectors[i] = (float)(random.NextDouble() - 0.5);
        using var index = NativeIndex.Create(dim, 4, seed: 42);
        ulong first = index.Add(vectors);
        var hits = index.Search(vectors.AsSpan(7 * dim, dim), k: 3)[0];
        Console.WriteLine($"abi={NativeLibraryInfo.AbiVersion} version={NativeLibraryInfo.Version} simd={NativeLibraryInfo.SimdLevel}");
        Console.WriteLine($"library={NativeLibraryInfo.LibraryPath}");
        Console.WriteLine($"first={first} live={index.LiveCount} top={hits[0].Slot} hits={hits.Length}");
        """;

    [Test]
    [CancelAfter(180_000)]
    public void PackedLinuxX64PackageRunsInAFreshConsoleApp()
    {
        if (NativeLibraryResolver.RuntimeIdentifier != "linux-x64")
        {
            Assert.Ignore("the packed runtime package here is linux-x64");
        }
        string? version = FindPackedVersion();
        if (version is null || !File.Exists(Path.Combine(RepositoryPaths.Packages, $"LodeDb.Native.runtime.linux-x64.{version}.nupkg")))
        {
            string missing = $"no LodeDb.Native + runtime.linux-x64 packages in {RepositoryPaths.Packages}: run `dotnet cake --target=Pack` (the Test target does)";
            // The Test target packs first and sets this, so there the check can never be skipped.
            if (Environment.GetEnvironmentVariable("LODEDB_REQUIRE_PACKAGE_TEST") == "1")
            {
                Assert.Fail(missing);
            }
            Assert.Ignore(missing);
        }

        string work = Directory.CreateTempSubdirectory("lodedb-package-test-").FullName;
        try
        {
            string packagesFolder = Path.Combine(work, "packages");
            // Empty props files stop MSBuild from walking up into any other Directory.*.props.
            File.WriteAllText(Path.Combine(work, "Directory.Build.props"), "<Project />");
            File.WriteAllText(Path.Combine(work, "Directory.Build.targets"), "<Project />");
            File.WriteAllText(Path.Combine(work, "Directory.Packages.props"), "<Project />");
            File.WriteAllText(Path.Combine(work, "nuget.config"), $"""
                <?xml version="1.0" encoding="utf-8"?>
                <configuration>
                  <config><add key="globalPackagesFolder" value="{packagesFolder}" /></config>
                  <packageSources>
                    <clear />
                    <add key="lodedb-local" value="{RepositoryPaths.Packages}" />
                  </packageSources>
                </configuration>
                """);
            File.WriteAllText(Path.Combine(work, "Consumer.csproj"), $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>
                    <OutputType>Exe</OutputType>
                    <TargetFramework>net10.0</TargetFramework>
                    <ImplicitUsings>enable</ImplicitUsings>
                    <Nullable>enable</Nullable>
                  </PropertyGroup>
                  <ItemGroup>
                    <PackageReference Include="LodeDb.Native" Version="{version}" />
                    <PackageReference Include="LodeDb.Native.runtime.linux-x64" Version="{version}" />
                  </ItemGroup>
                </Project>
                """);
            File.WriteAllText(Path.Combine(work, "Program.cs"), Program);

            var (exitCode, output) = Run(work, "run", "--configuration", "Release");
            TestContext.Out.WriteLine(output);
            Assert.That(exitCode, Is.Zero, output);
            Assert.That(output, Does.Contain("abi=1 version="));
            Assert.That(output, Does.Contain("first=0 live=100 top=7 hits=3"));
            // Loaded from the restored runtime package, not from the repository's CMake build.
            string library = LibraryLine().Match(output).Groups[1].Value.Trim();
            Assert.That(library, Does.StartWith(packagesFolder).Or.StartWith(Path.Combine(work, "bin")), output);
            Assert.That(library, Does.EndWith(Path.Combine("runtimes", "linux-x64", "native", "liblodedb.so")).Or.EndWith("/liblodedb.so"));
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static string? FindPackedVersion()
    {
        if (!Directory.Exists(RepositoryPaths.Packages))
        {
            return null;
        }
        return Directory.EnumerateFiles(RepositoryPaths.Packages, "LodeDb.Native.*.nupkg")
            .Select(path => PackageVersion().Match(Path.GetFileName(path)))
            .Where(m => m.Success)
            .OrderByDescending(m => File.GetLastWriteTimeUtc(Path.Combine(RepositoryPaths.Packages, m.Value)))
            .Select(m => m.Groups[1].Value)
            .FirstOrDefault();
    }

    private static (int ExitCode, string Output) Run(string workingDirectory, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
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
        using var process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, stdout.Result + stderr.Result);
    }

    [GeneratedRegex(@"^LodeDb\.Native\.(\d+\.\d+\.\d+[^/]*)\.nupkg$")]
    private static partial Regex PackageVersion();

    [GeneratedRegex(@"library=(.*)")]
    private static partial Regex LibraryLine();
}
