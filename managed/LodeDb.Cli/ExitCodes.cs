namespace LodeDb.Cli;

/// <summary>The exit codes of <c>lodedb</c> (also printed at the end of <c>lodedb --help</c>).</summary>
public static class ExitCodes
{
    /// <summary>Success (for <c>doctor</c>: the installation is healthy).</summary>
    public const int Ok = 0;

    /// <summary>A failure at run time: an I/O error, a corrupt or mismatched database, a failed download, an unhealthy doctor report.</summary>
    public const int Failure = 1;

    /// <summary>A usage error: unknown command or option, a missing or invalid argument, an invalid filter, a value the database refuses (its <see cref="ArgumentException"/>).</summary>
    public const int Usage = 2;

    /// <summary>The database or a model was not found (for <c>doctor</c>: a preset given with <c>--require</c> is missing).</summary>
    public const int NotFound = 3;
}
