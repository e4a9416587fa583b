using System.Diagnostics;
using CsCheck;

namespace LodeDb.Tests.Fuzz;

/// <summary>
/// Runs one decoder over generated inputs and fails on anything but its documented exceptions,
/// on a case that allocates more than <see cref="AllocationLimit"/> for its input (a length field
/// trusted before it is checked against the bytes left), or on a slow case (a hang in the making).
/// The normal test run is short; <c>dotnet cake --target=FuzzManaged</c> sets
/// <c>LODEDB_FUZZ_SECONDS</c> for a long one (each test then runs that long). A failure prints
/// CsCheck's seed: set <c>CsCheck_Seed</c> to replay it.
/// </summary>
internal static class FuzzRun
{
    /// <summary>Cases per test in the normal run.</summary>
    public const int DefaultIterations = 400;

    /// <summary>The slowest a single case may be before it counts as a hang.</summary>
    public static readonly TimeSpan CaseLimit = TimeSpan.FromSeconds(5);

    /// <summary>Seconds per test from LODEDB_FUZZ_SECONDS (the long run), or -1 for the iteration count.</summary>
    public static int Seconds =>
        int.TryParse(Environment.GetEnvironmentVariable("LODEDB_FUZZ_SECONDS"), out int seconds) && seconds > 0 ? seconds : -1;

    /// <summary>The iteration count for CsCheck: <paramref name="iterations"/>, or -1 (run by time) in the long run.</summary>
    public static int Iterations(int iterations) => Seconds > 0 ? -1 : iterations;

    /// <summary>Bytes one decode may allocate: a fixed allowance plus a multiple of its input.</summary>
    public static long AllocationLimit(long inputBytes) => (16L << 20) + 64 * inputBytes;

    /// <summary>
    /// Feeds every sample to <paramref name="decode"/>; <paramref name="allowed"/> says which
    /// exceptions are its documented failures. <paramref name="size"/> gives an input's byte size.
    /// </summary>
    public static void Check<T>(Gen<T> inputs, Func<T, long> size, Action<T> decode, Func<Exception, bool> allowed, int iterations = DefaultIterations)
    {
        var outcomes = new int[2];
        // The whole run must finish: a decoder that never returns fails the test instead of hanging it.
        Task run = Task.Run(() => inputs.Sample(
            input =>
            {
                long before = GC.GetAllocatedBytesForCurrentThread();
                long started = Stopwatch.GetTimestamp();
                try
                {
                    decode(input);
                    Interlocked.Increment(ref outcomes[0]);
                }
                catch (Exception e) when (allowed(e))
                {
                    Interlocked.Increment(ref outcomes[1]);
                }

                long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
                if (allocated > AllocationLimit(size(input)))
                {
                    throw new InvalidOperationException($"a {size(input)}-byte input allocated {allocated:N0} bytes");
                }

                TimeSpan elapsed = Stopwatch.GetElapsedTime(started);
                if (elapsed > CaseLimit)
                {
                    throw new TimeoutException($"a {size(input)}-byte input took {elapsed.TotalSeconds:F1} s");
                }
            },
            iter: Iterations(iterations),
            time: Seconds,
            threads: 1));
        TimeSpan budget = TimeSpan.FromSeconds(Seconds > 0 ? Seconds * 2 + 120 : 300);
        if (!run.Wait(budget))
        {
            Assert.Fail($"the fuzz run did not finish within {budget}: a decoder hangs");
        }

        TestContext.Out.WriteLine($"{outcomes[0] + outcomes[1]} cases: {outcomes[0]} decoded, {outcomes[1]} refused with a documented exception");
    }
}
