using System.Runtime.CompilerServices;

// Every import is blittable (see Generated/NativeMethods.g.cs): with runtime marshalling off,
// a non-blittable signature is a compile error instead of a hidden copy on the hot path.
[assembly: DisableRuntimeMarshalling]
