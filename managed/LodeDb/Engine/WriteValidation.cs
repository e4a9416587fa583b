namespace LodeDb;

/// <summary>The checks every write applies to its ids and captions, whatever embeds it.</summary>
internal static class WriteValidation
{
    public static string NewId() => Guid.NewGuid().ToString("N");

    /// <summary>Checks the id of item <paramref name="index"/> of a write: length, and well-formed UTF-16 (it is stored as UTF-8).</summary>
    public static string CheckId(string id, string argumentName, int index)
    {
        if (id.Length == 0)
        {
            throw new ArgumentException("An id must be a non-empty string (pass null to have one generated).", argumentName);
        }

        if (id.Length > LodeDatabase.MaxIdLength)
        {
            throw new ArgumentException($"An id is at most {LodeDatabase.MaxIdLength} characters; this one has {id.Length}.", argumentName);
        }

        return StringValidation.WellFormed(id, "id", index, argumentName);
    }

    /// <summary>The given id checked, or a new one when null.</summary>
    public static string IdOrNew(string? id, string argumentName, int index) => id is null ? NewId() : CheckId(id, argumentName, index);

    /// <summary>Validates an optional caption of a vector or image row: it needs stored text or a lexical index to mean anything.</summary>
    public static string? CheckCaption(StoreIdentity identity, string? text, int row, string argumentName)
    {
        if (text is null)
        {
            return null;
        }

        if (!identity.StoreText && !identity.IndexText)
        {
            throw new ArgumentException($"Caption {row} would be neither stored nor searchable: this index was created with StoreText = false and IndexText = false. Pass null, or create the index with StoreText or IndexText.", argumentName);
        }

        return StringValidation.WellFormed(text, "caption", row, argumentName);
    }
}
