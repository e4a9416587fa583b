// LodeDb build: `dotnet tool restore && dotnet cake --target=<T>` (Cake 7, cake.tool in .config/).
//
// Targets
//   Native       configure + build native/ (library, CTest suite, bench) into artifacts/native/linux-x64
//   NativeTest   CTest of that build (--output-on-failure)
//   Sanitize     ASan+UBSan build into artifacts/native/linux-x64-asan, CTest without label "slow"
//   Fuzz         clang libFuzzer build (ASan+UBSan) into artifacts/native/linux-x64-fuzz, 15 s per
//                fuzz target (CTest label "fuzz")
//   CrossNative  linux-arm64 (aarch64 toolchain, CTest label "parity" under qemu-aarch64) and
//                win-x64 (MinGW toolchain, library only) into artifacts/native/<rid>
//   Build        dotnet build LodeDb.Native.sln -c Release (native already built: LodeDbSkipNativeBuild)
//   Pack         NuGet packages into artifacts/packages: LodeDb.Native + LodeDb.Native.runtime.<rid>
//   Test         all of the above + NUnit; prints `tests: N passed, N failed` (CTest + NUnit)
//   Default      Test
//   Bindings     checks Generated/NativeMethods.g.cs against lodedb.h with the libclang generator
//                (needs python3-clang; the NUnit drift test checks the same without Python)
//   FuzzManaged  a long run of the C# decoder fuzz tests (tests/LodeDb.Tests/Fuzz: WAL records,
//                rows file, metadata codec, filter JSON, root pointer, sidecar, collection.json),
//                --fuzz-seconds per test (default 60); the Test target runs them briefly
//
// Arguments
//   --cross=false          skip CrossNative (and the arm64/win-x64 runtime packages)
//   --sanitize=false       skip Sanitize
//   --fuzz=false           skip Fuzz
//   --rids=linux-x64,...   runtime packages to pack (default: linux-x64, plus linux-arm64 and
//                          win-x64 when cross is on). osx-* can only be built on macOS: asking for
//                          them here fails with the missing library's path.
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

var requestedRids = Argument("rids", cross ? "linux-x64,linux-arm64,win-x64" : "linux-x64")
    .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

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
void CTest(string suite, string buildDir, string labelArguments)
{
    System.IO.Directory.CreateDirectory(testResults);
    string junit = $"{testResults}/{suite}.junit.xml";
    if (System.IO.File.Exists(junit))
    {
        System.IO.File.Delete(junit);
    }
    int exitCode = Run("ctest",
        $"--test-dir \"{buildDir}\" --output-on-failure --timeout 600 --parallel {jobs} --output-junit \"{junit}\" {labelArguments}",
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

Task("CrossNative")
    .WithCriteria(() => cross, "--cross=false")
    .Does(() =>
{
    // linux-arm64: the NEON kernels must match the scalar reference; run under qemu-aarch64.
    string arm64Toolchain = $"{root}/cmake/toolchains/aarch64-linux-gnu.cmake";
    RequireFile(arm64Toolchain, "the aarch64 toolchain file");
    Require("aarch64-linux-gnu-gcc", "gcc-aarch64-linux-gnu", "linux-arm64 cross compiler");
    Require("qemu-aarch64", "qemu-user", "runs the arm64 tests");
    string arm64 = NativeDir("linux-arm64");
    CMakeConfigure(arm64, $"-DCMAKE_TOOLCHAIN_FILE=\"{arm64Toolchain}\" -DLODEDB_BUILD_TESTS=ON -DLODEDB_BUILD_BENCH=OFF");
    CMakeBuild(arm64);
    CTest("ctest-linux-arm64-qemu", arm64, "-L parity");

    // win-x64: link the DLL (no tests: nothing runs Windows binaries here).
    string mingwToolchain = $"{root}/cmake/toolchains/x86_64-w64-mingw32.cmake";
    RequireFile(mingwToolchain, "the MinGW toolchain file");
    Require("x86_64-w64-mingw32-gcc", "gcc-mingw-w64-x86-64", "win-x64 cross compiler");
    string win = NativeDir("win-x64");
    CMakeConfigure(win, $"-DCMAKE_TOOLCHAIN_FILE=\"{mingwToolchain}\" -DLODEDB_BUILD_TESTS=OFF -DLODEDB_BUILD_BENCH=OFF");
    CMakeBuild(win, "lodedb");
    RequireFile($"{win}/liblodedb.dll", "the win-x64 build output");
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
    string output = $"{artifacts}/packages";
    var msbuild = new DotNetMSBuildSettings().WithProperty("LodeDbSkipNativeBuild", "true");
    DotNetPack($"{root}/bindings/LodeDb.Native/LodeDb.Native.csproj", new DotNetPackSettings
    {
        Configuration = configuration,
        NoBuild = true,
        OutputDirectory = output,
        MSBuildSettings = msbuild,
    });
    foreach (string rid in requestedRids)
    {
        string project = $"{root}/bindings/runtime-packages/LodeDb.Native.runtime.{rid}/LodeDb.Native.runtime.{rid}.csproj";
        RequireFile(project, $"the runtime package project for {rid}");
        // The project's own Error task names the missing library when its RID was not built.
        DotNetPack(project, new DotNetPackSettings
        {
            Configuration = configuration,
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
        EnvironmentVariables = new Dictionary<string, string> { ["LODEDB_REQUIRE_PACKAGE_TEST"] = "1" },
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
