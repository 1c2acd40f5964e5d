using System.Runtime.CompilerServices;

namespace Lumen.Vision.Codecs;

/// <summary>JPEG decoding (baseline, extended-sequential and progressive Huffman; 8-bit; 1 or 3 components; any
/// integral chroma subsampling; restart markers), reproducing libjpeg-turbo's default output: the islow IDCT
/// (<see cref="JpegIdct"/>), "fancy" triangle-filter upsampling for 2:1 ratios and its fixed-point YCbCr→RGB tables.</summary>
internal sealed class JpegDecoder
{
    /// <summary>Zig-zag position → natural (row-major) position, with 16 extra entries so a corrupt run that skips past
    /// coefficient 63 lands harmlessly on 63, as libjpeg's table does.</summary>
    internal static readonly byte[] NaturalOrder =
    [
        0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28,
        35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
        63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63,
    ];

    private sealed class Component
    {
        public int Id, H, V, QuantIndex;
        public int BlocksPerLine, BlocksPerColumn;     // blocks holding image data (ceil(downsampled size / 8))
        public int AllocBlocksX, AllocBlocksY;         // blocks covered by whole MCUs
        public int DownW, DownH;                       // downsampled_width/height
        public int DcTable, AcTable, DcPred;
        public byte[] Plane = [];                      // AllocBlocksX*8 × AllocBlocksY*8 samples
        public short[]? Coefs;                         // progressive: 64 per block
        public int Stride => AllocBlocksX * 8;
    }

    private readonly byte[] _data;
    private readonly int _length;
    private readonly string? _path;
    private int _pos;

    private readonly int[][] _quant = new int[4][];
    private readonly JpegHuffmanTable?[] _dcTables = new JpegHuffmanTable?[4];
    private readonly JpegHuffmanTable?[] _acTables = new JpegHuffmanTable?[4];
    private Component[] _comps = [];
    private int _width, _height, _maxH, _maxV, _mcusX, _mcusY, _restartInterval;
    private bool _progressive, _frameSeen, _jfif, _adobe;
    private int _adobeTransform = -1;
    private int _eobrun;

    // Entropy-coded-segment bit reader: the next bit is the top bit of _bits.
    private ulong _bits;
    private int _bitCount;
    private int _padBits;      // zero bits appended past a marker or the end of data (they sit at the tail of _bits)
    private bool _atMarker;

    private JpegDecoder(byte[] data, int length, string? path)
    {
        _data = data;
        _length = length;
        _path = path;
    }

    public static Image Decode(byte[] data, int length, string? path) => new JpegDecoder(data, length, path).Run();

    private ImageFormatException Error(string what) => new($"JPEG: {what}", _path);

    private Image Run()
    {
        if (_length < 4 || _data[0] != 0xFF || _data[1] != 0xD8) throw Error("missing SOI marker (not a JPEG file).");
        _pos = 2;
        bool sawScan = false;
        while (true)
        {
            int marker = NextMarker();
            if (marker < 0)
            {
                if (sawScan) break;  // missing EOI after complete scans: accepted, as libjpeg does with a warning
                throw Error("data ends before the first scan (truncated file?).");
            }
            switch (marker)
            {
                case 0xD8: throw Error("unexpected second SOI marker.");
                case 0xD9: goto done;
                case 0xC0: case 0xC1: case 0xC2: ReadFrame(marker == 0xC2); break;
                case 0xC3: case 0xC5: case 0xC6: case 0xC7: case 0xC9: case 0xCA: case 0xCB: case 0xCD: case 0xCE: case 0xCF:
                    throw Error($"unsupported coding process (SOF marker 0x{marker:X2}: lossless, hierarchical or arithmetic).");
                case 0xC4: ReadHuffmanTables(); break;
                case 0xCC: throw Error("arithmetic coding (DAC marker) is not supported.");
                case 0xDB: ReadQuantTables(); break;
                case 0xDD: ReadRestartInterval(); break;
                case 0xDA: ReadScan(); sawScan = true; break;
                case 0xE0: ReadApp0(); break;
                case 0xEE: ReadApp14(); break;
                case 0xDC: throw Error("DNL marker is not supported.");
                case >= 0xD0 and <= 0xD7: break;  // stray RST between segments: ignored
                case 0x01: break;                  // TEM: no payload
                default: SkipSegment(); break;     // APPn (EXIF, ICC, …), COM and other segments
            }
        }
    done:
        if (!_frameSeen) throw Error("no SOF frame header.");
        if (!sawScan) throw Error("no scan (SOS) in the file.");
        CheckAllComponentsScanned();
        if (_progressive) FinishProgressive();
        return Output();
    }

