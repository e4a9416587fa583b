using System.Text.Json.Serialization;

namespace LodeDb;

/// <summary>
/// <c>collection.json</c>: the format version and one record per space, sorted by name. It is
/// only ever replaced whole (temp file + atomic rename) under the collection's lock.
/// </summary>
internal sealed class CollectionManifest
{
    public const int CurrentFormatVersion = 1;

    [JsonRequired]
    public int FormatVersion { get; set; } = CurrentFormatVersion;

    [JsonRequired]
    public List<SpaceRecord> Spaces { get; set; } = [];
}

/// <summary>One space as written in <c>collection.json</c> (the JSON shape of <see cref="LodeSpaceInfo"/>).</summary>
internal sealed class SpaceRecord
{
    [JsonRequired]
    public string Name { get; set; } = "";

    /// <summary>"vector", "preset" or "custom" (the index identity's kind).</summary>
    [JsonRequired]
    public string Kind { get; set; } = "";

    /// <summary>Preset name or custom ModelName; absent for a vector space.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Model { get; set; }

    [JsonRequired]
    public string Task { get; set; } = "";

    [JsonRequired]
    public int Dimension { get; set; }

    [JsonRequired]
    public int BitWidth { get; set; }

    [JsonRequired]
    public ulong Seed { get; set; }

    [JsonRequired]
    public bool StoreText { get; set; }

    [JsonRequired]
    public bool IndexText { get; set; }
}

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(CollectionManifest))]
internal sealed partial class CollectionManifestJsonContext : JsonSerializerContext;
