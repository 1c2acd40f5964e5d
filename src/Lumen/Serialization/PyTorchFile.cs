using System.Buffers.Binary;
using System.IO.Compression;
using System.Numerics;
using System.Text;
using Lumen.Serialization.Pickle;

namespace Lumen.Serialization;

/// <summary>
/// PyTorch's checkpoint files (<c>.pt</c>/<c>.pth</c>): reads what <c>torch.save</c> writes and writes files that
/// <c>torch.load</c> reads.
/// <para>Reading accepts the zip format (PyTorch ≥ 1.6: <c>&lt;folder&gt;/data.pkl</c> + <c>&lt;folder&gt;/data/&lt;key&gt;</c>
/// storages) and the legacy pickle-stream format (<c>_use_new_zipfile_serialization=False</c>; the pre-0.4 tar format is
/// not read). The pickle goes through Lumen's own restricted unpickler, which knows only tensor-rebuilding globals:
/// a file that names anything else (<c>os.system</c>, <c>builtins.eval</c>, …) throws
/// <see cref="UnsafePickleException"/> and nothing in it is executed. Other problems throw
/// <see cref="CheckpointFormatException"/> naming the file.</para>
/// <para>Loaded values: None → null, bool, int → long, float → double, str → string, bytes → byte[], tuple →
/// <c>object?[]</c>, list → <c>List&lt;object?&gt;</c>, dict and OrderedDict → <c>OrderedDictionary&lt;object, object?&gt;</c>,
/// tensors → <see cref="Tensor"/> (float64/float16/bfloat16 widened to float32, int32/int16/int8 to int64), parameters →
/// <see cref="Lumen.NN.Parameter"/>. Views come back as views (offset and strides kept) and keys that shared a storage
/// in PyTorch share one buffer in Lumen.</para>
/// </summary>
public static class PyTorchFile
{
    private const int MaxPickleBytes = int.MaxValue / 2;

    /// <summary>Most entries a zip may list. torch.save writes one per storage plus three; the central directory costs
    /// at least 46 bytes an entry, so the file length bounds this anyway; the cap keeps a listing of millions of
    /// entries (a few tens of MB) from being walked.</summary>
    public const int MaxZipEntries = 1 << 20;

    /// <summary>Deflate's largest possible expansion (258 bytes from 2 bits): an entry that claims more than this many
    /// bytes per compressed byte is lying.</summary>
    private const long MaxDeflateRatio = 1032;

    // ------------------------------------------------------------------ reading

