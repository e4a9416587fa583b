using System.Runtime.InteropServices;

namespace LodeDb.Cli.Bench;

/// <summary>What a benchmark ran on: CPU model, logical cores, OS; numbers mean little without it.</summary>
internal static class MachineDescription
{
    public static string CpuModel()
    {
        if (OperatingSystem.IsLinux())
        {
            try
            {
                foreach (string line in File.ReadLines("/proc/cpuinfo"))
                {
                    // x86 names it "model name"; many Arm kernels give only "CPU part" etc., hence the fallback.
                    if (line.StartsWith("model name", StringComparison.Ordinal) || line.StartsWith("Model", StringComparison.Ordinal))
                    {
                        int colon = line.IndexOf(':', StringComparison.Ordinal);
                        if (colon > 0)
                        {
                            return line[(colon + 1)..].Trim();
                        }
                    }
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
        }

        return $"unknown {RuntimeInformation.ProcessArchitecture} CPU";
    }

    public static string Os() => $"{RuntimeInformation.OSDescription} ({RuntimeInformation.ProcessArchitecture}), .NET {Environment.Version}";
}
