using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Runtime.CompilerServices;
using LodeDb.Images;

namespace LodeDb.Presets;

/// <summary>
/// The preset providers this process knows. LodeDb.Embeddings.Onnx registers itself when its
/// assembly initialises; the first lookup also loads that assembly by name if the app ships it
/// (the way Microsoft.Data.Sqlite finds its bundle), so <c>Model = "minilm"</c> works with the
/// package referenced and no startup call. Without a provider, presets and images fail with a
/// message naming the package to add.
/// </summary>
public static class ModelPresetRegistry
{
    /// <summary>The package that provides the built-in presets (minilm, bge, clip) and image decoding.</summary>
    public const string DefaultProviderPackage = "LodeDb.Embeddings.Onnx";

    /// <summary>The preset names LodeDb documents; named in errors even when no provider is present.</summary>
    public static IReadOnlyList<string> BuiltInNames { get; } = ["minilm", "bge", "clip"];

    private static readonly Lock Gate = new();
    private static IModelPresetProvider[] _providers = [];
    private static bool _probed;

    /// <summary>Adds <paramref name="provider"/> (once; a second registration of the same instance or type is ignored). Its presets win over later providers' of the same name.</summary>
    public static void Register(IModelPresetProvider provider)
    {
        ArgumentNullException.ThrowIfNull(provider);
        lock (Gate)
        {
            if (_providers.Any(p => p == provider || p.GetType() == provider.GetType()))
            {
                return;
            }

            _providers = [.. _providers, provider];
        }
    }

    /// <summary>The registered providers (after trying to load the default one).</summary>
    public static IReadOnlyList<IModelPresetProvider> Providers
    {
        get
        {
            EnsureDefaultProvider();
            return Volatile.Read(ref _providers);
        }
    }

    /// <summary>Every preset of every provider, in registration order.</summary>
    public static IReadOnlyList<ModelPreset> All => [.. Providers.SelectMany(p => p.Presets)];

    /// <summary>The preset names known here (the built-in names when no provider is present, so errors still list them).</summary>
    public static IReadOnlyList<string> Names
    {
        get
        {
            string[] names = [.. All.Select(p => p.Name)];
            return names.Length > 0 ? names : BuiltInNames;
        }
    }

    /// <summary>Looks a preset and its provider up by name (case-insensitive, trimmed).</summary>
    public static bool TryGet(string? name, [NotNullWhen(true)] out ModelPreset? preset, [NotNullWhen(true)] out IModelPresetProvider? provider)
    {
        string key = name?.Trim() ?? "";
        foreach (IModelPresetProvider candidate in Providers)
        {
            foreach (ModelPreset p in candidate.Presets)
            {
                if (string.Equals(p.Name, key, StringComparison.OrdinalIgnoreCase))
                {
                    preset = p;
                    provider = candidate;
                    return true;
                }
            }
        }

        preset = null;
        provider = null;
        return false;
    }

    /// <summary>The provider that reads image headers; throws when none is registered.</summary>
    /// <exception cref="NotSupportedException">No provider is present.</exception>
    public static IModelPresetProvider RequireImageSupport(string operation) =>
        Providers.FirstOrDefault()
        ?? throw new NotSupportedException(
            $"{operation} needs image decoding, which comes from the {DefaultProviderPackage} package (SkiaSharp): add it "
            + $"(dotnet add package {DefaultProviderPackage}).");

    /// <summary>Reads an image header through the registered provider (see <see cref="IModelPresetProvider.ReadImageHeader"/>).</summary>
    internal static ImageInfo ReadImageHeader(ReadOnlySpan<byte> encoded, string source, string operation) =>
        RequireImageSupport(operation).ReadImageHeader(encoded, source);

    /// <summary>The error for a preset name no provider knows.</summary>
    internal static Exception Unknown(string model, string argumentName)
    {
        bool builtIn = BuiltInNames.Contains(model.Trim(), StringComparer.OrdinalIgnoreCase);
        return builtIn && Volatile.Read(ref _providers).Length == 0
            ? new NotSupportedException(
                $"Model \"{model}\" is a preset of the {DefaultProviderPackage} package, which this app does not reference: add it "
                + $"(dotnet add package {DefaultProviderPackage}), or pass your own Embedder, or VectorDim for a vector-only index.")
            : new ArgumentException($"Model \"{model}\" is not a preset; use one of {string.Join(", ", Names)}, or VectorDim for a vector-only index.", argumentName);
    }

    /// <summary>
    /// Loads the default provider's assembly if the app ships it and runs its module initialiser
    /// (which registers it). Tried once; an app without the package simply has no provider.
    /// </summary>
    private static void EnsureDefaultProvider()
    {
        if (Volatile.Read(ref _probed))
        {
            return;
        }

        // Under the lock (re-entered by Register from the module initialiser), so no caller
        // sees "probed" before the provider is in.
        lock (Gate)
        {
            if (_probed)
            {
                return;
            }

            try
            {
                if (_providers.Length == 0)
                {
                    Assembly assembly = Assembly.Load(new AssemblyName(DefaultProviderPackage));
                    RuntimeHelpers.RunModuleConstructor(assembly.ManifestModule.ModuleHandle);
                }
            }
            catch (Exception e) when (e is FileNotFoundException or FileLoadException or BadImageFormatException or PlatformNotSupportedException or NotSupportedException)
            {
                // Not shipped with this app (or the runtime cannot load it by name): presets stay unavailable.
            }
            finally
            {
                Volatile.Write(ref _probed, true);
            }
        }
    }
}
