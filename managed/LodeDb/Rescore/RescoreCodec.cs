using System.Buffers.Binary;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace LodeDb;

/// <summary>
/// The byte layout of one sidecar row and its exact score against a query. Int8: scale f32
/// (max |x| / 127) then d signed bytes round(x / scale); Float16: d halves. Both little-endian.
/// </summary>
internal static class RescoreCodec
{
    public static int RowBytes(RescoreStorage kind, int dimension) => kind switch
    {
        RescoreStorage.Int8 => checked(4 + dimension),
        RescoreStorage.Float16 => checked(2 * dimension),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "No sidecar rows without a rescore storage."),
    };

    /// <summary>Quantizes <paramref name="vector"/> (already normalised, as the native encoder received it) into <paramref name="row"/>.</summary>
    public static void Encode(RescoreStorage kind, ReadOnlySpan<float> vector, Span<byte> row)
    {
        if (kind == RescoreStorage.Float16)
        {
            Span<Half> halves = MemoryMarshal.Cast<byte, Half>(row[..(vector.Length * 2)]);
            TensorPrimitives.ConvertToHalf(vector, halves);
            if (!BitConverter.IsLittleEndian)
            {
                ReverseHalves(row);
            }

            return;
        }

        float max = MathF.Abs(TensorPrimitives.MaxMagnitude(vector));
        float scale = max > 0 ? max / 127f : 0f;
        BinaryPrimitives.WriteSingleLittleEndian(row, scale);
        Span<byte> values = row.Slice(4, vector.Length);
        float inverse = scale > 0 ? 1f / scale : 0f;
        for (int i = 0; i < vector.Length; i++)
        {
            values[i] = (byte)(sbyte)Math.Clamp(MathF.Round(vector[i] * inverse), -127f, 127f);
        }
    }

    /// <summary>The row's values as floats (the vector the sidecar stands for).</summary>
    public static void Decode(RescoreStorage kind, ReadOnlySpan<byte> row, Span<float> vector)
    {
        if (kind == RescoreStorage.Float16)
        {
            if (BitConverter.IsLittleEndian)
            {
                TensorPrimitives.ConvertToSingle(MemoryMarshal.Cast<byte, Half>(row[..(vector.Length * 2)]), vector);
            }
            else
            {
                for (int i = 0; i < vector.Length; i++)
                {
                    vector[i] = (float)BitConverter.UInt16BitsToHalf(BinaryPrimitives.ReadUInt16LittleEndian(row[(2 * i)..]));
                }
            }

            return;
        }

        float scale = BinaryPrimitives.ReadSingleLittleEndian(row);
        DecodeInt8(MemoryMarshal.Cast<byte, sbyte>(row.Slice(4, vector.Length)), scale, vector);
    }

    /// <summary>
    /// vector[i] = values[i] * scale, 16 values per step (AVX2, else Vector128): sbyte widened to
    /// int, converted to float, one multiply: each element rounds exactly as the scalar expression does, so the
    /// vector (and the score) does not depend on the path taken. Compiled optimised from the
    /// first call: tier-0 code of this loop costs several times the whole query.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static unsafe void DecodeInt8(ReadOnlySpan<sbyte> values, float scale, Span<float> vector)
    {
        vector = vector[..values.Length];
        ref sbyte source = ref MemoryMarshal.GetReference(values);
        ref float target = ref MemoryMarshal.GetReference(vector);
        int i = 0;
        if (Avx2.IsSupported)
        {
            // vpmovsxbd widens 8 bytes straight from memory to 8 ints (Vector256.Widen needs
            // cross-lane shuffles on AVX2).
            Vector256<float> s = Vector256.Create(scale);
            fixed (sbyte* p = values)
            {
                for (; i <= values.Length - 16; i += 16)
                {
                    (Avx.ConvertToVector256Single(Avx2.ConvertToVector256Int32(p + i)) * s).StoreUnsafe(ref target, (nuint)i);
                    (Avx.ConvertToVector256Single(Avx2.ConvertToVector256Int32(p + i + 8)) * s).StoreUnsafe(ref target, (nuint)(i + 8));
                }
            }
        }

        if (Vector128.IsHardwareAccelerated) // without AVX2 (Arm64 NEON, SSE-only x64)
        {
            Vector128<float> s = Vector128.Create(scale);
            for (; i <= values.Length - 16; i += 16)
            {
                (Vector128<short> low, Vector128<short> high) = Vector128.Widen(Vector128.LoadUnsafe(ref source, (nuint)i));
                (Vector128<int> a, Vector128<int> b) = Vector128.Widen(low);
                (Vector128<int> c, Vector128<int> d) = Vector128.Widen(high);
                (Vector128.ConvertToSingle(a) * s).StoreUnsafe(ref target, (nuint)i);
                (Vector128.ConvertToSingle(b) * s).StoreUnsafe(ref target, (nuint)(i + 4));
                (Vector128.ConvertToSingle(c) * s).StoreUnsafe(ref target, (nuint)(i + 8));
                (Vector128.ConvertToSingle(d) * s).StoreUnsafe(ref target, (nuint)(i + 12));
            }
        }

        for (; i < values.Length; i++)
        {
            vector[i] = values[i] * scale;
        }
    }

    /// <summary>The exact score: the inner product of the normalised query with the row's values (cosine, as the engine scores).</summary>
    public static float Score(RescoreStorage kind, ReadOnlySpan<float> query, ReadOnlySpan<byte> row, Span<float> scratch)
    {
        Decode(kind, row, scratch[..query.Length]);
        return TensorPrimitives.Dot(query, scratch[..query.Length]);
    }

    private static void ReverseHalves(Span<byte> row)
    {
        for (int i = 0; i + 1 < row.Length; i += 2)
        {
            (row[i], row[i + 1]) = (row[i + 1], row[i]);
        }
    }
}
