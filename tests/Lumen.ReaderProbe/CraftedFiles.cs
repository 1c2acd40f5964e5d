using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Lumen.ReaderProbe;

/// <summary>The crafted inputs of issue 16 (robustness II), rebuilt byte by byte: each one killed the process (stack
/// overflow) or allocated far more than the file could encode before Lumen checked that the data exists. The regression
/// tests load them in-process and, under <c>DOTNET_GCHeapHardLimit=1GiB</c>, in a child process (the probe's Program).</summary>
public static class CraftedFiles
{
    /// <summary>Writes every crafted input into <paramref name="dir"/> and returns the paths (files, or a dataset root
    /// folder whose name starts with "mnist_").</summary>
    public static IReadOnlyList<string> WriteAll(string dir)
    {
        Directory.CreateDirectory(dir);
        var files = new List<string>();
        void Add(string name, byte[] bytes) { var p = Path.Combine(dir, name); File.WriteAllBytes(p, bytes); files.Add(p); }
        Add("nested_rebuild_from_type_v2.pth", NestedRebuildFromTypePth(10_000));
        Add("deep_tuple_key.pth", DeepTupleKeyPth(45_000));
        Add("stride0_2g_elements.pth", Stride0Pth());
        Add("ac_first_progressive_16384.jpg", AcFirstProgressiveJpeg(16384));
        Add("huge_ihdr.png", HugePng());
        Add("header_only.ppm", Encoding.ASCII.GetBytes("P6 16384 16384 255\n"));
        Add("lone_surrogate.safetensors", SafeTensorsWithHeader("{\"__metadata__\":{\"k\":\"\\ud800\"}}"));
        files.Add(WriteIdxGzBomb(Path.Combine(dir, "mnist_gz_bomb"), 600L << 20));
        return files;
    }

    // ---------------------------------------------------------------- pickles and zips

    /// <summary>A pickle: PROTO 2, the opcodes, STOP.</summary>
    public static byte[] Pickle(params byte[][] body) => [0x80, 2, .. body.SelectMany(b => b), (byte)'.'];

    /// <summary>GLOBAL module.name.</summary>
    public static byte[] Global(string module, string name) => Encoding.ASCII.GetBytes($"c{module}\n{name}\n");

    /// <summary>BINUNICODE s.</summary>
    public static byte[] Str(string s)
    {
        var b = Encoding.UTF8.GetBytes(s);
        return [(byte)'X', .. BitConverter.GetBytes(b.Length), .. b];
    }

    /// <summary>Opcodes given as characters.</summary>
    public static byte[] Ops(string ops) => ops.Select(c => (byte)c).ToArray();

    /// <summary>A torch.save-style zip (stored entries unless <paramref name="deflate"/>): archive/data.pkl,
    /// archive/data/&lt;key&gt; for each storage, archive/version.</summary>
    public static byte[] TorchZip(byte[] pickle, IEnumerable<(string Key, byte[] Data)>? storages = null, bool deflate = false)
    {
        var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
        {
            void Add(string name, byte[] data)
            {
                var e = zip.CreateEntry(name, deflate ? CompressionLevel.Optimal : CompressionLevel.NoCompression);
                using var s = e.Open();
                s.Write(data);
            }
            Add("archive/data.pkl", pickle);
            foreach (var (key, data) in storages ?? []) Add("archive/data/" + key, data);
            Add("archive/version", "3\n"u8.ToArray());
        }
        return ms.ToArray();
    }

    /// <summary>Issue 16, point 1: <c>torch._tensor._rebuild_from_type_v2</c> wrapping itself <paramref name="depth"/>
    /// times (7 bytes a level: 70 KB for 10,000): the rebuild recursed once per level and overflowed the stack.</summary>
    public static byte[] NestedRebuildFromTypePth(int depth)
    {
        var b = new List<byte>();
        b.AddRange(Global("torch._tensor", "_rebuild_from_type_v2")); b.AddRange(Ops("q\0"));
        b.AddRange(Global("torch", "Tensor")); b.AddRange(Ops("q\u0001"));
        b.AddRange(Ops("h\0"));
        for (int i = 0; i < depth; i++) b.AddRange(Ops("(h\0h\u0001"));
        b.Add((byte)')');
        for (int i = 0; i < depth; i++) b.AddRange(Ops("}t"));
        b.Add((byte)'R');
        return TorchZip(Pickle(b.ToArray()));
    }

