using System.Buffers.Binary;
using System.Diagnostics;
using Lumen.Vision.Codecs;
using Xunit;
using Xunit.Abstractions;

namespace Lumen.Vision.Tests.Codecs;

/// <summary>Seeded corruptions of valid files: decoding may succeed (garbage pixels) or throw
/// <see cref="ImageFormatException"/>, but never throw anything else, hang or allocate without bound.</summary>
public class FuzzTests(ITestOutputHelper output)
{
    private const int CasesPerFormat = 1200;

    [Theory]
    [InlineData("png", "rgb8_adam7_37x29")]
    [InlineData("png", "palette4_trns")]
    [InlineData("png", "pil_rgba")]
    [InlineData("jpeg", "baseline_420_q75")]
    [InlineData("jpeg", "progressive_420_q75")]
    [InlineData("jpeg", "restart_progressive_420")]
    public void Corrupt_inputs_raise_only_ImageFormatException(string kind, string name)
    {
        var original = CodecFixtures.Case(kind, name).ReadFile();
        var rng = new Random(name.Length * 7919 + kind.Length);
        int failures = 0, decoded = 0;
        var sw = Stopwatch.StartNew();
        for (int i = 0; i < CasesPerFormat; i++)
        {
            var data = Corrupt(original, rng, i, kind);
            try
            {
                // PNG: CRC checking off half the time, so corruption reaches the chunk and zlib parsers.
                var image = kind == "png" ? Png.Decode(data, "fuzz.png", checkCrc: i % 2 == 0) : ImageCodec.Decode(data, "fuzz.jpg");
                Assert.Equal(image.Width * image.Height * image.Channels, image.Pixels.Length);
                decoded++;
            }
            catch (ImageFormatException e)
            {
                Assert.Contains("fuzz.", e.Message);
                failures++;
            }
            catch (Exception e)
            {
                Assert.Fail($"case {i} ({Describe(i)}) threw {e.GetType().Name}: {e.Message}\n{e.StackTrace}");
            }
        }
        output.WriteLine($"{kind}/{name}: {CasesPerFormat} cases, {failures} ImageFormatException, {decoded} decoded, {sw.ElapsedMilliseconds} ms");
        Assert.True(failures > CasesPerFormat / 10, $"only {failures} of {CasesPerFormat} corrupt inputs were rejected");
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(20), $"fuzzing took {sw.Elapsed}");
    }

    private static string Describe(int i) => (i % 6) switch
    {
        0 => "bit flips", 1 => "truncation", 2 => "random header bytes", 3 => "huge dimensions", 4 => "random bytes spliced", _ => "random garbage after the magic",
    };

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
                if (kind == "png")
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
                int magic = kind == "png" ? 8 : 3;
                original.AsSpan(0, magic).CopyTo(g);
                return g;
            }
        }
    }
}
