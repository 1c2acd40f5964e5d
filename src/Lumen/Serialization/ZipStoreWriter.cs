using System.Buffers.Binary;
using System.Text;

namespace Lumen.Serialization;

/// <summary>Writes a zip archive of stored (uncompressed) entries the way PyTorch's own writer does: each entry's data
/// starts on a 64-byte boundary (the local header's extra field is padded with an "FB" record), so readers can map
/// tensors straight from the file. No ZIP64: the archive must stay under 4 GiB and 65,535 entries.</summary>
internal sealed class ZipStoreWriter
{
    private const int Alignment = 64;
    private readonly Stream _out;
    private readonly List<(byte[] Name, uint Crc, uint Size, uint Offset)> _entries = new();
    private long _pos;

    public ZipStoreWriter(Stream output) => _out = output;

    public void Add(string name, ReadOnlySpan<byte> data)
    {
        var nameBytes = Encoding.UTF8.GetBytes(name);
        if (_pos > uint.MaxValue || data.Length > uint.MaxValue - _pos || _entries.Count == ushort.MaxValue)
            throw new NotSupportedException("The checkpoint exceeds 4 GiB or 65,535 entries, which needs ZIP64; Lumen's .pth writer " +
                                            "does not write ZIP64 — save it as .safetensors instead.");
        uint crc = System.IO.Hashing.Crc32.HashToUInt32(data);
        long dataStart = _pos + 30 + nameBytes.Length;
        int pad = (int)((Alignment - dataStart % Alignment) % Alignment);
        if (pad is > 0 and < 4) pad += Alignment; // an extra-field record needs at least its 4-byte header
        Span<byte> h = stackalloc byte[30];
        BinaryPrimitives.WriteUInt32LittleEndian(h, 0x04034b50);       // local file header signature
        BinaryPrimitives.WriteUInt16LittleEndian(h[4..], 20);          // version needed (2.0)
        BinaryPrimitives.WriteUInt16LittleEndian(h[6..], 0);           // flags
        BinaryPrimitives.WriteUInt16LittleEndian(h[8..], 0);           // method: stored
        BinaryPrimitives.WriteUInt16LittleEndian(h[10..], 0);          // time 00:00
        BinaryPrimitives.WriteUInt16LittleEndian(h[12..], 0x21);       // date 1980-01-01 (reproducible files)
        BinaryPrimitives.WriteUInt32LittleEndian(h[14..], crc);
        BinaryPrimitives.WriteUInt32LittleEndian(h[18..], (uint)data.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(h[22..], (uint)data.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(h[26..], (ushort)nameBytes.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(h[28..], (ushort)pad);
        _entries.Add((nameBytes, crc, (uint)data.Length, (uint)_pos));
        Write(h);
        Write(nameBytes);
        if (pad > 0)
        {
            var extra = new byte[pad];
            extra[0] = (byte)'F'; extra[1] = (byte)'B';
            BinaryPrimitives.WriteUInt16LittleEndian(extra.AsSpan(2), (ushort)(pad - 4));
            extra.AsSpan(4).Fill((byte)'Z');
            Write(extra);
        }
        Write(data);
    }

    /// <summary>Writes the central directory and the end-of-central-directory record.</summary>
    public void Finish()
    {
        long cdStart = _pos;
        Span<byte> c = stackalloc byte[46];
        foreach (var (name, crc, size, offset) in _entries)
        {
            c.Clear();
            BinaryPrimitives.WriteUInt32LittleEndian(c, 0x02014b50);          // central directory header signature
            BinaryPrimitives.WriteUInt16LittleEndian(c[4..], 20);             // version made by
            BinaryPrimitives.WriteUInt16LittleEndian(c[6..], 20);             // version needed
            BinaryPrimitives.WriteUInt16LittleEndian(c[14..], 0x21);          // date (time, flags, method stay 0)
            BinaryPrimitives.WriteUInt32LittleEndian(c[16..], crc);
            BinaryPrimitives.WriteUInt32LittleEndian(c[20..], size);
            BinaryPrimitives.WriteUInt32LittleEndian(c[24..], size);
            BinaryPrimitives.WriteUInt16LittleEndian(c[28..], (ushort)name.Length);
            BinaryPrimitives.WriteUInt32LittleEndian(c[42..], offset);
            Write(c);
            Write(name);
        }
        long cdSize = _pos - cdStart;
        if (_pos > uint.MaxValue) throw new NotSupportedException("The checkpoint exceeds 4 GiB, which needs ZIP64; save it as .safetensors instead.");
        Span<byte> e = stackalloc byte[22];
        e.Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(e, 0x06054b50);
        BinaryPrimitives.WriteUInt16LittleEndian(e[8..], (ushort)_entries.Count);
        BinaryPrimitives.WriteUInt16LittleEndian(e[10..], (ushort)_entries.Count);
        BinaryPrimitives.WriteUInt32LittleEndian(e[12..], (uint)cdSize);
        BinaryPrimitives.WriteUInt32LittleEndian(e[16..], (uint)cdStart);
        Write(e);
        _out.Flush();
    }

    private void Write(ReadOnlySpan<byte> b) { _out.Write(b); _pos += b.Length; }
}
