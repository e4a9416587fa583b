namespace LodeDb;

/// <summary>Base class of the database layer's errors.</summary>
public class LodeDatabaseException : Exception
{
    /// <summary>Creates the exception with its message.</summary>
    public LodeDatabaseException(string message, Exception? inner = null) : base(message, inner)
    {
    }
}
