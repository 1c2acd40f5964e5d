using System.Diagnostics;
using Xunit;

namespace Lumen.Tests;

/// <summary>
/// The fuzz loop shared by every reader of untrusted bytes (issue 16): seeded mutations of a valid file, each of which
/// must load or throw the reader's typed exception, finish within <see cref="PerCaseLimit"/>, and allocate no more than
/// <c>multiple × input bytes + slack</c> (measured with <see cref="GC.GetAllocatedBytesForCurrentThread"/> on a thread of
/// its own). CI runs the count each test passes (≥ 1,000); <c>LUMEN_FUZZ_CASES=N</c> runs N per format instead.
/// A case that hangs fails the test when the whole loop overruns cases × <see cref="PerCaseLimit"/>.
/// </summary>
public static class ReaderFuzz
{
    /// <summary>A case slower than this fails (generous: CI shares two cores among seven jobs).</summary>
    public static readonly TimeSpan PerCaseLimit = TimeSpan.FromSeconds(5);

    /// <summary>Cases per format: <paramref name="ciDefault"/>, or LUMEN_FUZZ_CASES when set.</summary>
    public static int Cases(int ciDefault) =>
        int.TryParse(Environment.GetEnvironmentVariable("LUMEN_FUZZ_CASES"), out var n) && n > 0 ? n : ciDefault;

    /// <summary>What a run saw.</summary>
    public sealed record Report(int Cases, int Loaded, int Rejected, long WorstAllocation, int WorstAllocationInput, TimeSpan Slowest, TimeSpan Total)
    {
        public override string ToString() =>
            $"{Cases} cases: {Loaded} loaded, {Rejected} rejected; largest allocation {WorstAllocation:N0} B (for a {WorstAllocationInput:N0}-byte input); " +
            $"slowest case {Slowest.TotalMilliseconds:F0} ms; total {Total.TotalSeconds:F1} s";
    }

    /// <summary>Runs <paramref name="cases"/> cases: <paramref name="make"/>(rng, i) builds the input,
    /// <paramref name="load"/>(bytes, i) reads it; an exception for which <paramref name="typed"/> returns an error message
    /// of null is an accepted rejection, a non-null message fails the test (a typed exception that names no file, say), and
    /// any other exception fails it with the case number and seed.</summary>
    public static Report Run(string name, int seed, int cases, Func<Random, int, byte[]> make, Action<byte[], int> load,
        Func<Exception, string?> typed, long allocationMultiple, long allocationSlack = 1 << 20)
    {
        Report? report = null;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try { report = RunHere(name, seed, cases, make, load, typed, allocationMultiple, allocationSlack); }
            catch (Exception e) { failure = e; }
        }, 16 << 20) { IsBackground = true, Name = "fuzz " + name };
        thread.Start();
        var limit = PerCaseLimit * cases + TimeSpan.FromSeconds(30);
        if (!thread.Join(limit)) Assert.Fail($"{name}: the fuzz loop did not finish in {limit} (a case hangs).");
        if (failure != null) throw failure;
        return report!;
    }

    private static Report RunHere(string name, int seed, int cases, Func<Random, int, byte[]> make, Action<byte[], int> load,
        Func<Exception, string?> typed, long multiple, long slack)
    {
        var rng = new Random(seed);
        int loaded = 0, rejected = 0;
        long worstBytes = 0;
        int worstInput = 0;
        var slowest = TimeSpan.Zero;
        var total = Stopwatch.StartNew();
        for (int i = 0; i < cases; i++)
        {
            var input = make(rng, i);
            long before = GC.GetAllocatedBytesForCurrentThread();
            var sw = Stopwatch.StartNew();
            try { load(input, i); loaded++; }
            catch (Exception e)
            {
                var problem = typed(e);
                if (problem == null) rejected++;
                else Assert.Fail($"{name} case {i} (seed {seed}, {input.Length} bytes): {problem}\n{e.GetType().Name}: {e.Message}\n{e.StackTrace}");
            }
            sw.Stop();
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            long bound = multiple * input.Length + slack;
            Assert.True(allocated <= bound,
                $"{name} case {i} (seed {seed}): allocated {allocated:N0} bytes for a {input.Length:N0}-byte input, above the stated bound {multiple} x input + {slack:N0}.");
            Assert.True(sw.Elapsed <= PerCaseLimit, $"{name} case {i} (seed {seed}) took {sw.Elapsed}, above {PerCaseLimit}.");
            if (sw.Elapsed > slowest) slowest = sw.Elapsed;
            if (allocated > worstBytes) (worstBytes, worstInput) = (allocated, input.Length);
        }
        return new Report(cases, loaded, rejected, worstBytes, worstInput, slowest, total.Elapsed);
    }
}
