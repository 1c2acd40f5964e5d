using System.Buffers.Binary;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Lumen.Serialization;

/// <summary>
/// Lumen's native checkpoint format, Hugging Face's safetensors: an 8-byte little-endian header length N, N bytes
/// of JSON (<c>{"name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, "__metadata__": {..}}</c>,
/// padded with spaces to a multiple of 8), then the raw little-endian data of every tensor, back to back. Nothing in
/// the file is ever executed, so it is safe to load from anywhere.
/// <para>Order: the writer keeps the caller's order (a state dict's registration order) both in the header and in
/// the data. The reference writer instead sorts by descending dtype alignment, then by name, so that every tensor is
/// aligned for memory mapping; Lumen reads through a FileStream and does not need that, readers do not care about
/// the order, and keeping it makes <c>Load(Save(sd))</c> return the keys in <c>sd</c>'s order.</para>
/// </summary>
public static class SafeTensors
{
    /// <summary>The reference implementation's limit on the JSON header (100 MB).</summary>
    public const int MaxHeaderBytes = 100_000_000;
    private const string MetadataKey = "__metadata__";

    // ------------------------------------------------------------------ writing

    /// <summary>Writes <paramref name="tensors"/> (e.g. <c>model.StateDict()</c>) to <paramref name="path"/>, with
    /// optional string <paramref name="metadata"/> (the header's <c>__metadata__</c>), like safetensors'
    /// <c>save_file(tensors, path, metadata)</c>. The file is written to a temporary file in the same folder and
    /// renamed, so a crash mid-write leaves any previous checkpoint at <paramref name="path"/> intact. Views are written
    /// as their row-major elements; tensors that share storage are written once each (no sharing in the file).</summary>
    public static void Save(IEnumerable<KeyValuePair<string, Tensor>> tensors, string path,
                            IReadOnlyDictionary<string, string>? metadata = null)
    {
        var list = Prepare(tensors, metadata);
        AtomicFile.Write(path, s => WriteTo(list, metadata, s));
    }

    /// <summary>Writes the safetensors bytes of <paramref name="tensors"/> to <paramref name="stream"/>.</summary>
    public static void Save(IEnumerable<KeyValuePair<string, Tensor>> tensors, Stream stream,
                            IReadOnlyDictionary<string, string>? metadata = null) =>
        WriteTo(Prepare(tensors, metadata), metadata, stream);

