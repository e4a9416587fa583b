using System.Reflection;
using System.Runtime.InteropServices;

namespace LodeDb.Native.Tests;

/// <summary>
/// The public low-level surface (docs/low-level.md) is NativeIndex, NativeWal, NativeLibraryInfo,
/// the resolver and the exceptions over the generated constants, enums and structs: the raw
/// imports and the handles stay internal, so no caller holds a pointer the library may free.
/// </summary>
public sealed class PublicSurfaceTests
{
    private static readonly Assembly Binding = typeof(NativeIndex).Assembly;

    [Test]
    public void RawImportsAndHandlesAreInternal()
    {
        string[] exported = Binding.GetExportedTypes().Select(t => t.Name).ToArray();
        Assert.That(exported, Does.Not.Contain("NativeMethods").And.Not.Contain("IndexHandle").And.Not.Contain("WalHandle"));
        Assert.That(exported, Does.Contain(nameof(NativeIndex)).And.Contain(nameof(NativeWal)).And.Contain(nameof(NativeLibraryInfo)));
    }

    [Test]
    public void NoPublicMemberTakesOrReturnsARawHandle()
    {
        var offenders = new List<string>();
        foreach (Type type in Binding.GetExportedTypes().Where(t => !typeof(Delegate).IsAssignableFrom(t)))
        {
            const BindingFlags visible = BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
            foreach (MethodBase method in type.GetMethods(visible).Cast<MethodBase>().Concat(type.GetConstructors(visible)))
            {
                IEnumerable<Type> types = method.GetParameters().Select(p => p.ParameterType);
                if (method is MethodInfo info)
                {
                    types = types.Append(info.ReturnType);
                }
                if (types.Any(IsRaw))
                {
                    offenders.Add($"{type.Name}.{method.Name}");
                }
            }
            offenders.AddRange(type.GetProperties(visible).Where(p => IsRaw(p.PropertyType)).Select(p => $"{type.Name}.{p.Name}"));
        }
        Assert.That(offenders, Is.Empty);
    }

    private static bool IsRaw(Type t)
    {
        Type bare = t.IsByRef ? t.GetElementType()! : t;
        return bare == typeof(nint) || bare == typeof(nuint) || bare.IsPointer || typeof(SafeHandle).IsAssignableFrom(bare);
    }
}
