namespace LodeDb;

/// <summary>Progress of <see cref="LodeDatabase.AddImages"/>, reported after each embedded batch.</summary>
/// <param name="Embedded">Images embedded so far (none is stored before the final commit).</param>
/// <param name="Total">Images in the call.</param>
public readonly record struct ImageIngestProgress(int Embedded, int Total);
