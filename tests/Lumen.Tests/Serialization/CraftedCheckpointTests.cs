using System.Diagnostics;
using Lumen.ReaderProbe;
using Lumen.Serialization;
using Lumen.Serialization.Pickle;
using Xunit;

namespace Lumen.Tests.Serialization;

/// <summary>Issue 16's crafted checkpoints: each one used to kill the process (stack overflow), load a view that
/// allocates gigabytes when read, or throw an untyped exception. Each is now a <see cref="CheckpointFormatException"/>
/// naming the file, and what Lumen still accepts next to each limit is checked too.</summary>
public class CraftedCheckpointTests
{
    private static string Write(string name, byte[] bytes)
    {
        var path = Path.Combine(Kit.ScratchDir(), name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static CheckpointFormatException Refused(string name, byte[] bytes, string expected)
    {
        var path = Write(name, bytes);
        var ex = Assert.ThrowsAny<CheckpointFormatException>(() => PyTorchFile.Load(path));
        Assert.StartsWith(path + ": ", ex.Message);
        Assert.Contains(expected, ex.Message);
        return ex;
    }

    [Fact]
    public void Rebuild_from_type_v2_wrapping_itself_10000_deep_is_refused_not_a_stack_overflow() =>
        Refused("nested.pth", CraftedFiles.NestedRebuildFromTypePth(10_000), "_rebuild_from_type_v2 wraps a global torch._tensor._rebuild_from_type_v2");

    [Fact]
    public void A_dict_key_of_45000_nested_tuples_is_refused_not_a_stack_overflow() =>
        Refused("deep_key.pth", CraftedFiles.DeepTupleKeyPth(45_000), $"nests tuples more than {Unpickler.MaxNesting} deep");

    [Fact]
    public void A_dict_key_of_tuples_nested_to_the_limit_loads()
    {
        var path = Write("key_at_limit.pth", CraftedFiles.DeepTupleKeyPth(Unpickler.MaxNesting - 1));
        var d = Assert.IsType<OrderedDictionary<object, object?>>(PyTorchFile.Load(path));
        Assert.Single(d);
    }

    /// <summary>Sixty levels of a tuple holding the previous one twice (memo references): a key of 2^60 values as a tree.
    /// Hashing it walked all of them.</summary>
    [Fact]
    public void A_dict_key_of_shared_tuples_is_refused_quickly()
    {
        var body = new List<byte>(CraftedFiles.Ops("})q\0"));
        for (int i = 0; i < 60; i++) body.AddRange(CraftedFiles.Ops("0h\0h\0\u0086q\0"));
        body.AddRange(CraftedFiles.Ops("Ns"));
        var sw = Stopwatch.StartNew();
        Refused("shared_key.pth", CraftedFiles.TorchZip(CraftedFiles.Pickle(body.ToArray())), $"holds more than {Unpickler.MaxKeyNodes} values");
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(5), $"took {sw.Elapsed}");
    }

    [Fact]
    public void Values_nested_deeper_than_the_limit_are_refused_and_values_at_the_limit_load()
    {
        // "]" pushes a list, each TUPLE1 (0x85) wraps what is on top in a 1-tuple.
        byte[] Chain(int depth) => CraftedFiles.TorchZip(CraftedFiles.Pickle(CraftedFiles.Ops("]"), Enumerable.Repeat((byte)0x85, depth - 1).ToArray()));
        Assert.NotNull(PyTorchFile.Load(Write("ok.pth", Chain(Unpickler.MaxNesting))));
        Refused("deep.pth", Chain(Unpickler.MaxNesting + 1), $"more than {Unpickler.MaxNesting} deep");
        Refused("very_deep.pth", Chain(1_000_000), $"more than {Unpickler.MaxNesting} deep");
    }

    [Fact]
    public void A_list_that_contains_itself_is_refused() =>
        Refused("cycle.pth", CraftedFiles.TorchZip(CraftedFiles.Pickle(CraftedFiles.Ops("]q\0h\0a"))), "contains itself");

    [Fact]
    public void A_stride_0_view_of_2_to_the_31_elements_over_6_is_refused_at_load() =>
        Refused("stride0.pth", CraftedFiles.Stride0Pth(), "Lumen accepts views that repeat elements (stride 0) up to 16777216 elements");

    [Fact]
    public void A_small_stride_0_view_loads_as_repeated_elements()
    {
        var path = Write("expand.pth", CraftedFiles.Stride0Pth(numel: 10, stride: 0));
        var d = Assert.IsType<OrderedDictionary<object, object?>>(PyTorchFile.Load(path));
        var t = Assert.IsType<Tensor>(d["w"]);
        Assert.Equal(new float[10], t.ToArray());
    }

    [Fact]
    public void Stride_0_views_are_budgeted_per_file_not_per_tensor()
    {
        // Two views of 2^23 + 1 elements each: either alone fits the 2^24 budget, together they do not.
        const int n = (1 << 23) + 1;
        Assert.NotNull(PyTorchFile.Load(Write("one.pth", CraftedFiles.Stride0Pth(numel: n))));
        var pickle = CraftedFiles.Pickle(CraftedFiles.Ops("}"), CraftedFiles.TensorItem("a", "FloatStorage", "0", 6, n, 0),
                                         CraftedFiles.TensorItem("b", "FloatStorage", "0", 6, n, 0));
        Refused("two.pth", CraftedFiles.TorchZip(pickle, [("0", new byte[24])]), "per file");
    }

    /// <summary>Integer keys whose 32-bit halves are equal all had the same .NET hash (long.GetHashCode xors the halves),
    /// so a dict of them took quadratic time to build; the key comparer now mixes all 64 bits with a per-process seed.</summary>
    [Fact]
    public void Integer_keys_chosen_to_collide_get_distinct_hashes()
    {
        var hashes = Enumerable.Range(1, 10_000).Select(i => PyKeyComparer.Instance.GetHashCode((long)i << 32 | (uint)i)).ToHashSet();
        Assert.True(hashes.Count > 9_900, $"{hashes.Count} distinct hashes for 10,000 keys");
    }

    [Fact]
    public void A_deflated_checkpoint_loads_and_one_whose_directory_lies_about_its_size_is_refused()
    {
        var good = CraftedFiles.Stride0Pth(numel: 6, stride: 1);
        var deflated = CraftedFiles.TorchZip(ZipEntry(good, "archive/data.pkl"), [("0", new byte[24])], deflate: true);
        var d = Assert.IsType<OrderedDictionary<object, object?>>(PyTorchFile.Load(Write("deflated.pth", deflated)));
        Assert.Equal(new float[6], Assert.IsType<Tensor>(d["w"]).ToArray());

        // Claim a 64 KB data.pkl in the central directory (and the local header) where 150 bytes inflate.
        var lying = (byte[])deflated.Clone();
        PatchUncompressedSize(lying, "archive/data.pkl", 65_536);
        var path = Write("lying.pth", lying);
        var ex = Assert.ThrowsAny<CheckpointFormatException>(() => PyTorchFile.Load(path));
        Assert.StartsWith(path + ": ", ex.Message);
    }

    /// <summary>The "overlapping" zip bomb: a second storage entry whose directory record points at the first one's
    /// 1 MB of bytes, so the file holds them once and the reader would read them twice.</summary>
    [Fact]
    public void Zip_entries_that_share_their_bytes_are_refused()
    {
        var big = new byte[1 << 20];
        var pickle = CraftedFiles.Pickle(CraftedFiles.Ops("}"), CraftedFiles.TensorItem("0", "ByteStorage", "0", big.Length, big.Length, 1),
                                         CraftedFiles.TensorItem("1", "ByteStorage", "1", big.Length, big.Length, 1));
        // Honest file first: both storages present, it loads.
        Assert.NotNull(PyTorchFile.Load(Write("honest.pth", CraftedFiles.TorchZip(pickle, [("0", big), ("1", big)]))));
        // Now "archive/data/1" holds 1 byte, and its directory record claims 1 MB at the offset of "archive/data/0".
        var zip = CraftedFiles.TorchZip(pickle, [("0", big), ("1", new byte[1])]);
        int local0 = LocalHeaderOffset(zip, "archive/data/0");
        for (int i = 0; i + 46 < zip.Length; i++)
            if (BitConverter.ToUInt32(zip, i) == 0x02014b50 && zip.AsSpan(i + 46, 14).SequenceEqual("archive/data/1"u8))
            {
                BitConverter.TryWriteBytes(zip.AsSpan(i + 16), BitConverter.ToUInt32(zip, local0 + 14)); // CRC of entry 0
                BitConverter.TryWriteBytes(zip.AsSpan(i + 20), (uint)big.Length);
                BitConverter.TryWriteBytes(zip.AsSpan(i + 24), (uint)big.Length);
                BitConverter.TryWriteBytes(zip.AsSpan(i + 42), (uint)local0);
            }
        Refused("overlap.pth", zip, "beyond what a");
    }

    [Fact]
    public void Legacy_storages_that_together_exceed_the_file_are_refused_before_allocating()
    {
        var bytes = CraftedFiles.LegacyOverDeclaredPth(1000);
        var path = Write("legacy.pth", bytes);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var ex = Assert.ThrowsAny<CheckpointFormatException>(() => PyTorchFile.Load(path));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(ex.Message.Contains("brings the declared storages to"), ex.Message);
        Assert.True(allocated < 16L * bytes.Length + (1 << 20), $"allocated {allocated:N0} bytes for a {bytes.Length:N0}-byte file");
    }

    private static int LocalHeaderOffset(byte[] zip, string name)
    {
        var n = System.Text.Encoding.ASCII.GetBytes(name);
        for (int i = 0; i + 30 + n.Length < zip.Length; i++)
            if (BitConverter.ToUInt32(zip, i) == 0x04034b50 && zip.AsSpan(i + 30, n.Length).SequenceEqual(n)) return i;
        throw new InvalidOperationException(name);
    }

    private static byte[] ZipEntry(byte[] zip, string name)
    {
        using var z = new System.IO.Compression.ZipArchive(new MemoryStream(zip));
        using var s = z.GetEntry(name)!.Open();
        var ms = new MemoryStream();
        s.CopyTo(ms);
        return ms.ToArray();
    }

    private static void PatchUncompressedSize(byte[] zip, string name, uint size)
    {
        var nameBytes = System.Text.Encoding.ASCII.GetBytes(name);
        for (int i = 0; i + 46 < zip.Length; i++)
        {
            uint sig = BitConverter.ToUInt32(zip, i);
            if (sig == 0x04034b50 && zip.AsSpan(i + 30, nameBytes.Length).SequenceEqual(nameBytes)) BitConverter.TryWriteBytes(zip.AsSpan(i + 22), size);
            if (sig == 0x02014b50 && zip.AsSpan(i + 46, nameBytes.Length).SequenceEqual(nameBytes)) BitConverter.TryWriteBytes(zip.AsSpan(i + 24), size);
        }
    }

    [Theory]
    [InlineData("{\"__metadata__\":{\"k\":\"\\ud800\"}}")]
    [InlineData("{\"\\udc00\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]}}")]
    public void Safetensors_headers_with_a_lone_surrogate_are_refused_as_the_reference_does(string header)
    {
        var path = Write("surrogate.safetensors", CraftedFiles.SafeTensorsWithHeader(header));
        var ex = Assert.ThrowsAny<CheckpointFormatException>(() => SafeTensors.Load(path));
        Assert.StartsWith(path + ": ", ex.Message);
        Assert.Contains("lone surrogate", ex.Message);
        Assert.ThrowsAny<CheckpointFormatException>(() => SafeTensors.LoadMetadata(path));
    }
}
