namespace LodeDb.Cli;

/// <summary>A database (or model) the command needs does not exist; exit code <see cref="ExitCodes.NotFound"/>.</summary>
internal sealed class CliNotFoundException(string message) : Exception(message);
