namespace LodeDb;

/// <summary>
/// The database folder was created with a different identity (dimension, bit width, seed, kind,
/// model...) than the options ask for. Nothing is ever scored against a different identity.
/// </summary>
public sealed class IdentityMismatchException : LodeDatabaseException
{
    /// <summary>Creates the exception for one mismatching field.</summary>
    public IdentityMismatchException(string path, string field, string stored, string requested)
        : base($"The database at '{path}' was created with {field} = {stored}, but the options ask for {field} = {requested}. " +
               $"Open it without setting {field} (the recorded identity is used), or use another folder for the new identity.")
    {
        Field = field;
        StoredValue = stored;
        RequestedValue = requested;
    }

    /// <summary>The identity field that differs (e.g. "VectorDim").</summary>
    public string Field { get; }

    /// <summary>The value recorded in the database.</summary>
    public string StoredValue { get; }

    /// <summary>The value the options asked for.</summary>
    public string RequestedValue { get; }
}