    // ---- marker segments -------------------------------------------------------------------------------------

    /// <summary>Skips to the next marker (libjpeg also skips garbage bytes before a marker) and returns its code, or −1 at the end.</summary>
    private int NextMarker()
    {
        while (_pos < _length)
        {
            if (_data[_pos] != 0xFF) { _pos++; continue; }
            while (_pos < _length && _data[_pos] == 0xFF) _pos++;
            if (_pos >= _length) return -1;
            int m = _data[_pos++];
            if (m != 0) return m;
        }
        return -1;
    }

    /// <summary>Reads a segment's length field and returns the payload's span bounds.</summary>
    private (int Start, int End) Segment(string name)
    {
        if (_pos + 2 > _length) throw Error($"truncated {name} segment.");
        int len = _data[_pos] << 8 | _data[_pos + 1];
        if (len < 2) throw Error($"{name} segment has invalid length {len}.");
        if (_pos + len > _length) throw Error($"{name} segment of {len} bytes runs past the end of the data (truncated file?).");
        int start = _pos + 2, end = _pos + len;
        _pos = end;
        return (start, end);
    }

    private void SkipSegment() => Segment("marker");

    private void ReadApp0()
    {
        var (s, e) = Segment("APP0");
        if (e - s >= 5 && _data[s] == 'J' && _data[s + 1] == 'F' && _data[s + 2] == 'I' && _data[s + 3] == 'F' && _data[s + 4] == 0) _jfif = true;
    }

    private void ReadApp14()
    {
        var (s, e) = Segment("APP14");
        if (e - s >= 12 && _data[s] == 'A' && _data[s + 1] == 'd' && _data[s + 2] == 'o' && _data[s + 3] == 'b' && _data[s + 4] == 'e')
        {
            _adobe = true;
            _adobeTransform = _data[s + 11];
        }
    }

    private void ReadQuantTables()
    {
        var (s, e) = Segment("DQT");
        int p = s;
        while (p < e)
        {
            int pq = _data[p] >> 4, tq = _data[p] & 15;
            p++;
            if (tq > 3) throw Error($"DQT table index {tq} is out of range 0–3.");
            if (pq > 1) throw Error($"DQT precision {pq} is invalid.");
            int need = pq == 0 ? 64 : 128;
            if (p + need > e) throw Error("truncated DQT segment.");
            var q = new int[64];
            for (int k = 0; k < 64; k++)
                q[NaturalOrder[k]] = pq == 0 ? _data[p + k] : _data[p + 2 * k] << 8 | _data[p + 2 * k + 1];
            _quant[tq] = q;
            p += need;
        }
    }

    private void ReadHuffmanTables()
    {
        var (s, e) = Segment("DHT");
        int p = s;
        while (p < e)
        {
            if (p + 17 > e) throw Error("truncated DHT segment.");
            int tc = _data[p] >> 4, th = _data[p] & 15;
            if (tc > 1 || th > 3) throw Error($"DHT class {tc} / index {th} is invalid.");
            var counts = new byte[17];
            int total = 0;
            for (int i = 1; i <= 16; i++) { counts[i] = _data[p + i]; total += counts[i]; }
            p += 17;
            if (total > 256 || p + total > e) throw Error($"DHT table with {total} symbols is invalid or truncated.");
            var table = new JpegHuffmanTable(counts, _data.AsSpan(p, total), _path);
            p += total;
            (tc == 0 ? _dcTables : _acTables)[th] = table;
        }
    }

    private void ReadRestartInterval()
    {
        var (s, e) = Segment("DRI");
        if (e - s < 2) throw Error("truncated DRI segment.");
        _restartInterval = _data[s] << 8 | _data[s + 1];
    }