    /// <summary>Loads the object <c>torch.save</c> stored in <paramref name="path"/>, PyTorch's <c>torch.load(path)</c>
    /// (with <c>weights_only=True</c>'s safety). Use <see cref="LoadStateDict"/> for a model's weights.</summary>
    public static object? Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        Span<byte> head = stackalloc byte[4];
        int got = fs.ReadAtLeast(head, 4, throwOnEndOfStream: false);
        fs.Position = 0;
        try
        {
            if (got == 4 && head[0] == (byte)'P' && head[1] == (byte)'K' && head[2] == 3 && head[3] == 4) return LoadZip(fs, path);
            if (got >= 1 && head[0] == 0x80) return LoadLegacy(fs, path);
        }
        catch (Exception ex) when (ex is InvalidDataException or EndOfStreamException)
        {
            throw new CheckpointFormatException(path, $"the file is corrupt or truncated ({ex.Message}).", ex);
        }
        throw new CheckpointFormatException(path, got == 0 ? "the file is empty." :
            "not a PyTorch checkpoint: it starts with neither a zip header (PK\\x03\\x04, torch.save since 1.6) nor a pickle " +
            "(0x80, the legacy format).");
    }

    /// <summary>Loads a state dict (parameter name → tensor) from a <c>.pt</c>/<c>.pth</c> file, for
    /// <c>model.LoadStateDict(...)</c>. A file holding a whole training checkpoint (<c>{"model": ..., "epoch": 3}</c>)
    /// works too: see <see cref="ToStateDict"/> for how <paramref name="key"/> picks the entry.</summary>
    public static OrderedDictionary<string, Tensor> LoadStateDict(string path, string? key = null) =>
        ExtractStateDict(Load(path), key, path);

    /// <summary>Extracts a state dict from a loaded object: the object itself when it is a dict of string → tensor;
    /// otherwise the entry named <paramref name="key"/>, or, without a key, the first of <c>"state_dict"</c>,
    /// <c>"model_state_dict"</c>, <c>"model"</c>, <c>"net"</c> that holds one. Throws ArgumentException listing the
    /// available keys when none fits.</summary>
    public static OrderedDictionary<string, Tensor> ToStateDict(object? loaded, string? key = null) => ExtractStateDict(loaded, key, "the checkpoint");

    private static OrderedDictionary<string, Tensor> ExtractStateDict(object? loaded, string? key, string what)
    {
        if (loaded is not OrderedDictionary<object, object?> dict)
            throw new ArgumentException($"{what} holds a {Unpickler.TypeName(loaded)}, not a dict of tensors.");
        if (key != null)
        {
            if (!dict.TryGetValue(key, out var inner))
                throw new ArgumentException($"{what} has no key '{key}'; its keys are: {KeyList(dict)}.");
            return AsStateDict(inner) ?? throw new ArgumentException($"{what}['{key}'] is not a dict of string → tensor.");
        }
        if (AsStateDict(dict) is { } flat) return flat;
        foreach (var k in new[] { "state_dict", "model_state_dict", "model", "net" })
            if (dict.TryGetValue(k, out var inner) && AsStateDict(inner) is { } sd) return sd;
        throw new ArgumentException($"{what} is not a state dict and holds none under a usual key; its keys are: {KeyList(dict)}. " +
                                    "Pass key: to choose one.");
    }

    private static OrderedDictionary<string, Tensor>? AsStateDict(object? o)
    {
        if (o is not OrderedDictionary<object, object?> d) return null;
        var r = new OrderedDictionary<string, Tensor>();
        foreach (var (k, v) in d)
        {
            if (k is not string s || v is not Tensor t) return null;
            r[s] = t;
        }
        return r;
    }

    private static string KeyList(OrderedDictionary<object, object?> d) =>
        string.Join(", ", d.Keys.Take(20).Select(k => k is string s ? $"'{s}'" : k.ToString())) + (d.Count > 20 ? ", …" : "");

    private static object? LoadZip(FileStream fs, string path)
    {
        long fileLength = fs.Length;
        using var zip = new ZipArchive(fs, ZipArchiveMode.Read, leaveOpen: true);
        if (zip.Entries.Count == 0) throw Bad(path, "the zip archive is empty.");
        if (zip.Entries.Count > MaxZipEntries) throw Bad(path, $"the zip lists {zip.Entries.Count} entries, more than the {MaxZipEntries} Lumen accepts.");
        // Entries may share their bytes (a "zip bomb" lists one stored blob under many names): the sum of what is read
        // is bounded by what the file can hold, stored or deflated.
        long readBudget = fileLength * MaxDeflateRatio;
        // PyTorch's reader takes the folder of the first entry as the archive's root ("archive/", "model/", ...).
        var first = zip.Entries[0].FullName;
        int slash = first.IndexOf('/');
        if (slash <= 0) throw Bad(path, $"the zip's first entry '{first}' is not inside a folder, as torch.save writes it.");
        var root = first[..(slash + 1)];
        var pklEntry = zip.GetEntry(root + "data.pkl") ?? throw Bad(path, $"the zip has no '{root}data.pkl' (not a torch.save file?).");
        bool bigEndian = false;
        if (zip.GetEntry(root + "byteorder") is { } bo)
        {
            var order = Encoding.ASCII.GetString(ReadEntry(bo, path, fileLength, 16, ref readBudget)).Trim();
            bigEndian = order switch
            {
                "little" => false,
                "big" => true,
                _ => throw Bad(path, $"'{root}byteorder' says '{order}', expected 'little' or 'big'."),
            };
        }
        var pickle = ReadEntry(pklEntry, path, fileLength, MaxPickleBytes, ref readBudget);

        var storages = new Dictionary<string, (Storage Storage, ElementType Type)>();
        object PersistentLoad(object?[] pid)
        {
            // ('storage', torch.FloatStorage, key, location, numel)
            if (pid.Length != 5 || pid[0] is not string tag || tag != "storage")
                throw Bad(path, $"a persistent id has {pid.Length} fields / tag {Show(pid.ElementAtOrDefault(0))}; expected ('storage', type, key, location, numel).");
            var type = TorchGlobals.StorageType(pid[1]) ?? throw Bad(path, $"a persistent id names {Show(pid[1])} instead of a storage type.");
            if (pid[2] is not string key) throw Bad(path, $"a storage key is a {Unpickler.TypeName(pid[2])}, not a string.");
            if (pid[3] is not string) throw Bad(path, $"storage '{key}' has a location of type {Unpickler.TypeName(pid[3])}, not a string.");
            if (pid[4] is not long numel || numel < 0 || numel > Array.MaxLength)
                throw Bad(path, $"storage '{key}' declares {Show(pid[4])} elements.");
            if (storages.TryGetValue(key, out var known))
            {
                if (known.Type != type || known.Storage.Length != numel)
                    throw Bad(path, $"storage '{key}' is declared twice with different types or sizes.");
                return known.Storage;
            }
            var entry = zip.GetEntry(root + "data/" + key) ?? throw Bad(path, $"storage '{key}' has no '{root}data/{key}' entry.");
            long bytes = numel * type.Size();
            if (entry.Length != bytes)
                throw Bad(path, $"storage '{key}' should hold {numel} × {type.Size()} = {bytes} bytes but '{entry.FullName}' holds {entry.Length}.");
            CheckPlausible(entry, path, fileLength, ref readBudget);
            Storage storage;
            if (entry.Length <= entry.CompressedLength) // stored, as torch.save writes: the bytes are in the file
                using (var s = entry.Open()) storage = ElementTypes.ReadStorage(s, type, (int)numel, bigEndian);
            else // deflated: inflate first, so a lying size costs only what really inflates
                using (var s = new MemoryStream(Inflate(entry, path), writable: false)) storage = ElementTypes.ReadStorage(s, type, (int)numel, bigEndian);
            storages[key] = (storage, type);
            return storage;
        }
        return new Unpickler(pickle, path, PersistentLoad).Load();
    }

    private static byte[] ReadEntry(ZipArchiveEntry e, string path, long fileLength, int maxBytes, ref long readBudget)
    {
        if (e.Length > maxBytes) throw Bad(path, $"'{e.FullName}' is {e.Length} bytes, more than the {maxBytes} expected.");
        CheckPlausible(e, path, fileLength, ref readBudget);
        if (e.Length > e.CompressedLength) return Inflate(e, path);
        var buffer = new byte[e.Length];
        using var s = e.Open();
        s.ReadExactly(buffer);
        return buffer;
    }

    /// <summary>A deflated entry's bytes, grown as they inflate (never sized by the directory's claim up front); fewer
    /// or more bytes than the directory says is an error.</summary>
    private static byte[] Inflate(ZipArchiveEntry e, string path)
    {
        using var s = e.Open();
        var ms = new MemoryStream();
        var chunk = new byte[1 << 16];
        int n;
        while ((n = s.Read(chunk, 0, (int)Math.Min(chunk.Length, e.Length + 1 - ms.Length))) > 0)
        {
            ms.Write(chunk, 0, n);
            if (ms.Length > e.Length) throw Bad(path, $"'{e.FullName}' inflates to more than the {e.Length} bytes its directory entry says.");
        }
        if (ms.Length != e.Length) throw Bad(path, $"'{e.FullName}' inflates to {ms.Length} bytes, not the {e.Length} its directory entry says (truncated?).");
        return ms.ToArray();
    }

    /// <summary>Refuses sizes that the file cannot hold (a corrupt directory must not make us allocate gigabytes): an
    /// entry's compressed bytes must fit in the file, it cannot inflate more than deflate's 1032:1, and all entries read
    /// together cannot exceed that of the whole file (entries that share their bytes are caught here).</summary>
    private static void CheckPlausible(ZipArchiveEntry e, string path, long fileLength, ref long readBudget)
    {
        if (e.CompressedLength > fileLength || e.Length > e.CompressedLength * MaxDeflateRatio + 1024)
            throw Bad(path, $"'{e.FullName}' claims {e.Length} bytes ({e.CompressedLength} compressed) in a {fileLength}-byte file.");
        long cost = e.Length <= e.CompressedLength ? e.Length * MaxDeflateRatio : e.Length; // stored bytes count 1032 times
        if (cost > readBudget)
            throw Bad(path, $"'{e.FullName}' ({e.Length} bytes) brings the bytes read from the zip beyond what a {fileLength}-byte file " +
                            "can hold (do several entries share the same data?).");
        readBudget -= cost;
    }

    private static readonly BigInteger LegacyMagic = BigInteger.Parse("1950a86a20f9469cfc6c", System.Globalization.NumberStyles.HexNumber);

    /// <summary>The format torch.save wrote before 1.6 (and with <c>_use_new_zipfile_serialization=False</c>): pickles
    /// of the magic number, protocol version, sys info, the object (storages as persistent ids), the sorted storage
    /// keys, then each storage as an int64 element count and its raw bytes. The file is read into memory once.</summary>
    private static object? LoadLegacy(FileStream fs, string path)
    {
        if (fs.Length > int.MaxValue) throw Bad(path, "legacy-format files above 2 GB are not supported; re-save with a current torch.save.");
        var data = new byte[fs.Length];
        fs.ReadExactly(data);
        var u = new Unpickler(data, path);
        var magic = u.Load();
        if (magic is not BigInteger m || m != LegacyMagic)
            throw Bad(path, "the file is a pickle but not a PyTorch checkpoint (no torch.save magic number).");
        u = new Unpickler(data, path, start: u.Position);
        if (u.Load() is not long version || version != 1001) throw Bad(path, "the legacy protocol version is not 1001.");
        u = new Unpickler(data, path, start: u.Position);
        if (u.Load() is not OrderedDictionary<object, object?> sysInfo) throw Bad(path, "the legacy sys_info record is not a dict.");
        if (sysInfo.TryGetValue("little_endian", out var le) && le is false)
            throw Bad(path, "the file was written on a big-endian machine, which Lumen's legacy reader does not support.");

        var storages = new Dictionary<string, (Storage Storage, ElementType Type)>();
        long declaredBytes = 0;
        object PersistentLoad(object?[] pid)
        {
            // ('storage', torch.FloatStorage, key, location, numel, view_metadata)
            if (pid.Length != 6 || pid[0] is not string tag || tag != "storage")
                throw Bad(path, $"a persistent id has {pid.Length} fields / tag {Show(pid.ElementAtOrDefault(0))}; expected the legacy ('storage', type, key, location, numel, None).");
            var type = TorchGlobals.StorageType(pid[1]) ?? throw Bad(path, $"a persistent id names {Show(pid[1])} instead of a storage type.");
            if (pid[2] is not string key) throw Bad(path, $"a storage key is a {Unpickler.TypeName(pid[2])}, not a string.");
            if (pid[5] != null) throw Bad(path, $"storage '{key}' is a storage view (the pre-0.4 format), which Lumen does not read.");
            if (pid[4] is not long numel || numel < 0 || numel > data.Length / type.Size())
                throw Bad(path, $"storage '{key}' declares {Show(pid[4])} elements, more than the file can hold.");
            if (storages.TryGetValue(key, out var known))
            {
                if (known.Type != type || known.Storage.Length != numel) throw Bad(path, $"storage '{key}' is declared twice with different types or sizes.");
                return known.Storage;
            }
            // Each storage's bytes must be in the data section: together they cannot exceed the file.
            declaredBytes += numel * type.Size();
            if (declaredBytes > data.Length) throw Bad(path, $"storage '{key}' brings the declared storages to {declaredBytes} bytes, more than the file holds.");
            var storage = Storage.Allocate(type.Target(), (int)numel);
            storages[key] = (storage, type);
            return storage;
        }
        u = new Unpickler(data, path, PersistentLoad, u.Position);
        var result = u.Load();
        u = new Unpickler(data, path, start: u.Position);
        if (u.Load() is not List<object?> keys) throw Bad(path, "the legacy storage-key list is missing.");
        var stream = new MemoryStream(data, writable: false) { Position = u.Position };
        var filled = new HashSet<string>();
        Span<byte> n8 = stackalloc byte[8];
        foreach (var k in keys)
        {
            if (k is not string key || !storages.TryGetValue(key, out var s))
                throw Bad(path, $"the storage-key list names {Show(k)}, which no tensor uses.");
            if (!filled.Add(key)) throw Bad(path, $"storage '{key}' is listed twice.");
            stream.ReadExactly(n8);
            long n = BinaryPrimitives.ReadInt64LittleEndian(n8);
            if (n != s.Storage.Length) throw Bad(path, $"storage '{key}' holds {n} elements in the data section but {s.Storage.Length} in its persistent id.");
            ElementTypes.ReadInto(stream, s.Type, s.Storage.Data);
        }
        if (filled.Count != storages.Count)
            throw Bad(path, $"{storages.Count - filled.Count} storage(s) have no data in the file (truncated?).");
        return result;
    }

    // ------------------------------------------------------------------ writing

    /// <summary>Writes <paramref name="obj"/> — a state dict (<c>model.StateDict()</c>) or a checkpoint tree of
    /// dictionaries, lists, tuples (<c>object?[]</c>), numbers, strings, bools, nulls and tensors — as PyTorch 1.13's
    /// <c>torch.save</c> does: a zip of <c>archive/data.pkl</c> (a protocol-2 pickle), <c>archive/byteorder</c>,
    /// <c>archive/data/&lt;n&gt;</c> (one per distinct storage, whole, so views and shared storages survive) and
    /// <c>archive/version</c>. <c>torch.load</c> reads it, with <c>weights_only=True</c> too. The file is written to a
    /// temporary file in the same folder and renamed, so a crash mid-write leaves any previous file intact.</summary>
    public static void Save(object? obj, string path) => AtomicFile.Write(path, s => Save(obj, s));

    /// <summary>Writes the checkpoint bytes to <paramref name="stream"/> (see <see cref="Save(object?, string)"/>).</summary>
    public static void Save(object? obj, Stream stream)
    {
        var writer = new PickleWriter();
        var pickle = writer.Pickle(obj);
        var zip = new ZipStoreWriter(stream);
        zip.Add("archive/data.pkl", pickle);
        zip.Add("archive/byteorder", "little"u8);
        foreach (var (key, storage) in writer.Storages) zip.Add("archive/data/" + key, ElementTypes.Bytes(storage.Data));
        zip.Add("archive/version", "3\n"u8);
        zip.Finish();
    }

    private static string Show(object? v) => v is string s ? $"'{s}'" : v is long or bool ? v.ToString()! : Unpickler.TypeName(v);

    private static CheckpointFormatException Bad(string path, string problem) => new(path, problem);
}
