using System.Buffers.Binary;
using CsCheck;

namespace LodeDb.Tests.Fuzz;

/// <summary>One edit of an encoded input: what to do, where (a fraction of the length), a value and a length.</summary>
internal readonly record struct Mutation(int Kind, double At, uint Value, int Length)
{
    public override string ToString() => $"{Kind}@{At:F3}:{Value:X}/{Length}";
}

/// <summary>
/// Mutations of valid encodings, as data (so CsCheck can shrink them): bit flips, byte and
/// boundary-value overwrites (u32 lengths of 0, 2^31, 2^32-1, the input's own length),
/// truncation, deletion, duplication and insertion of byte ranges, appended garbage.
/// </summary>
internal static class ByteMutations
{
    private static readonly uint[] Interesting =
        [0, 1, 2, 0x7F, 0x80, 0xFF, 0x100, 0x7FFF, 0xFFFF, 0x10000, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFE, 0xFFFFFFFF, 0x00FFFFFF, 0x01000000];

    public static readonly Gen<Mutation> One =
        Gen.Select(Gen.Int[0, 9], Gen.Double[0, 1], Gen.UInt, Gen.Int[1, 48], (kind, at, value, length) => new Mutation(kind, at, value, length));

    public static readonly Gen<Mutation[]> Some = One.Array[1, 4];

    /// <summary><paramref name="valid"/> with <paramref name="mutations"/> applied in order (the input is not changed).</summary>
    public static byte[] Apply(byte[] valid, Mutation[] mutations)
    {
        var bytes = new List<byte>(valid);
        foreach (Mutation m in mutations)
        {
            int at = (int)(m.At * bytes.Count);
            var random = new Random((int)m.Value);
            switch (m.Kind)
            {
                case 0 when bytes.Count > 0:
                    at = Math.Min(at, bytes.Count - 1);
                    bytes[at] ^= (byte)(1 << (int)(m.Value % 8));
                    break;
                case 1 when bytes.Count > 0:
                    bytes[Math.Min(at, bytes.Count - 1)] = (byte)m.Value;
                    break;
                case 2:
                case 3:
                    {
                        // A boundary value written as a little-endian u32 (or u64) over whatever is there.
                        uint value = m.Kind == 3 && m.Value % 4 == 0 ? (uint)bytes.Count + m.Value % 7 : Interesting[m.Value % Interesting.Length];
                        int width = m.Value % 5 == 0 ? 8 : 4;
                        Span<byte> encoded = stackalloc byte[8];
                        BinaryPrimitives.WriteUInt64LittleEndian(encoded, width == 8 && m.Value % 3 == 0 ? ulong.MaxValue - value : value);
                        for (int i = 0; i < width && at + i < bytes.Count; i++)
                        {
                            bytes[at + i] = encoded[i];
                        }

                        break;
                    }

                case 4:
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
                case 5:
                    for (int i = 0; i < m.Length; i++)
                    {
                        bytes.Add((byte)random.Next(256));
                    }

                    break;
                case 6:
                    bytes.RemoveRange(at, Math.Min(m.Length, bytes.Count - at));
                    break;
                case 7:
                    bytes.InsertRange(at, bytes.GetRange(at, Math.Min(m.Length, bytes.Count - at)));
                    break;
                case 8:
                    {
                        var inserted = new byte[m.Length];
                        random.NextBytes(inserted);
                        bytes.InsertRange(at, inserted);
                        break;
                    }

                default:
                    if (bytes.Count > 0)
                    {
                        // Swap two bytes (reorders fields and flags without changing the length).
                        int other = random.Next(bytes.Count);
                        at = Math.Min(at, bytes.Count - 1);
                        (bytes[at], bytes[other]) = (bytes[other], bytes[at]);
                    }

                    break;
            }
        }

        return bytes.ToArray();
    }

    /// <summary>Recomputes a file's trailing CRC32C so its damage sits behind a valid checksum and reaches the parser.</summary>
    public static byte[] Reseal(byte[] file)
    {
        if (file.Length >= 4)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(file.Length - 4), LodeDb.Native.NativeLibraryInfo.Crc32C(file.AsSpan(0, file.Length - 4)));
        }

        return file;
    }
}