    private void ReadFrame(bool progressive)
    {
        if (_frameSeen) throw Error("more than one SOF frame header.");
        var (s, e) = Segment("SOF");
        if (e - s < 6) throw Error("truncated SOF segment.");
        int precision = _data[s];
        _height = _data[s + 1] << 8 | _data[s + 2];
        _width = _data[s + 3] << 8 | _data[s + 4];
        int n = _data[s + 5];
        if (precision != 8) throw Error($"{precision}-bit sample precision is not supported (only 8-bit).");
        if (_height == 0) throw Error("image height 0 (DNL-defined height) is not supported.");
        ImageLimits.CheckDimensions("JPEG", _width, _height, _path);
        if (n != 1 && n != 3) throw Error($"{n} colour components are not supported (only gray or YCbCr/RGB; CMYK is not).");
        if (e - s < 6 + 3 * n) throw Error("truncated SOF segment.");
        _progressive = progressive;
        _comps = new Component[n];
        for (int i = 0; i < n; i++)
        {
            int p = s + 6 + 3 * i;
            var c = new Component { Id = _data[p], H = _data[p + 1] >> 4, V = _data[p + 1] & 15, QuantIndex = _data[p + 2] };
            if (c.H < 1 || c.H > 4 || c.V < 1 || c.V > 4) throw Error($"component {c.Id} has invalid sampling factors {c.H}x{c.V}.");
            if (c.QuantIndex > 3) throw Error($"component {c.Id} uses quantisation table {c.QuantIndex} (out of range 0–3).");
            _comps[i] = c;
        }
        _maxH = _comps.Max(c => c.H);
        _maxV = _comps.Max(c => c.V);
        foreach (var c in _comps)
            if (_maxH % c.H != 0 || _maxV % c.V != 0)
                throw Error($"component {c.Id} sampling {c.H}x{c.V} is not an integral fraction of {_maxH}x{_maxV}.");
        _mcusX = (_width + 8 * _maxH - 1) / (8 * _maxH);
        _mcusY = (_height + 8 * _maxV - 1) / (8 * _maxV);
        foreach (var c in _comps)
        {
            c.DownW = (int)(((long)_width * c.H + _maxH - 1) / _maxH);
            c.DownH = (int)(((long)_height * c.V + _maxV - 1) / _maxV);
            c.BlocksPerLine = (c.DownW + 7) / 8;
            c.BlocksPerColumn = (c.DownH + 7) / 8;
            c.AllocBlocksX = n == 1 ? c.BlocksPerLine : _mcusX * c.H;
            c.AllocBlocksY = n == 1 ? c.BlocksPerColumn : _mcusY * c.V;
        }
        _frameSeen = true;
    }

    /// <summary>Allocates a component's sample plane (and progressive coefficients) when the first scan that codes it
    /// starts, after checking that the rest of the file could possibly code that scan: a header may claim 16384 × 16384
    /// pixels in a 1 KB file, and the buffers are sized by the header, not by the data. Every block of a sequential scan
    /// costs at least 2 bits (DC code + EOB), of a progressive DC scan at least 1 bit; a progressive AC scan can skip
    /// 32,767 blocks in 3 bytes (an EOB run), so it may not be the first scan of a component (ITU-T T.81 G.1.1.1.1
    /// requires the DC scan first; libjpeg only warns, "inconsistent progression sequence", and decodes zeros).
    /// Allocation is therefore at most 3 × 64 bytes per block and 8 blocks per byte of scan data.</summary>
    private void Allocate(Component[] scomps, bool dcOrSequential)
    {
        var fresh = Array.FindAll(scomps, c => c.Plane.Length == 0);
        if (fresh.Length == 0) return;
        if (!dcOrSequential)
            throw Error($"progressive AC scan of component {fresh[0].Id} comes before its DC scan (the DC scan must come first; corrupt or crafted file).");
        long blocks = scomps.Length == 1 ? (long)scomps[0].BlocksPerLine * scomps[0].BlocksPerColumn
            : (long)_mcusX * _mcusY * scomps.Sum(c => c.H * c.V);
        long minBits = _progressive ? blocks : 2 * blocks;
        long haveBits = 8L * (_length - _pos);
        if (minBits > haveBits)
            throw Error($"{_width}x{_height} image needs at least {minBits / 8} bytes of scan data but only {_length - _pos} remain (truncated file or corrupt header).");
        foreach (var c in fresh)
        {
            long samples = (long)c.AllocBlocksX * c.AllocBlocksY * 64;
            c.Plane = GC.AllocateUninitializedArray<byte>((int)samples);
            if (_progressive) c.Coefs = new short[samples];
        }
    }