    /// <summary>Issue 16, point 1: a dict whose key is a 1-tuple nested <paramref name="depth"/> deep (1 byte a level):
    /// hashing the key recursed once per level and overflowed the stack.</summary>
    public static byte[] DeepTupleKeyPth(int depth) =>
        TorchZip(Pickle(Ops("})"), Enumerable.Repeat((byte)0x85, depth).ToArray(), Ops("Ns")));

    /// <summary>Issue 16, point 5: a float tensor of size (2^31 − 1,) and stride (0,) over a 6-element storage. It passes
    /// PyTorch's bounds check (its largest index, 0, is inside the storage) and reading it would allocate 8 GB.</summary>
    public static byte[] Stride0Pth(int numel = int.MaxValue, int stride = 0) =>
        TorchZip(Pickle(Ops("}"), TensorItem("w", "FloatStorage", "0", 6, numel, stride)), [("0", new byte[24])]);

    /// <summary>The opcodes that add <c>key: _rebuild_tensor_v2(storage, 0, (size,), (stride,), False, {})</c> to the dict
    /// on top of the stack, the storage being ('storage', torch.<paramref name="storageType"/>, <paramref name="storageKey"/>,
    /// 'cpu', <paramref name="storageNumel"/>).</summary>
    public static byte[] TensorItem(string key, string storageType, string storageKey, int storageNumel, int size, int stride) =>
    [
        .. Str(key), .. Global("torch._utils", "_rebuild_tensor_v2"), .. Ops("(("), .. Str("storage"), .. Global("torch", storageType),
        .. Str(storageKey), .. Str("cpu"), (byte)'J', .. BitConverter.GetBytes(storageNumel), .. Ops("tQK\0J"), .. BitConverter.GetBytes(size),
        0x85, (byte)'J', .. BitConverter.GetBytes(stride), 0x85, 0x89, .. Ops("}tRs"),
    ];

    /// <summary>A legacy-format (pre-1.6) .pth whose pickle declares <paramref name="storages"/> float storages, each as
    /// large as the whole file, and no storage data: each alone could fit, together they cannot. The reader allocated
    /// them all before reading the data section.</summary>
    public static byte[] LegacyOverDeclaredPth(int storages)
    {
        byte[] Build(int numel)
        {
            var obj = new List<byte>(Ops("}"));
            var keys = new List<byte>(Ops("]("));
            for (int i = 0; i < storages; i++)
            {
                obj.AddRange(Str("k" + i)); obj.AddRange(Ops("(")); obj.AddRange(Str("storage")); obj.AddRange(Global("torch", "FloatStorage"));
                obj.AddRange(Str(i.ToString())); obj.AddRange(Str("cpu")); obj.AddRange(Ops("J")); obj.AddRange(BitConverter.GetBytes(numel));
                obj.AddRange(Ops("NtQs"));
                keys.AddRange(Str(i.ToString()));
            }
            keys.Add((byte)'e');
            return [.. Pickle([0x8a, 10, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19]), .. Pickle([(byte)'M', 0xe9, 0x03]),
                    .. Pickle(Ops("}")), .. Pickle(obj.ToArray()), .. Pickle(keys.ToArray())];
        }
        return Build(Build(0).Length / 4); // the numel field has a fixed width: the length does not depend on it
    }

    // ---------------------------------------------------------------- images

    /// <summary>Issue 16, point 5: a progressive 3-component <paramref name="size"/>² JPEG whose first scan is an AC scan
    /// of EOB runs (32,767 blocks per 15 bits): a few hundred bytes made the decoder allocate its 2.4 GB of planes and
    /// coefficients.</summary>
    public static byte[] AcFirstProgressiveJpeg(int size)
    {
        var b = new List<byte> { 0xFF, 0xD8 };
        b.AddRange(new byte[] { 0xFF, 0xDB, 0, 67, 0 }); b.AddRange(Enumerable.Repeat((byte)1, 64));
        b.AddRange(new byte[] { 0xFF, 0xC2, 0, 17, 8, (byte)(size >> 8), (byte)size, (byte)(size >> 8), (byte)size, 3, 1, 0x11, 0, 2, 0x11, 0, 3, 0x11, 0 });
        // One AC code of length 1: symbol 0xE0, an EOB run of 2^14 + 14 extra bits.
        b.AddRange(new byte[] { 0xFF, 0xC4, 0, 20, 0x10, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xE0 });
        b.AddRange(new byte[] { 0xFF, 0xDA, 0, 8, 1, 1, 0x00, 1, 63, 0 });
        long blocks = (long)(size / 8) * (size / 8);
        var bits = new List<bool>();
        for (long covered = 0; covered < blocks; covered += 32767)
        {
            bits.Add(false);
            for (int i = 0; i < 14; i++) bits.Add(true);
        }
        while (bits.Count % 8 != 0) bits.Add(true);
        for (int i = 0; i < bits.Count; i += 8)
        {
            int v = 0;
            for (int k = 0; k < 8; k++) v = v << 1 | (bits[i + k] ? 1 : 0);
            b.Add((byte)v);
            if (v == 0xFF) b.Add(0); // byte stuffing
        }
        b.AddRange(new byte[] { 0xFF, 0xD9 });
        return b.ToArray();
    }

