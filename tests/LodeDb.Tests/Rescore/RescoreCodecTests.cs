namespace LodeDb.Tests;

/// <summary>The sidecar row layouts: a row decodes to (nearly) the vector it was encoded from.</summary>
public sealed class RescoreCodecTests
{
    [TestCase(RescoreStorage.Int8, 0.01)]
    [TestCase(RescoreStorage.Float16, 0.001)]
    public void ARowDecodesToTheVectorItStandsFor(RescoreStorage kind, double tolerance)
    {
        float[] vector = RescoreData.Normalized(Vectors.Random(new Random(3), 64));
        byte[] row = new byte[RescoreCodec.RowBytes(kind, vector.Length)];
        RescoreCodec.Encode(kind, vector, row);
        float[] decoded = new float[vector.Length];
        RescoreCodec.Decode(kind, row, decoded);
        Assert.That(decoded, Is.EqualTo(vector).Within(tolerance));
        Assert.That(RescoreCodec.Score(kind, vector, row, new float[vector.Length]), Is.EqualTo(1f).Within(tolerance));
    }

    [Test]
    public void AnInt8RowIsItsScaleThenOneSignedBytePerCoordinate()
    {
        float[] vector = [0.5f, -1f, 0.25f, 0f];
        byte[] row = new byte[RescoreCodec.RowBytes(RescoreStorage.Int8, 4)];
        RescoreCodec.Encode(RescoreStorage.Int8, vector, row);
        Assert.That(row.Length, Is.EqualTo(8));
        Assert.That(BitConverter.ToSingle(row, 0), Is.EqualTo(1f / 127f));
        Assert.That(row.Skip(4).Select(b => (sbyte)b), Is.EqualTo(new sbyte[] { 64, -127, 32, 0 }));
    }
}