    /// <summary>Every component must have been coded by some scan before the image is assembled.</summary>
    private void CheckAllComponentsScanned()
    {
        foreach (var c in _comps)
            if (c.Plane.Length == 0) throw Error($"component {c.Id} is never coded by a scan (truncated file?).");
    }

    // ---- scans -----------------------------------------------------------------------------------------------

    private void ReadScan()
    {
        if (!_frameSeen) throw Error("SOS before the SOF frame header.");
        var (s, e) = Segment("SOS");
        if (e - s < 1) throw Error("truncated SOS segment.");
        int ns = _data[s];
        if (ns < 1 || ns > 4 || e - s < 4 + 2 * ns) throw Error($"SOS with {ns} components is invalid or truncated.");
        var scomps = new Component[ns];
        for (int i = 0; i < ns; i++)
        {
            int id = _data[s + 1 + 2 * i], tables = _data[s + 2 + 2 * i];
            var c = Array.Find(_comps, x => x.Id == id) ?? throw Error($"scan refers to unknown component {id}.");
            if (Array.IndexOf(scomps, c) >= 0) throw Error($"scan lists component {id} twice.");
            c.DcTable = tables >> 4;
            c.AcTable = tables & 15;
            if (c.DcTable > 3 || c.AcTable > 3) throw Error($"scan component {id} uses Huffman table index > 3.");
            if (_quant[c.QuantIndex] is null) throw Error($"component {id} uses quantisation table {c.QuantIndex}, which was never defined.");
            scomps[i] = c;
        }
        int q = s + 1 + 2 * ns;
        int ss = _data[q], se = _data[q + 1], ah = _data[q + 2] >> 4, al = _data[q + 2] & 15;
        int blocksPerMcu = scomps.Sum(c => c.H * c.V);
        if (ns > 1 && blocksPerMcu > 10) throw Error($"scan MCU has {blocksPerMcu} blocks (more than 10).");
        if (_progressive)
        {
            bool ok = ss <= se && se <= 63 && ah <= 13 && al <= 13 && (ss != 0 || se == 0) && (ss == 0 || ns == 1);
            if (!ok) throw Error($"invalid progressive scan parameters Ss={ss} Se={se} Ah={ah} Al={al} with {ns} components.");
        }
        foreach (var c in scomps)
        {
            bool needDc = !_progressive || (ss == 0 && ah == 0);
            bool needAc = !_progressive ? true : ss > 0;
            if (needDc && _dcTables[c.DcTable] is null) throw Error($"scan uses DC Huffman table {c.DcTable}, which was never defined.");
            if (needAc && _acTables[c.AcTable] is null) throw Error($"scan uses AC Huffman table {c.AcTable}, which was never defined.");
            c.DcPred = 0;
        }
        Allocate(scomps, !_progressive || ss == 0);
        DecodeScan(scomps, ss, se, ah, al);
    }

    private void ResetBits()
    {
        _bits = 0;
        _bitCount = 0;
        _padBits = 0;
        _atMarker = false;
    }

