using LodeDb.Native;

namespace LodeDb;

/// <summary>Base class of the database layer's errors. It derives from the binding's
/// <see cref="LodeDbException"/>, so one <c>catch (LodeDbException)</c> sees every LodeDb error.</summary>
public class LodeDatabaseException : LodeDbException
{
    /// <summary>Creates the exception with its message.</summary>
    public LodeDatabaseException(string message, Exception? inner = null) : base(message, inner)
    {
    }
}