    /// <summary>Issue 16, point 5: a 69-byte PNG that declares 16384 × 16384 RGBA and holds 11 bytes of zlib data; the
    /// decoder allocated the 1 GB of filtered rows before inflating.</summary>
    public static byte[] HugePng(uint width = 16384, uint height = 16384)
    {
        var ms = new MemoryStream();
        ms.Write([137, 80, 78, 71, 13, 10, 26, 10]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteUInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteUInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8; ihdr[9] = 6;
        PngChunk(ms, "IHDR", ihdr);
        var z = new MemoryStream();
        using (var zs = new ZLibStream(z, CompressionLevel.SmallestSize, leaveOpen: true)) zs.Write(new byte[64]);
        PngChunk(ms, "IDAT", z.ToArray());
        PngChunk(ms, "IEND", []);
        return ms.ToArray();
    }

    private static void PngChunk(Stream s, string type, byte[] body)
    {
        Span<byte> n = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(n, (uint)body.Length);
        s.Write(n);
        var t = Encoding.ASCII.GetBytes(type);
        s.Write(t);
        s.Write(body);
        BinaryPrimitives.WriteUInt32BigEndian(n, Crc32([.. t, .. body]));
        s.Write(n);
    }

    private static uint Crc32(byte[] data)
    {
        uint c = 0xFFFFFFFF;
        foreach (var d in data)
        {
            c ^= d;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
        }
        return ~c;
    }

    // ---------------------------------------------------------------- safetensors and IDX

    /// <summary>A safetensors file with the given JSON header (padded to 8 bytes) and no tensor data.</summary>
    public static byte[] SafeTensorsWithHeader(string json)
    {
        var h = Encoding.UTF8.GetBytes(json);
        int padded = (h.Length + 7) / 8 * 8;
        var b = new byte[8 + padded];
        BinaryPrimitives.WriteUInt64LittleEndian(b, (ulong)padded);
        h.CopyTo(b, 8);
        b.AsSpan(8 + h.Length).Fill((byte)' ');
        return b;
    }

    /// <summary>Issue 16, point 5: an MNIST root whose train-images .gz declares 60000 × 28 × 28 but inflates to
    /// <paramref name="inflatedBytes"/> (≈ 1,000 × its size): the reader buffered everything before comparing, growing a
    /// MemoryStream to 1 GiB and copying it (3 GB in all). Returns the root folder.</summary>
    public static string WriteIdxGzBomb(string root, long inflatedBytes)
    {
        var raw = Path.Combine(root, "MNIST", "raw");
        Directory.CreateDirectory(raw);
        File.WriteAllBytes(Path.Combine(raw, "train-images-idx3-ubyte.gz"), IdxGzBomb(60000, inflatedBytes));
        var labels = new byte[8 + 60000];
        labels[2] = 8; labels[3] = 1;
        BinaryPrimitives.WriteInt32BigEndian(labels.AsSpan(4), 60000);
        File.WriteAllBytes(Path.Combine(raw, "train-labels-idx1-ubyte"), labels);
        return root;
    }

    /// <summary>A gzip stream of an IDX header for <paramref name="images"/> 28 × 28 images followed by zeros, in all
    /// <paramref name="inflatedBytes"/> after the header.</summary>
    public static byte[] IdxGzBomb(int images, long inflatedBytes)
    {
        var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true))
        {
            var header = new byte[16];
            header[2] = 8; header[3] = 3;
            BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), images);
            BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(8), 28);
            BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(12), 28);
            gz.Write(header);
            var zeros = new byte[1 << 20];
            for (long left = inflatedBytes; left > 0; left -= zeros.Length) gz.Write(zeros, 0, (int)Math.Min(left, zeros.Length));
        }
        return ms.ToArray();
    }
}