    private void DecodeScan(Component[] scomps, int ss, int se, int ah, int al)
    {
        ResetBits();
        _eobrun = 0;
        bool single = scomps.Length == 1;
        var c0 = scomps[0];
        int mcusX = single ? c0.BlocksPerLine : _mcusX;
        int mcusY = single ? c0.BlocksPerColumn : _mcusY;
        int total = mcusX * mcusY;
        Span<short> block = stackalloc short[64];
        int untilRestart = _restartInterval;
        for (int m = 0; m < total; m++)
        {
            if (_restartInterval > 0 && untilRestart == 0)
            {
                Restart(scomps);
                untilRestart = _restartInterval;
            }
            int mx = m % mcusX, my = m / mcusX;
            foreach (var c in scomps)
            {
                int bh = single ? 1 : c.H, bv = single ? 1 : c.V;
                for (int by = 0; by < bv; by++)
                    for (int bx = 0; bx < bh; bx++)
                    {
                        int blockX = mx * bh + bx, blockY = my * bv + by;
                        if (!_progressive)
                        {
                            block.Clear();
                            var dst = c.Plane.AsSpan(blockY * 8 * c.Stride + blockX * 8);
                            var q = _quant[c.QuantIndex];
                            if (DecodeBaselineBlock(c, block)) JpegIdct.Transform(block, q, dst, c.Stride);
                            else JpegIdct.TransformDcOnly(block[0], q[0], dst, c.Stride);
                        }
                        else
                        {
                            var coefs = c.Coefs.AsSpan((blockY * c.AllocBlocksX + blockX) * 64, 64);
                            if (ss == 0)
                            {
                                if (ah == 0) DecodeDcFirst(c, coefs, al);
                                else { if (GetBits(1) != 0) coefs[0] |= (short)(1 << al); }
                            }
                            else if (ah == 0) DecodeAcFirst(c, coefs, ss, se, al);
                            else DecodeAcRefine(c, coefs, ss, se, al);
                        }
                    }
            }
            if (_padBits > _bitCount) throw Error($"entropy-coded data ends early, in MCU {m} of {total} (truncated or corrupt file).");
            untilRestart--;
        }
        // Leave _pos at the marker that follows the scan.
        SeekMarkerAfterScan();
    }

    private void Restart(Component[] scomps)
    {
        SeekMarkerAfterScan();
        // libjpeg resynchronises leniently: an expected RSTn is consumed; any other marker is left for the caller.
        if (_pos + 1 < _length && _data[_pos] == 0xFF && _data[_pos + 1] >= 0xD0 && _data[_pos + 1] <= 0xD7) _pos += 2;
        ResetBits();
        _eobrun = 0;
        foreach (var c in scomps) c.DcPred = 0;
    }

    /// <summary>Moves _pos from wherever the bit reader stopped to the next marker (0xFF followed by a non-zero byte).</summary>
    private void SeekMarkerAfterScan()
    {
        while (_pos < _length)
        {
            if (_data[_pos] == 0xFF)
            {
                int q = _pos + 1;
                while (q < _length && _data[q] == 0xFF) q++;
                if (q >= _length) { _pos = _length; return; }
                if (_data[q] != 0) { _pos = q - 1; return; }
                _pos = q + 1;
            }
            else _pos++;
        }
    }

    // ---- bit reader --------------------------------------------------------------------------------------------

