namespace LodeDb;

/// <summary>A filter that cannot be built or parsed; the message names the offending part.</summary>
public sealed class InvalidFilterException : ArgumentException
{
    /// <summary>Creates the exception.</summary>
    public InvalidFilterException(string message, Exception? inner = null) : base(message, "filter", inner)
    {
    }
}
