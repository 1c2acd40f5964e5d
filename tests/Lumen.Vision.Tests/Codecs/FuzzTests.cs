using System.Buffers.Binary;
using System.Diagnostics;
using Lumen.Tests;
using Lumen.Vision.Codecs;
using Xunit;
using Xunit.Abstractions;

namespace Lumen.Vision.Tests.Codecs;

/// <summary>Seeded corruptions of valid files: decoding may succeed (garbage pixels) or throw
/// <see cref="ImageFormatException"/>, but never throw anything else, hang or allocate beyond the bound stated for the
/// format in docs/readers.md (see <see cref="ReaderFuzz"/>).</summary>
public class FuzzTests(ITestOutputHelper output)
{
    private const int CasesPerFormat = 1200;

    /// <summary>Allocation bounds per input byte (docs/readers.md): PNG inflates at most 1032:1 into a buffer grown by
    /// doubling and expands up to 32 output bytes per filtered byte (1-bit palette to RGBA); JPEG allocates a component
    /// only for a scan whose remaining bytes could code one bit per block (up to 3 components, 192 bytes per block, 4x for
    /// the padding of whole MCUs, and the RGB output); BMP and PNM check that the pixel data is present (at most 32 output
    /// bytes per byte: 1-bit BMP to RGB).</summary>
    internal static long AllocationMultiple(string kind) => kind switch { "png" => 36_000, "jpeg" => 20_000, _ => 40 };

    [Theory]
    [InlineData("png", "rgb8_adam7_37x29")]
    [InlineData("png", "palette4_trns")]
    [InlineData("png", "pil_rgba")]
    [InlineData("jpeg", "baseline_420_q75")]
    [InlineData("jpeg", "progressive_420_q75")]
    [InlineData("jpeg", "restart_progressive_420")]
    [InlineData("other", "bmp24")]
    [InlineData("other", "bmp1")]
    [InlineData("other", "ppm_p6")]
    [InlineData("other", "pgm_p2")]
    public void Corrupt_inputs_raise_only_ImageFormatException(string kind, string name)
    {
        var original = CodecFixtures.Case(kind, name).ReadFile();
        string format = kind != "other" ? kind : name.StartsWith("bmp") ? "bmp" : "pnm";
        var report = ReaderFuzz.Run($"{format}/{name}", name.Length * 7919 + kind.Length, ReaderFuzz.Cases(CasesPerFormat),
            (rng, i) => Corrupt(original, rng, i, format),
            (data, i) =>
            {
                // PNG: CRC checking off half the time, so corruption reaches the chunk and zlib parsers.
                var image = format == "png" ? Png.Decode(data, "fuzz.png", checkCrc: i % 2 == 0) : ImageCodec.Decode(data, "fuzz." + format);
                Assert.Equal(image.Width * image.Height * image.Channels, image.Pixels.Length);
            },
            e => e is ImageFormatException ? (e.Message.Contains("fuzz.") ? null : "the message does not name the file") : "not an ImageFormatException",
            AllocationMultiple(format));
        output.WriteLine($"{format}/{name}: {report}");
        Assert.True(report.Rejected > report.Cases / 10, $"only {report}");
    }

    private static byte[] Corrupt(byte[] original, Random rng, int i, string kind)
    {
        var d = (byte[])original.Clone();
        switch (i % 6)
        {
            case 0: // a few bit flips anywhere
                for (int k = rng.Next(1, 6); k > 0; k--) d[rng.Next(d.Length)] ^= (byte)(1 << rng.Next(8));
                return d;
            case 1: // truncation
                return d.AsSpan(0, rng.Next(0, d.Length)).ToArray();
            case 2: // random bytes in the first 700 bytes (headers, tables)
                for (int k = rng.Next(1, 8); k > 0; k--) d[rng.Next(Math.Min(700, d.Length))] = (byte)rng.Next(256);
                return d;
            case 3: // huge or zero dimensions in the header
                if (kind == "bmp")
                {
                    BinaryPrimitives.WriteInt32LittleEndian(d.AsSpan(18), rng.Next(int.MinValue, int.MaxValue) >> rng.Next(0, 31));
                    BinaryPrimitives.WriteInt32LittleEndian(d.AsSpan(22), rng.Next(int.MinValue, int.MaxValue) >> rng.Next(0, 31));
                }
                else if (kind == "pnm")
                {
                    // "Pn <width> <height>" → the same with random numbers; the rest (maxval, pixels) is kept.
                    int p = 2;
                    for (int token = 0; token < 2; token++)
                    {
                        while (p < d.Length && !char.IsAsciiDigit((char)d[p])) p++;
                        while (p < d.Length && char.IsAsciiDigit((char)d[p])) p++;
                    }
                    var header = System.Text.Encoding.ASCII.GetBytes($"P{(char)d[1]}\n{rng.Next() >> rng.Next(0, 31)} {rng.Next() >> rng.Next(0, 31)}");
                    return header.Concat(d.Skip(p)).ToArray();
                }
                else if (kind == "png")
                {
                    BinaryPrimitives.WriteUInt32BigEndian(d.AsSpan(16), (uint)rng.Next(0, int.MaxValue) >> rng.Next(0, 31));
                    BinaryPrimitives.WriteUInt32BigEndian(d.AsSpan(20), (uint)rng.Next(0, int.MaxValue) >> rng.Next(0, 31));
                }
                else
                {
                    int sof = d.AsSpan().IndexOf(new byte[] { 0xFF, 0xC0 });
                    if (sof < 0) sof = d.AsSpan().IndexOf(new byte[] { 0xFF, 0xC2 });
                    BinaryPrimitives.WriteUInt16BigEndian(d.AsSpan(sof + 5), (ushort)rng.Next(65536));
                    BinaryPrimitives.WriteUInt16BigEndian(d.AsSpan(sof + 7), (ushort)rng.Next(65536));
                }
                return d;
            case 4: // a run of random bytes spliced in somewhere
            {
                int at = rng.Next(d.Length), n = rng.Next(1, 64);
                var junk = new byte[n];
                rng.NextBytes(junk);
                return d.Take(at).Concat(junk).Concat(d.Skip(at)).ToArray();
            }
            default: // valid magic, then garbage
            {
                var g = new byte[rng.Next(8, 2000)];
                rng.NextBytes(g);
                int magic = kind switch { "png" => 8, "jpeg" => 3, _ => 2 };
                original.AsSpan(0, magic).CopyTo(g);
                return g;
            }
        }
    }
}