    private static List<KeyValuePair<string, Tensor>> Prepare(IEnumerable<KeyValuePair<string, Tensor>> tensors,
                                                              IReadOnlyDictionary<string, string>? metadata)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var list = tensors.ToList();
        var seen = new HashSet<string>();
        foreach (var (name, t) in list)
        {
            if (name == null) throw new ArgumentException("SafeTensors.Save: a tensor name is null.");
            if (name == MetadataKey) throw new ArgumentException($"SafeTensors.Save: '{MetadataKey}' is reserved for the metadata and cannot name a tensor.");
            if (!seen.Add(name)) throw new ArgumentException($"SafeTensors.Save: the name '{name}' appears twice.");
            if (t == null) throw new ArgumentException($"SafeTensors.Save: tensor '{name}' is null.");
        }
        if (metadata != null)
            foreach (var (k, v) in metadata)
                if (k == null || v == null) throw new ArgumentException("SafeTensors.Save: metadata keys and values must not be null.");
        return list;
    }

    private static void WriteTo(List<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata, Stream stream)
    {
        var header = BuildHeader(tensors, metadata);
        Span<byte> len = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(len, (ulong)header.Length);
        stream.Write(len);
        stream.Write(header);
        foreach (var (_, t) in tensors) stream.Write(ElementTypes.RowMajorBytes(t));
        stream.Flush();
    }

    private static byte[] BuildHeader(List<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata)
    {
        var buffer = new MemoryStream();
        // Compact JSON as the reference writes it; non-ASCII names stay raw UTF-8 instead of \uXXXX escapes.
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            if (metadata != null)
            {
                w.WriteStartObject(MetadataKey);
                foreach (var (k, v) in metadata) w.WriteString(k, v);
                w.WriteEndObject();
            }
            long offset = 0;
            foreach (var (name, t) in tensors)
            {
                long bytes = (long)t.Numel() * ElementTypes.FromDType(t.DType).Size();
                w.WriteStartObject(name);
                w.WriteString("dtype", DTypeName(t.DType));
                w.WriteStartArray("shape");
                foreach (var d in t.Shape.ToArray()) w.WriteNumberValue(d);
                w.WriteEndArray();
                w.WriteStartArray("data_offsets");
                w.WriteNumberValue(offset);
                w.WriteNumberValue(offset + bytes);
                w.WriteEndArray();
                w.WriteEndObject();
                offset += bytes;
            }
            w.WriteEndObject();
        }
        // Pad with spaces to a multiple of 8 so the data section starts 8-byte aligned, as the reference does.
        int pad = (int)((8 - buffer.Length % 8) % 8);
        for (int i = 0; i < pad; i++) buffer.WriteByte((byte)' ');
        return buffer.ToArray();
    }

    private static string DTypeName(DType d) => d switch
    {
        DType.Float32 => "F32",
        DType.Int64 => "I64",
        DType.UInt8 => "U8",
        DType.Bool => "BOOL",
        _ => throw new ArgumentOutOfRangeException(nameof(d)),
    };

    // ------------------------------------------------------------------ reading

    /// <summary>Reads every tensor of a safetensors file, in the header's order, like safetensors' <c>load_file</c>.
    /// F32, I64, U8 and BOOL load as they are; F64/F16/BF16 are widened to float32 and I32/I16/I8 to int64 (Lumen's
    /// compute dtypes). The whole file is validated first (header length against the file size, JSON shape, known
    /// dtypes, offsets that tile the data section exactly, shape × dtype size = byte length); any problem throws
    /// <see cref="CheckpointFormatException"/> naming the file. Data is read straight into the tensors' arrays.</summary>
    public static OrderedDictionary<string, Tensor> Load(string path) => Read(path, loadTensors: true).Tensors;

    /// <summary>The header's <c>__metadata__</c> string map (empty when absent); reads only the header.</summary>
    public static Dictionary<string, string> LoadMetadata(string path) => Read(path, loadTensors: false).Metadata;

    private sealed record Entry(string Name, ElementType Type, int[] Shape, long Begin, long End);

    private static (OrderedDictionary<string, Tensor> Tensors, Dictionary<string, string> Metadata) Read(string path, bool loadTensors)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        try
        {
            long fileLength = fs.Length;
            if (fileLength < 8)
                throw Bad(path, $"the file has {fileLength} bytes, fewer than the 8-byte header length that starts a safetensors file.");
            Span<byte> lenBytes = stackalloc byte[8];
            fs.ReadExactly(lenBytes);
            ulong n = BinaryPrimitives.ReadUInt64LittleEndian(lenBytes);
            if (n > MaxHeaderBytes)
                throw Bad(path, $"the header length is {n} bytes, above the {MaxHeaderBytes}-byte limit (not a safetensors file, or corrupt).");
            if (8 + (long)n > fileLength)
                throw Bad(path, $"the header length is {n} bytes but the file has only {fileLength - 8} bytes after the length field (truncated?).");
            var header = new byte[n];
            fs.ReadExactly(header);
            var (entries, metadata) = ParseHeader(path, header);
            long dataLength = fileLength - 8 - (long)n;
            ValidateLayout(path, entries, dataLength);

            var result = new OrderedDictionary<string, Tensor>();
            if (!loadTensors) return (result, metadata);
            long dataStart = 8 + (long)n;
            var tensors = new Tensor[entries.Count];
            foreach (var i in Enumerable.Range(0, entries.Count).OrderBy(i => entries[i].Begin)) // sequential reads
            {
                var e = entries[i];
                fs.Position = dataStart + e.Begin;
                int count = ShapeUtil.NumelInt(e.Shape);
                Storage storage;
                try { storage = ElementTypes.ReadStorage(fs, e.Type, count); }
                catch (InvalidDataException ex) { throw Bad(path, $"tensor '{e.Name}': {ex.Message}."); }
                tensors[i] = new Tensor(storage, e.Shape, ShapeUtil.ContiguousStrides(e.Shape), 0);
            }
            for (int i = 0; i < entries.Count; i++) result[entries[i].Name] = tensors[i];
            return (result, metadata);
        }
        catch (EndOfStreamException ex)
        {
            throw Bad(path, "the file ended early (it was truncated while being read?).", ex);
        }
    }

    private static (List<Entry>, Dictionary<string, string>) ParseHeader(string path, byte[] header)
    {
        if (header.Length == 0 || header[0] != (byte)'{')
            throw Bad(path, "the JSON header does not start with '{' (not a safetensors file, or corrupt).");
        if (!System.Text.Unicode.Utf8.IsValid(header))
            throw Bad(path, "the header is not valid UTF-8.");
        JsonDocument doc;
        try { doc = JsonDocument.Parse(header, new JsonDocumentOptions { MaxDepth = 8 }); }
        catch (JsonException ex) { throw Bad(path, $"the header is not valid UTF-8 JSON: {ex.Message}", ex); }
        using (doc)
        {
            try { return ParseHeader(path, doc); }
            catch (InvalidOperationException ex)
            {
                // System.Text.Json parses "\ud800" but cannot turn it into a string; serde_json, which the reference
                // reader uses, refuses such a header outright ("lone leading surrogate in hex escape").
                throw Bad(path, "the header holds a string that is not valid Unicode (an escaped lone surrogate such as \\ud800); " +
                                "the reference safetensors reader refuses such headers too.", ex);
            }
        }
    }

    private static (List<Entry>, Dictionary<string, string>) ParseHeader(string path, JsonDocument doc)
    {
        if (doc.RootElement.ValueKind != JsonValueKind.Object)
            throw Bad(path, "the header is not a JSON object.");
        var entries = new List<Entry>();
        var metadata = new Dictionary<string, string>();
        var names = new HashSet<string>();
        foreach (var p in doc.RootElement.EnumerateObject())
        {
            if (!names.Add(p.Name)) throw Bad(path, $"the header names '{p.Name}' twice.");
            if (p.Name == MetadataKey)
            {
                if (p.Value.ValueKind != JsonValueKind.Object) throw Bad(path, $"'{MetadataKey}' is not a JSON object of strings.");
                foreach (var m in p.Value.EnumerateObject())
                {
                    if (m.Value.ValueKind != JsonValueKind.String)
                        throw Bad(path, $"metadata entry '{m.Name}' is a {m.Value.ValueKind}, not a string.");
                    metadata[m.Name] = m.Value.GetString()!;
                }
                continue;
            }
            entries.Add(ParseEntry(path, p.Name, p.Value));
        }
        return (entries, metadata);
    }

    private static Entry ParseEntry(string path, string name, JsonElement v)
    {
        if (v.ValueKind != JsonValueKind.Object) throw Bad(path, $"tensor '{name}': its header entry is not a JSON object.");
        if (!v.TryGetProperty("dtype", out var dt) || dt.ValueKind != JsonValueKind.String)
            throw Bad(path, $"tensor '{name}': 'dtype' is missing or not a string.");
        var type = dt.GetString() switch
        {
            "F32" => ElementType.F32, "F64" => ElementType.F64, "F16" => ElementType.F16, "BF16" => ElementType.BF16,
            "I64" => ElementType.I64, "I32" => ElementType.I32, "I16" => ElementType.I16, "I8" => ElementType.I8,
            "U8" => ElementType.U8, "BOOL" => ElementType.Bool,
            var s => throw Bad(path, $"tensor '{name}': dtype '{s}' is unknown or not supported by Lumen " +
                                     "(supported: F32, F64, F16, BF16, I64, I32, I16, I8, U8, BOOL)."),
        };
        if (!v.TryGetProperty("shape", out var sh) || sh.ValueKind != JsonValueKind.Array)
            throw Bad(path, $"tensor '{name}': 'shape' is missing or not an array.");
        var shape = new int[sh.GetArrayLength()];
        long numel = 1;
        int k = 0;
        foreach (var d in sh.EnumerateArray())
        {
            if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt32(out var di) || di < 0)
                throw Bad(path, $"tensor '{name}': shape entry {d} is not a non-negative 32-bit integer.");
            shape[k++] = di;
            const long cap = long.MaxValue / 16; // saturate instead of overflowing; rejected below
            numel = numel == 0 || di == 0 ? 0 : numel > cap / di ? cap : numel * di;
        }
        if (numel > Array.MaxLength)
            throw Bad(path, $"tensor '{name}': shape {ShapeUtil.Str(shape)} has more elements than a .NET array can hold.");
        if (!v.TryGetProperty("data_offsets", out var off) || off.ValueKind != JsonValueKind.Array || off.GetArrayLength() != 2)
            throw Bad(path, $"tensor '{name}': 'data_offsets' is missing or not a [begin, end] pair.");
        long begin = Offset(path, name, off[0]), end = Offset(path, name, off[1]);
        if (end < begin) throw Bad(path, $"tensor '{name}': data_offsets [{begin}, {end}] end before they begin.");
        long expected = numel * type.Size();
        if (end - begin != expected)
            throw Bad(path, $"tensor '{name}': shape {ShapeUtil.Str(shape)} of {dt.GetString()} needs {expected} bytes but data_offsets " +
                            $"[{begin}, {end}] span {end - begin}.");
        return new Entry(name, type, shape, begin, end);
    }

    private static long Offset(string path, string name, JsonElement e)
    {
        if (e.ValueKind != JsonValueKind.Number || !e.TryGetInt64(out var v) || v < 0)
            throw Bad(path, $"tensor '{name}': data offset {e} is not a non-negative integer.");
        return v;
    }

    /// <summary>The reference reader's rule: sorted by offset, the tensors tile [0, data length) exactly, without
    /// overlaps or holes.</summary>
    private static void ValidateLayout(string path, List<Entry> entries, long dataLength)
    {
        long expect = 0;
        foreach (var e in entries.OrderBy(e => e.Begin).ThenBy(e => e.End))
        {
            if (e.Begin < expect)
                throw Bad(path, $"tensor '{e.Name}': data_offsets [{e.Begin}, {e.End}] overlap the previous tensor's data (which ends at {expect}).");
            if (e.Begin > expect)
                throw Bad(path, $"tensor '{e.Name}': data_offsets [{e.Begin}, {e.End}] leave a hole after byte {expect} of the data section.");
            expect = e.End;
        }
        if (expect != dataLength)
            throw Bad(path, expect > dataLength
                ? $"the header describes {expect} bytes of tensor data but the file holds only {dataLength} (truncated?)."
                : $"the header describes {expect} bytes of tensor data but the file holds {dataLength} (trailing bytes).");
    }

    private static CheckpointFormatException Bad(string path, string problem, Exception? inner = null) => new(path, problem, inner);
}
