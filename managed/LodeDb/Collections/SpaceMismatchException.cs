namespace LodeDb;

/// <summary>
/// <see cref="LodeCollection.Space"/> was asked for an identity (kind, model, dimension, bit width,
/// seed, StoreText, IndexText) other than the one the collection recorded for that space.
/// </summary>
public sealed class SpaceMismatchException : LodeDatabaseException
{
    /// <summary>Creates the exception for one mismatching field of <paramref name="space"/>.</summary>
    public SpaceMismatchException(string collection, string space, string field, string recorded, string requested)
        : base($"Space '{space}' of the collection at '{collection}' was created with {field} = {recorded}, but the options ask for {field} = {requested}. " +
               $"Open it without setting {field} (the recorded value is used), or create another space for the new identity.")
    {
        Space = space;
        Field = field;
        RecordedValue = recorded;
        RequestedValue = requested;
    }

    /// <summary>The space's name.</summary>
    public string Space { get; }

    /// <summary>The option that differs (e.g. "VectorDim").</summary>
    public string Field { get; }

    /// <summary>The value recorded in <c>collection.json</c>.</summary>
    public string RecordedValue { get; }

    /// <summary>The value the options asked for.</summary>
    public string RequestedValue { get; }
}