    private void Fill()
    {
        while (_bitCount <= 56)
        {
            int b = 0;
            if (!_atMarker && _pos < _length)
            {
                b = _data[_pos];
                if (b == 0xFF)
                {
                    int q = _pos + 1;
                    while (q < _length && _data[q] == 0xFF) q++;
                    if (q < _length && _data[q] == 0) _pos = q + 1;       // stuffed 0xFF 0x00 is a data byte 0xFF
                    else { _atMarker = true; b = 0; _padBits += 8; }    // marker: feed zeros, as libjpeg does
                }
                else _pos++;
            }
            else _padBits += 8;
            _bits |= (ulong)(uint)b << (56 - _bitCount);
            _bitCount += 8;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int GetBits(int n)
    {
        if (_bitCount < n) Fill();
        int v = (int)(_bits >> (64 - n));
        _bits <<= n;
        _bitCount -= n;
        return v;
    }

    /// <summary>Receives an n-bit magnitude and sign-extends it (JPEG's EXTEND).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Receive(int n)
    {
        if (n == 0) return 0;
        int v = GetBits(n);
        return v < 1 << (n - 1) ? v - (1 << n) + 1 : v;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int DecodeSymbol(JpegHuffmanTable t)
    {
        if (_bitCount < 16) Fill();
        int entry = t.Lookup[(int)(_bits >> (64 - JpegHuffmanTable.LookupBits))];
        if (entry != 0)
        {
            int len = entry >> 8;
            _bits <<= len;
            _bitCount -= len;
            return entry & 0xFF;
        }
        return DecodeSymbolSlow(t);
    }

    private int DecodeSymbolSlow(JpegHuffmanTable t)
    {
        int code16 = (int)(_bits >> 48);
        for (int len = JpegHuffmanTable.LookupBits + 1; len <= 16; len++)
        {
            int code = code16 >> (16 - len);
            if (code <= t.MaxCode[len])
            {
                _bits <<= len;
                _bitCount -= len;
                int idx = t.ValueOffset[len] + code;
                if ((uint)idx >= (uint)t.Values.Length) break;
                return t.Values[idx];
            }
        }
        throw Error("corrupt Huffman-coded data (no code matches).");
    }

    // ---- block decoding ----------------------------------------------------------------------------------------

    /// <summary>Decodes one block's coefficients; returns whether any AC coefficient is present.</summary>
    private bool DecodeBaselineBlock(Component c, Span<short> block)
    {
        var dc = _dcTables[c.DcTable]!;
        var ac = _acTables[c.AcTable]!;
        int t = DecodeSymbol(dc);
        if (t > 16) throw Error($"invalid DC difference size {t}.");
        c.DcPred += Receive(t);
        block[0] = (short)c.DcPred;
        var natural = NaturalOrder;
        bool any = false;
        for (int k = 1; k < 64; k++)
        {
            int rs = DecodeSymbol(ac);
            int r = rs >> 4, s = rs & 15;
            if (s != 0)
            {
                k += r;
                block[natural[k]] = (short)Receive(s);
                any = true;
            }
            else
            {
                if (r != 15) break;
                k += 15;
            }
        }
        return any;
    }

    private void DecodeDcFirst(Component c, Span<short> coefs, int al)
    {
        int t = DecodeSymbol(_dcTables[c.DcTable]!);
        if (t > 16) throw Error($"invalid DC difference size {t}.");
        c.DcPred += Receive(t);
        coefs[0] = (short)(c.DcPred << al);
    }

    private void DecodeAcFirst(Component c, Span<short> coefs, int ss, int se, int al)
    {
        if (_eobrun > 0) { _eobrun--; return; }
        var ac = _acTables[c.AcTable]!;
        var natural = NaturalOrder;
        for (int k = ss; k <= se; k++)
        {
            int rs = DecodeSymbol(ac);
            int r = rs >> 4, s = rs & 15;
            if (s != 0)
            {
                k += r;
                coefs[natural[k]] = (short)(Receive(s) * (1 << al));
            }
            else if (r == 15) k += 15;
            else
            {
                _eobrun = 1 << r;
                if (r != 0) _eobrun += GetBits(r);
                _eobrun--;
                break;
            }
        }
    }

    private void DecodeAcRefine(Component c, Span<short> coefs, int ss, int se, int al)
    {
        int p1 = 1 << al, m1 = -1 << al;
        var natural = NaturalOrder;
        int k = ss;
        if (_eobrun == 0)
        {
            var ac = _acTables[c.AcTable]!;
            for (; k <= se; k++)
            {
                int rs = DecodeSymbol(ac);
                int r = rs >> 4, s = rs & 15;
                if (s != 0)
                {
                    // s must be 1 (libjpeg warns otherwise and carries on)
                    s = GetBits(1) != 0 ? p1 : m1;
                }
                else if (r != 15)
                {
                    _eobrun = 1 << r;
                    if (r != 0) _eobrun += GetBits(r);
                    break;
                }
                // Advance over r zero-history coefficients, refining the non-zero ones met on the way.
                do
                {
                    int z = natural[k];
                    if (coefs[z] != 0)
                    {
                        if (GetBits(1) != 0 && (coefs[z] & p1) == 0)
                            coefs[z] = (short)(coefs[z] >= 0 ? coefs[z] + p1 : coefs[z] + m1);
                    }
                    else
                    {
                        if (--r < 0) break;
                    }
                    k++;
                } while (k <= se);
                if (s != 0) coefs[natural[k]] = (short)s;
            }
        }
        if (_eobrun > 0)
        {
            // The rest of the band in this block only refines existing non-zero coefficients.
            for (; k <= se; k++)
            {
                int z = natural[k];
                if (coefs[z] != 0 && GetBits(1) != 0 && (coefs[z] & p1) == 0)
                    coefs[z] = (short)(coefs[z] >= 0 ? coefs[z] + p1 : coefs[z] + m1);
            }
            _eobrun--;
        }
    }

    private void FinishProgressive()
    {
        foreach (var c in _comps)
        {
            var q = _quant[c.QuantIndex] ?? throw Error($"component {c.Id} uses quantisation table {c.QuantIndex}, which was never defined.");
            for (int by = 0; by < c.AllocBlocksY; by++)
                for (int bx = 0; bx < c.AllocBlocksX; bx++)
                {
                    var coefs = c.Coefs.AsSpan((by * c.AllocBlocksX + bx) * 64, 64);
                    var dst = c.Plane.AsSpan(by * 8 * c.Stride + bx * 8);
                    if (coefs[1..].IndexOfAnyExcept((short)0) >= 0) JpegIdct.Transform(coefs, q, dst, c.Stride);
                    else JpegIdct.TransformDcOnly(coefs[0], q[0], dst, c.Stride);
                }
        }
    }

    // ---- upsampling and colour conversion ----------------------------------------------------------------------

    private Image Output()
    {
        int w = _width, h = _height;
        if (_comps.Length == 1)
        {
            var gray = new Image(w, h, 1, GC.AllocateUninitializedArray<byte>(w * h));
            var c = _comps[0];
            for (int y = 0; y < h; y++) c.Plane.AsSpan(y * c.Stride, w).CopyTo(gray.Row(y));
            return gray;
        }
        // libjpeg's colour-space guess: JFIF → YCbCr; Adobe transform 0 → RGB; component ids 'R','G','B' → RGB.
        bool rgb = !_jfif && (_adobe ? _adobeTransform == 0 : _comps[0].Id == 'R' && _comps[1].Id == 'G' && _comps[2].Id == 'B');
        var image = new Image(w, h, 3, GC.AllocateUninitializedArray<byte>(w * h * 3));
        var rows = new byte[3][];
        for (int i = 0; i < 3; i++) rows[i] = new byte[w + 16];
        var colSums = new int[w / 2 + 16];
        for (int y = 0; y < h; y++)
        {
            for (int i = 0; i < 3; i++) UpsampleRow(_comps[i], y, rows[i], colSums);
            var dst = image.Row(y);
            if (rgb)
            {
                for (int x = 0; x < w; x++) { dst[3 * x] = rows[0][x]; dst[3 * x + 1] = rows[1][x]; dst[3 * x + 2] = rows[2][x]; }
            }
            else JpegColor.YCbCrToRgb(rows[0].AsSpan(0, w), rows[1].AsSpan(0, w), rows[2].AsSpan(0, w), dst);
        }
        return image;
    }

    /// <summary>Full-resolution row <paramref name="y"/> of component <paramref name="c"/> into <paramref name="dst"/>.</summary>
    private void UpsampleRow(Component c, int y, byte[] dst, int[] colSums)
    {
        int rh = _maxH / c.H, rv = _maxV / c.V;
        int stride = c.Stride, dw = c.DownW;
        if (rh == 1 && rv == 1)
        {
            c.Plane.AsSpan(y * stride, _width).CopyTo(dst);
            return;
        }
        int cy = y / rv;
        ReadOnlySpan<byte> cur = c.Plane.AsSpan(cy * stride, dw);
        if (rh == 2 && rv == 1 && dw > 2)
        {
            JpegColor.FancyH2V1(cur, dst);
            return;
        }
        if (rh == 1 && rv == 2)
        {
            bool upper = (y & 1) == 0;
            int ny = upper ? Math.Max(cy - 1, 0) : Math.Min(cy + 1, c.DownH - 1);
            JpegColor.FancyH1V2(cur, c.Plane.AsSpan(ny * stride, dw), dst, upper ? 1 : 2);
            return;
        }
        if (rh == 2 && rv == 2 && dw > 2)
        {
            bool upper = (y & 1) == 0;
            int ny = upper ? Math.Max(cy - 1, 0) : Math.Min(cy + 1, c.DownH - 1);
            JpegColor.FancyH2V2(cur, c.Plane.AsSpan(ny * stride, dw), dst, colSums);
            return;
        }
        // Any other integral ratio: replicate samples (libjpeg's int_upsample / h2v1 / h2v2 box upsampling).
        for (int x = 0, sx = 0; sx < dw; sx++)
        {
            byte v = cur[sx];
            for (int r = 0; r < rh; r++) dst[x++] = v;
        }
    }
}
