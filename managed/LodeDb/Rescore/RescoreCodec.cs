using System.Buffers.Binary;
using System.Globalization;
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
    /// <summary>
    /// The largest int8 scale a row can have: max |x| / 127 of a unit vector, whose coordinates
    /// are at most 1 (1.0001 leaves room for the float rounding of the normalisation).
    /// </summary>
    public const float MaxInt8Scale = 1.0001f / 127f;

    // Half bit patterns: |x| <= 1 (finite) is a magnitude of at most 0x3C00 (1.0); Inf is 0x7C00.
    private const ushort HalfOne = 0x3C00;

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

    /// <summary>
    /// Why <paramref name="row"/> cannot be a row of a unit vector, or null when it can: an int8
    /// scale that is not finite or outside 0..<see cref="MaxInt8Scale"/>, an int8 value of -128
    /// (the encoder clamps to -127..127), a float16 value that is not finite or above 1 in
    /// magnitude. Such a row could score far outside [-1, 1] (or NaN) and take over a ranking.
    /// </summary>
    public static string? RowProblem(RescoreStorage kind, ReadOnlySpan<byte> row)
    {
        if (kind == RescoreStorage.Int8)
        {
            float scale = BinaryPrimitives.ReadSingleLittleEndian(row);
            if (!(scale >= 0f && scale <= MaxInt8Scale))
            {
                return string.Create(CultureInfo.InvariantCulture, $"its int8 scale is {scale} (a unit vector's is finite, between 0 and {MaxInt8Scale})");
            }

            int minus128 = row[4..].IndexOf((byte)0x80);
            return minus128 < 0 ? null : string.Create(CultureInfo.InvariantCulture, $"coordinate {minus128} is -128 (the encoder writes -127..127)");
        }

        int bad = FirstHalfAboveOne(row);
        return bad < 0 ? null : HalfProblem(row, bad);
    }

    /// <summary>What is wrong with coordinate <paramref name="coordinate"/> of a float16 row.</summary>
    public static string HalfProblem(ReadOnlySpan<byte> row, int coordinate) => string.Create(CultureInfo.InvariantCulture,
        $"coordinate {coordinate} is {(float)BitConverter.UInt16BitsToHalf(BinaryPrimitives.ReadUInt16LittleEndian(row[(2 * coordinate)..]))} (a unit vector's are finite, at most 1 in magnitude)");

    /// <summary>
    /// The largest |score| a valid row can give against a unit query: |q.x| &lt;= |x|, and |x|
    /// exceeds 1 only by the quantisation error: half rounding (relative 2^-11) for float16,
    /// at most scale / 2 per coordinate for int8 (sqrt(d) * scale / 2 in norm). 1% more for
    /// the float rounding of the normalisation and of the dot product.
    /// </summary>
    public static float ScoreBound(RescoreStorage kind, int dimension) =>
        kind == RescoreStorage.Int8 ? 1.01f + (MathF.Sqrt(dimension) * MaxInt8Scale * 0.505f) : 1.01f;

    /// <summary>
    /// The first half in <paramref name="halves"/> (little-endian, any number of whole float16
    /// rows) that is not finite or above 1 in magnitude, or -1. One pass, 64 halves per step:
    /// the open checks every row of a sidecar with it, so it runs at memory speed.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int FirstHalfAboveOne(ReadOnlySpan<byte> halves)
    {
        int count = halves.Length / 2;
        int i = 0;
        if (BitConverter.IsLittleEndian)
        {
            ref ushort bits = ref Unsafe.As<byte, ushort>(ref MemoryMarshal.GetReference(halves));
            if (Vector256.IsHardwareAccelerated)
            {
                Vector256<ushort> magnitude = Vector256.Create((ushort)0x7FFF);
                Vector256<ushort> one = Vector256.Create(HalfOne);
                for (; i <= count - 64; i += 64)
                {
                    Vector256<ushort> largest = Vector256.Max(
                        Vector256.Max(Vector256.LoadUnsafe(ref bits, (nuint)i) & magnitude, Vector256.LoadUnsafe(ref bits, (nuint)(i + 16)) & magnitude),
                        Vector256.Max(Vector256.LoadUnsafe(ref bits, (nuint)(i + 32)) & magnitude, Vector256.LoadUnsafe(ref bits, (nuint)(i + 48)) & magnitude));
                    if (Vector256.GreaterThanAny(largest, one))
                    {
                        break; // the scalar loop below finds which one
                    }
                }
            }
            else if (Vector128.IsHardwareAccelerated)
            {
                Vector128<ushort> magnitude = Vector128.Create((ushort)0x7FFF);
                Vector128<ushort> one = Vector128.Create(HalfOne);
                for (; i <= count - 32; i += 32)
                {
                    Vector128<ushort> largest = Vector128.Max(
                        Vector128.Max(Vector128.LoadUnsafe(ref bits, (nuint)i) & magnitude, Vector128.LoadUnsafe(ref bits, (nuint)(i + 8)) & magnitude),
                        Vector128.Max(Vector128.LoadUnsafe(ref bits, (nuint)(i + 16)) & magnitude, Vector128.LoadUnsafe(ref bits, (nuint)(i + 24)) & magnitude));
                    if (Vector128.GreaterThanAny(largest, one))
                    {
                        break;
                    }
                }
            }
        }

        for (; i < count; i++)
        {
            if ((BinaryPrimitives.ReadUInt16LittleEndian(halves[(2 * i)..]) & 0x7FFF) > HalfOne)
            {
                return i;
            }
        }

        return -1;
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
