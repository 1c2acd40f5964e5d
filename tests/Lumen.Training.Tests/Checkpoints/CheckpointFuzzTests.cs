using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Lumen.Serialization;
using Lumen.Training.Runs;
using Xunit;
using static Lumen.Training.Tests.Checkpoints.DamagedCheckpoints;
using static Lumen.Training.Tests.Trainer.TrainerData;

namespace Lumen.Training.Tests.Checkpoints;

/// <summary>
/// Seeded fuzzing of <see cref="Lumen.Training.Trainer.Resume"/> on a real mid-epoch checkpoint: (1) its <c>lumen.state</c>
/// JSON mutated (values replaced by other kinds, negative or huge numbers, deep nesting; keys dropped) and signed with a
/// matching checksum, so the field checks must catch it; (2) random bit flips anywhere in the file. Every case must
/// resume or throw <see cref="CheckpointFormatException"/> naming <c>last.safetensors</c>; none may take longer than a
/// few seconds or allocate more than <see cref="AllocationCap"/>. 1,000 cases each by default; set LUMEN_FUZZ_CASES for more.
/// </summary>
[Collection("GlobalRng")]
public sealed class CheckpointFuzzTests
{
    /// <summary>The most one case may allocate: the checkpoint (≈ 60 KB) is loaded a few times over; 64 MiB is generous.</summary>
    private const long AllocationCap = 64L << 20;

    private static readonly Lazy<byte[]> Original = new(MidEpochCheckpoint);

    private static int Cases => int.TryParse(Environment.GetEnvironmentVariable("LUMEN_FUZZ_CASES"), NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) && n > 0 ? n : 1000;

    private static readonly JsonNode?[] Replacements =
    {
        null, -5, -1, 0, 2, 1_000_000_000, long.MaxValue, 1.5, "x", "", true, new JsonArray(), new JsonObject(),
        new JsonObject { ["t"] = "int", ["v"] = -3 }, new JsonObject { ["t"] = "double", ["v"] = "NaN" },
        new JsonObject { ["t"] = "str", ["v"] = "fast" }, new JsonObject { ["t"] = "tensor", ["v"] = "model.0.weight" },
        new JsonObject { ["t"] = "tensor", ["v"] = "rng.global" }, new JsonObject { ["t"] = "ints", ["v"] = new JsonArray(0, 0, 0) },
        new JsonObject { ["t"] = "dict", ["v"] = new JsonObject() }, new JsonObject { ["t"] = "bogus" },
    };

    [Fact]
    public void Mutated_state_json_resumes_or_is_refused_with_a_typed_error()
    {
        var rng = new Random(20260607);
        var dir = TempDir();
        var path = Path.Combine(dir, RunFiles.Last);
        int refused = 0;
        var trainer = new Fresh(dir);
        for (int i = 0; i < Cases; i++)
        {
            var state = State(Original.Value);
            int edits = 1 + rng.Next(3);
            for (int k = 0; k < edits; k++) Mutate(state, rng);
            string json = rng.Next(20) == 0 ? Deep(rng.Next(50, 5000)) : state.ToJsonString();
            WriteResigned(path, Original.Value, json);
            refused += Run(trainer, $"case {i}: {Truncate(json)}");
        }
        Assert.True(refused > Cases / 2, $"only {refused} of {Cases} mutated states were refused");
    }

    [Fact]
    public void Random_bit_flips_are_caught()
    {
        var rng = new Random(7);
        var dir = TempDir();
        var path = Path.Combine(dir, RunFiles.Last);
        int resumed = 0;
        var trainer = new Fresh(dir);
        for (int i = 0; i < Cases; i++)
        {
            var bytes = (byte[])Original.Value.Clone();
            int flips = 1 + rng.Next(3);
            var at = new List<int>();
            for (int k = 0; k < flips; k++) { int p = rng.Next(bytes.Length); at.Add(p); bytes[p] ^= (byte)(1 << rng.Next(8)); }
            File.WriteAllBytes(path, bytes);
            resumed += 1 - Run(trainer, $"case {i}: flips at {string.Join(", ", at)}");
        }
        // A flip can only go unnoticed where it changes nothing the checkpoint means (e.g. padding spaces in the header).
        Assert.True(resumed < Cases / 50, $"{resumed} of {Cases} damaged files resumed");
    }

    /// <summary>A trainer that has not resumed yet: a refused resume must leave it so (its weights are checked), so it is
    /// only rebuilt after a resume succeeded.</summary>
    private sealed class Fresh(string dir)
    {
        private Lumen.Training.Trainer? _trainer;
        private float[][]? _weights;

        public Lumen.Training.Trainer Get()
        {
            if (_trainer == null) { _trainer = DamagedCheckpoints.Trainer(dir); _weights = Weights(_trainer.Model); }
            return _trainer;
        }

        public void Refused(string what)
        {
            Assert.True(Weights(_trainer!.Model).Zip(_weights!).All(p => p.First.AsSpan().SequenceEqual(p.Second)), $"{what}: a refused resume changed the weights");
            Assert.Equal(0, _trainer.EpochsDone);
        }

        public void Used() => _trainer = null;
    }

    /// <summary>Resumes the trainer: 0 when it resumed, 1 when it refused with a typed error naming the file; anything else
    /// fails the test with <paramref name="what"/>.</summary>
    private static int Run(Fresh fresh, string what)
    {
        var t = fresh.Get();
        long before = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        int refused = 0;
        try { t.Resume(); }
        catch (CheckpointFormatException e)
        {
            Assert.True(e.Message.Contains(RunFiles.Last, StringComparison.Ordinal), $"{what}: the error does not name the file: {e.Message}");
            refused = 1;
        }
        catch (Exception e) { Assert.Fail($"{what}: untyped {e.GetType().Name}: {e.Message}"); }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"{what}: took {clock.Elapsed}");
        Assert.True(allocated < AllocationCap, $"{what}: allocated {allocated} bytes");
        if (refused == 1) fresh.Refused(what);
        else fresh.Used();
        return refused;
    }

    /// <summary>Replaces, removes or nests one randomly chosen node of the state.</summary>
    private static void Mutate(JsonObject root, Random rng)
    {
        var nodes = new List<JsonNode>();
        var stack = new Stack<JsonNode>();
        stack.Push(root);
        while (stack.Count > 0)
        {
            var n = stack.Pop();
            nodes.Add(n);
            if (n is JsonObject o) foreach (var (_, v) in o) { if (v != null) stack.Push(v); }
            else if (n is JsonArray a) foreach (var v in a) { if (v != null) stack.Push(v); }
        }
        var target = nodes[rng.Next(nodes.Count)];
        if (target.Parent is not { } parent) return;
        var replacement = rng.Next(10) == 0 ? JsonNode.Parse(Deep(rng.Next(2, 40))) : Replacements[rng.Next(Replacements.Length)]?.DeepClone();
        switch (parent)
        {
            case JsonObject o:
                string key = target.GetPropertyName();
                if (rng.Next(4) == 0) o.Remove(key);
                else o[key] = replacement;
                break;
            case JsonArray a:
                int index = target.GetElementIndex();
                if (rng.Next(4) == 0) a.RemoveAt(index);
                else a[index] = replacement;
                break;
        }
    }

    private static string Deep(int depth) => new string('[', depth) + new string(']', depth);

    private static string Truncate(string s) => s.Length <= 300 ? s : s[..300] + "…";
}
