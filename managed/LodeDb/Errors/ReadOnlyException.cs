namespace LodeDb;

/// <summary>A mutating call on a handle opened read-only.</summary>
public sealed class ReadOnlyException : LodeDatabaseException
{
    /// <summary>Creates the exception naming the refused operation.</summary>
    public ReadOnlyException(string operation)
        : base($"{operation} is not allowed: this handle was opened read-only. Open the database with LodeDatabase.Open (ReadOnly = false) to write.")
    {
    }

    /// <summary>A refusal whose message names the operation and how to open the object writable.</summary>
    internal ReadOnlyException(string operation, string remedy)
        : base($"{operation} is not allowed: this handle was opened read-only. {remedy}")
    {
    }
}
