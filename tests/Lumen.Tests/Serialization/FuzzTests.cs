using System.IO.Compression;
using Lumen.Serialization;
using Xunit;

namespace Lumen.Tests.Serialization;

/// <summary>Seeded fuzzing: truncated and corrupted checkpoints either load (a flipped data byte is still a valid
/// file) or throw <see cref="CheckpointFormatException"/> (or its <see cref="UnsafePickleException"/>) naming the
/// file — never another exception, a hang or a huge allocation.</summary>
public class FuzzTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static byte[] Mutate(byte[] original, Random rng, int regionStart, int regionEnd)
    {
        var b = (byte[])original.Clone();
        switch (rng.Next(6))
        {
            case 0: // truncate anywhere
                return b[..rng.Next(b.Length)];
            case 1: // flip 1–4 random bits in the region of interest
                for (int i = rng.Next(1, 5); i > 0; i--) b[rng.Next(regionStart, regionEnd)] ^= (byte)(1 << rng.Next(8));
                return b;
            case 2: // random bytes over a short run in the region
            {
                int at = rng.Next(regionStart, regionEnd), n = Math.Min(rng.Next(1, 9), regionEnd - at);
                rng.NextBytes(b.AsSpan(at, n));
                return b;
            }
            case 3: // one byte set to an "interesting" value anywhere
                b[rng.Next(b.Length)] = new byte[] { 0, 0xff, 0x7f, 0x80, (byte)'(', (byte)'.', (byte)'q', (byte)'h', (byte)'R', (byte)'{', (byte)'"', (byte)'9' }[rng.Next(12)];
                return b;
            case 4: // delete a run from the region
            {
                int at = rng.Next(regionStart, regionEnd), n = Math.Min(rng.Next(1, 6), regionEnd - at);
                return b[..at].Concat(b[(at + n)..]).ToArray();
            }
            default: // duplicate a run of the region
            {
                int at = rng.Next(regionStart, regionEnd), n = Math.Min(rng.Next(1, 6), regionEnd - at);
                return b[..(at + n)].Concat(b[at..]).ToArray();
            }
        }
    }

    /// <summary>Allocation bound stated in docs/readers.md for a checkpoint read from a file of n bytes: 128 n + 1 MiB.
    /// Storages are at most the file (widened dtypes at most 8 x: int8 to int64), the pickle's objects cost at most a few
    /// hundred bytes per opcode byte (an empty dict from one byte), and deflated entries (never written by torch.save; the fixtures are stored) inflate
    /// at most 1032:1.</summary>
    internal const long AllocationMultiple = 128;

    private ReaderFuzz.Report Run(string name, byte[] original, int seed, int variants, Func<string, object?> load, int regionStart = 0, int regionEnd = -1)
    {
        if (regionEnd < 0) regionEnd = original.Length;
        var dir = Kit.ScratchDir();
        var path = Path.Combine(dir, name);
        var report = ReaderFuzz.Run(name, seed, ReaderFuzz.Cases(variants),
            (rng, _) => Mutate(original, rng, regionStart, regionEnd),
            (bytes, _) => { File.WriteAllBytes(path, bytes); load(path); },
            ex => ex is CheckpointFormatException c
                ? (c.FilePath == path && c.Message.StartsWith(path + ":") ? null : $"the message does not name the file: {c.Message}")
                : "not a CheckpointFormatException",
            AllocationMultiple);
        output.WriteLine($"{name}: {report}");
        Assert.True(report.Rejected > report.Cases / 4, $"{name}: only {report}");
        return report;
    }

    [Fact]
    public void Corrupt_safetensors_files_raise_only_CheckpointFormatException()
    {
        var ms = new MemoryStream();
        SafeTensors.Save(Kit.AllDTypesAndShapes(seed: 1).Take(14), ms, new Dictionary<string, string> { ["k"] = "v" });
        var original = ms.ToArray();
        int headerEnd = 8 + (int)BitConverter.ToInt64(original, 0);
        Run("st_any", original, seed: 101, variants: 300, p => SafeTensors.Load(p));
        Run("st_header", original, seed: 102, variants: 400, p => SafeTensors.Load(p), 0, headerEnd);
        Run("st_reference", File.ReadAllBytes(Kit.Fixture("reference.safetensors")), seed: 103, variants: 300, p => SafeTensors.Load(p));
    }

    [Fact]
    public void Corrupt_pth_files_raise_only_CheckpointFormatException()
    {
        Run("pth_any", File.ReadAllBytes(Kit.Fixture("linear_bn.pth")), seed: 201, variants: 400, PyTorchFile.Load);
        Run("pth_nested", File.ReadAllBytes(Kit.Fixture("nested.pth")), seed: 202, variants: 300, PyTorchFile.Load);
        Run("pth_legacy", File.ReadAllBytes(Kit.Fixture("linear_bn_legacy.pth")), seed: 203, variants: 300, PyTorchFile.Load);
    }

    /// <summary>Zip-level corruption mostly trips the zip checks; this fuzzes the unpickler itself: the data.pkl of a
    /// PyTorch checkpoint is mutated and repacked into a well-formed zip beside the original storages.</summary>
    [Fact]
    public void Corrupt_pickles_inside_well_formed_zips_raise_only_CheckpointFormatException()
    {
        foreach (var (fixture, seed) in new[] { ("nested.pth", 301), ("views.pth", 302), ("dtypes.pth", 303) })
        {
            var entries = new List<(string Name, byte[] Data)>();
            using (var zip = ZipFile.OpenRead(Kit.Fixture(fixture)))
                foreach (var e in zip.Entries)
                {
                    using var s = e.Open();
                    var ms = new MemoryStream();
                    s.CopyTo(ms);
                    entries.Add((e.FullName, ms.ToArray()));
                }
            var pkl = entries.First(e => e.Name.EndsWith("/data.pkl"));
            var path = Path.Combine(Kit.ScratchDir(), "pkl.pth");
            var report = ReaderFuzz.Run(fixture, seed, ReaderFuzz.Cases(334),
                (rng, _) =>
                {
                    var mutated = Mutate(pkl.Data, rng, 2, pkl.Data.Length);
                    return Zip(entries.Select(e => (e.Name, e.Name == pkl.Name ? mutated : e.Data)));
                },
                (bytes, _) => LoadPth(path, bytes), TypedNamingFile(path), AllocationMultiple);
            output.WriteLine($"{fixture} data.pkl: {report}");
            Assert.True(report.Rejected > report.Cases / 4, $"{fixture}: only {report}");
        }
    }

    /// <summary>Random opcode soup (containers, memo, marks, small ints) of up to 64 KiB in a well-formed zip: the worst
    /// allocation per pickle byte (an empty dict from one byte, a memo entry from another) stays under the stated bound.</summary>
    [Fact]
    public void Random_opcode_streams_stay_within_the_allocation_bound()
    {
        byte[][] alphabet =
        [
            [(byte)'}'], [(byte)']'], [(byte)')'], [(byte)'('], [(byte)'N'], [0x88], [(byte)'K', 7], [(byte)'h', 0], [(byte)'q', 0],
            [0x94], [(byte)'2'], [(byte)'0'], [(byte)'t'], [(byte)'l'], [(byte)'d'], [(byte)'a'], [(byte)'e'], [(byte)'s'],
            [(byte)'u'], [0x85], [0x86], [0x87], [(byte)'}', 0x94], [(byte)'j', 1, 0, 0, 0], [(byte)'r', 1, 0, 0, 0],
        ];
        var path = Path.Combine(Kit.ScratchDir(), "soup.pth");
        var report = ReaderFuzz.Run("opcode soup", 401, ReaderFuzz.Cases(1000),
            (rng, i) =>
            {
                var body = new List<byte>();
                int n = rng.Next(1, 1 << (6 + i % 11)); // 64 B .. 64 KiB
                // The two costliest streams per byte: 64 KiB of EMPTY_DICT, and of EMPTY_DICT + MEMOIZE.
                if (i < 2) body.AddRange(Enumerable.Repeat(alphabet[i == 0 ? 0 : 22], i == 0 ? 1 << 16 : 1 << 15).SelectMany(b => b));
                // Biased runs: one opcode repeated, or uniform picks.
                while (body.Count < n)
                {
                    var op = alphabet[rng.Next(alphabet.Length)];
                    for (int r = rng.Next(2) == 0 ? 1 : rng.Next(1, 4096); r > 0 && body.Count < n; r--) body.AddRange(op);
                }
                return Zip([("archive/data.pkl", [0x80, 2, .. body, (byte)'.'])]);
            },
            (bytes, _) => LoadPth(path, bytes), TypedNamingFile(path), AllocationMultiple);
        output.WriteLine($"opcode soup: {report}");
    }

    private static byte[] Zip(IEnumerable<(string Name, byte[] Data)> entries)
    {
        var ms = new MemoryStream();
        var w = new ZipStoreWriter(ms);
        foreach (var (name, data) in entries) w.Add(name, data);
        w.Finish();
        return ms.ToArray();
    }

    private static void LoadPth(string path, byte[] bytes)
    {
        File.WriteAllBytes(path, bytes);
        PyTorchFile.Load(path);
    }

    private static Func<Exception, string?> TypedNamingFile(string path) => ex =>
        ex is CheckpointFormatException ? (ex.Message.StartsWith(path + ":") ? null : "the message does not name the file") : "not a CheckpointFormatException";
}
