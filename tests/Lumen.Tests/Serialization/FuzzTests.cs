using System.IO.Compression;
using Lumen.Serialization;
using Xunit;

namespace Lumen.Tests.Serialization;

/// <summary>Seeded fuzzing: truncated and corrupted checkpoints either load (a flipped data byte is still a valid
/// file) or throw <see cref="CheckpointFormatException"/> (or its <see cref="UnsafePickleException"/>) naming the
/// file — never another exception, a hang or a huge allocation.</summary>
public class FuzzTests
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

    private static void Run(string name, byte[] original, int seed, int variants, Func<string, object?> load, int regionStart = 0, int regionEnd = -1)
    {
        if (regionEnd < 0) regionEnd = original.Length;
        var dir = Kit.ScratchDir();
        var rng = new Random(seed);
        int loaded = 0, rejected = 0;
        for (int v = 0; v < variants; v++)
        {
            var bytes = Mutate(original, rng, regionStart, regionEnd);
            var path = Path.Combine(dir, $"{name}_{v}");
            File.WriteAllBytes(path, bytes);
            try { load(path); loaded++; }
            catch (CheckpointFormatException ex)
            {
                Assert.True(ex.FilePath == path && ex.Message.StartsWith(path + ":"), $"variant {v}: the message does not name the file: {ex.Message}");
                rejected++;
            }
            catch (Exception ex)
            {
                Assert.Fail($"{name} variant {v} (seed {seed}) threw {ex.GetType().Name} instead of CheckpointFormatException: {ex.Message}");
            }
            File.Delete(path);
        }
        Assert.True(rejected > variants / 4, $"{name}: only {rejected} of {variants} variants were rejected ({loaded} loaded)");
    }

    [Fact]
    public void Corrupt_safetensors_files_raise_only_CheckpointFormatException()
    {
        var ms = new MemoryStream();
        SafeTensors.Save(Kit.AllDTypesAndShapes(seed: 1).Take(14), ms, new Dictionary<string, string> { ["k"] = "v" });
        var original = ms.ToArray();
        int headerEnd = 8 + (int)BitConverter.ToInt64(original, 0);
        Run("st_any", original, seed: 101, variants: 200, p => SafeTensors.Load(p));
        Run("st_header", original, seed: 102, variants: 300, p => SafeTensors.Load(p), 0, headerEnd);
        Run("st_reference", File.ReadAllBytes(Kit.Fixture("reference.safetensors")), seed: 103, variants: 200, p => SafeTensors.Load(p));
    }

    [Fact]
    public void Corrupt_pth_files_raise_only_CheckpointFormatException()
    {
        Run("pth_any", File.ReadAllBytes(Kit.Fixture("linear_bn.pth")), seed: 201, variants: 300, PyTorchFile.Load);
        Run("pth_nested", File.ReadAllBytes(Kit.Fixture("nested.pth")), seed: 202, variants: 200, PyTorchFile.Load);
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
            var dir = Kit.ScratchDir();
            var rng = new Random(seed);
            int rejected = 0;
            for (int v = 0; v < 300; v++)
            {
                var mutated = Mutate(pkl.Data, rng, 2, pkl.Data.Length);
                var path = Path.Combine(dir, $"pkl_{v}.pth");
                using (var fs = File.Create(path))
                {
                    var w = new ZipStoreWriter(fs);
                    foreach (var (name, data) in entries) w.Add(name, name == pkl.Name ? mutated : data);
                    w.Finish();
                }
                try { PyTorchFile.Load(path); }
                catch (CheckpointFormatException ex) { Assert.StartsWith(path + ":", ex.Message); rejected++; }
                catch (Exception ex) { Assert.Fail($"{fixture} pickle variant {v} threw {ex.GetType().Name}: {ex.Message}"); }
                File.Delete(path);
            }
            Assert.True(rejected > 75, $"{fixture}: only {rejected} of 300 corrupt pickles were rejected");
        }
    }
}
