namespace LodeDb;

/// <summary>What a space of a <see cref="LodeCollection"/> embeds with.</summary>
public enum LodeSpaceKind
{
    /// <summary>Vectors computed by the caller (<see cref="LodeDbOptions.VectorDim"/>).</summary>
    Vector = 0,

    /// <summary>A preset text model (<see cref="LodeDbOptions.Model"/>).</summary>
    Preset = 1,

    /// <summary>A custom embedder (<see cref="LodeDbOptions.Embedder"/> + <see cref="LodeDbOptions.ModelName"/>).</summary>
    Custom = 2,
}
