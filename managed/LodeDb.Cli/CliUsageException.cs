namespace LodeDb.Cli;

/// <summary>The command line asks for something that cannot be done as given; exit code <see cref="ExitCodes.Usage"/>.</summary>
internal sealed class CliUsageException(string message) : Exception(message);
