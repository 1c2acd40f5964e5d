using System.Text;
using Lumen.Serialization;
using Xunit;

namespace Lumen.Tests.Serialization;

public class SafeTensorsTests
{
    [Fact]
    public void Round_trip_is_bit_exact_for_every_dtype_and_odd_shapes_including_0d_and_empty()
    {
        var dir = Kit.ScratchDir();
        var sd = Kit.AllDTypesAndShapes(seed: 11);
        var path = Path.Combine(dir, "all.safetensors");
        SafeTensors.Save(sd, path, new Dictionary<string, string> { ["format"] = "pt", ["note"] = "ünïcode ✓" });
        var back = SafeTensors.Load(path);
        Kit.BitEqual(sd, back); // same keys in the same (insertion) order, same bits
        Assert.Equal("ünïcode ✓", SafeTensors.LoadMetadata(path)["note"]);
    }

    [Fact]
    public void Header_is_padded_with_spaces_to_a_multiple_of_8()
    {
        var dir = Kit.ScratchDir();
        var path = Path.Combine(dir, "pad.safetensors");
        SafeTensors.Save(new Dictionary<string, Tensor> { ["a"] = Torch.Ones(3) }, path);
        var bytes = File.ReadAllBytes(path);
        long n = BitConverter.ToInt64(bytes, 0);
        Assert.Equal(0, n % 8);
        var header = Encoding.UTF8.GetString(bytes, 8, (int)n);
        Assert.Equal("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,12]}}", header.TrimEnd(' '));
        Assert.Equal(8 + n + 12, bytes.Length);
    }

    [Fact]
    public void Writer_produces_the_reference_implementations_bytes_for_its_published_test_vectors()
    {
        // The byte vectors of safetensors' own unit tests (tensor.rs: test_serialization_forced_alignement, test_empty).
        var ms = new MemoryStream();
        SafeTensors.Save(new Dictionary<string, Tensor> { ["attn0"] = Torch.Tensor(new float[] { 0, 1, 2, 3, 4, 5 }, 1, 1, 2, 3) }, ms);
        var expectedHeader = "{\"attn0\":{\"dtype\":\"F32\",\"shape\":[1,1,2,3],\"data_offsets\":[0,24]}}       ";
        var expected = new byte[] { 72, 0, 0, 0, 0, 0, 0, 0 }.Concat(Encoding.ASCII.GetBytes(expectedHeader))
            .Concat(new float[] { 0, 1, 2, 3, 4, 5 }.SelectMany(BitConverter.GetBytes)).ToArray();
        Assert.Equal(expected, ms.ToArray());

        ms = new MemoryStream();
        SafeTensors.Save(new Dictionary<string, Tensor>(), ms);
        Assert.Equal(new byte[] { 8, 0, 0, 0, 0, 0, 0, 0, 123, 125, 32, 32, 32, 32, 32, 32 }, ms.ToArray());

        ms = new MemoryStream();
        SafeTensors.Save(new Dictionary<string, Tensor>(), ms, new Dictionary<string, string> { ["framework"] = "pt" });
        Assert.Equal(new byte[] { 40, 0, 0, 0, 0, 0, 0, 0 }.Concat(Encoding.ASCII.GetBytes("{\"__metadata__\":{\"framework\":\"pt\"}}     ")), ms.ToArray());
    }

    [Fact]
    public void Non_contiguous_views_are_written_as_their_row_major_values()
    {
        var dir = Kit.ScratchDir();
        var path = Path.Combine(dir, "views.safetensors");
        var a = Torch.Arange(12).Reshape(3, 4);
        var sd = new Dictionary<string, Tensor> { ["t"] = a.T(), ["slice"] = a.Narrow(1, 1, 2), ["row"] = a.Select(0, 2) };
        SafeTensors.Save(sd, path);
        var back = SafeTensors.Load(path);
        foreach (var (k, v) in sd) Kit.BitEqual(v.Contiguous(), back[k], k);
        Assert.True(back["t"].IsContiguous());
    }

    [Fact]
    public void Reads_a_file_laid_out_like_the_reference_writer_with_widened_dtypes()
    {
        var path = Kit.Fixture("reference.safetensors");
        var got = SafeTensors.Load(path);
        var c = Kit.Expected("reference_safetensors");
        foreach (var k in new[] { "weight", "bias", "steps", "mask", "pixels", "half", "double", "int32", "scalar", "empty" })
            Kit.BitEqual(c.Tensor(k), got[k], k);
        // keys come back in the header's order, which is the reference writer's order (dtype alignment, then name)
        Assert.Equal(Kit.Expected("reference_safetensors_order").Raw("keys").EnumerateArray().Select(x => x.GetString()), got.Keys);
        Assert.Equal("pt", SafeTensors.LoadMetadata(path)["format"]);
    }

    [Theory]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,12]}}", 8, "needs 8 bytes")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8, "overlap")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8, "hole")]
    [InlineData("{\"a\":{\"dtype\":\"Q7\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4, "dtype 'Q7'")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 2, "holds only 2")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 9, "trailing")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", 4, "non-negative")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,0]}}", 4, "end before")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[1]}}", 4, "data_offsets")]
    [InlineData("{\"a\":1}", 0, "not a JSON object")]
    [InlineData("{\"__metadata__\":{\"k\":3}}", 0, "not a string")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8, "twice")]
    [InlineData("[1,2]", 0, "start with '{'")]
    [InlineData("{\"a\":", 0, "not valid UTF-8 JSON")]
    [InlineData("{\"a\":{\"dtype\":\"BOOL\",\"shape\":[1],\"data_offsets\":[0,1]}}", 1, "only 0 and 1")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[65536,65536],\"data_offsets\":[0,4]}}", 4, "more elements")]
    public void Invalid_files_raise_CheckpointFormatException_naming_the_file_and_the_problem(string header, int dataBytes, string problem)
    {
        var path = Path.Combine(Kit.ScratchDir(), "bad.safetensors");
        var h = Encoding.UTF8.GetBytes(header);
        var data = Enumerable.Repeat((byte)7, dataBytes).ToArray(); // 7 is also an invalid bool byte
        File.WriteAllBytes(path, BitConverter.GetBytes((long)h.Length).Concat(h).Concat(data).ToArray());
        var ex = Assert.Throws<CheckpointFormatException>(() => SafeTensors.Load(path));
        Assert.Equal(path, ex.FilePath);
        Assert.StartsWith(path + ":", ex.Message);
        Assert.Contains(problem, ex.Message);
    }

    [Fact]
    public void A_header_length_beyond_the_file_or_the_limit_is_rejected_before_reading_it()
    {
        var dir = Kit.ScratchDir();
        var p1 = Path.Combine(dir, "short.safetensors");
        File.WriteAllBytes(p1, new byte[] { 1, 2, 3 });
        Assert.Contains("fewer than the 8-byte", Assert.Throws<CheckpointFormatException>(() => SafeTensors.Load(p1)).Message);
        var p2 = Path.Combine(dir, "long.safetensors");
        File.WriteAllBytes(p2, BitConverter.GetBytes(1000L).Concat("{}"u8.ToArray()).ToArray());
        Assert.Contains("only 2 bytes after", Assert.Throws<CheckpointFormatException>(() => SafeTensors.Load(p2)).Message);
        var p3 = Path.Combine(dir, "huge.safetensors");
        File.WriteAllBytes(p3, BitConverter.GetBytes(long.MaxValue).Concat("{}"u8.ToArray()).ToArray());
        Assert.Contains("limit", Assert.Throws<CheckpointFormatException>(() => SafeTensors.Load(p3)).Message);
    }

    [Fact]
    public void Saving_rejects_duplicate_and_reserved_names()
    {
        var dir = Kit.ScratchDir();
        var dup = new[] { KeyValuePair.Create("x", Torch.Ones(1)), KeyValuePair.Create("x", Torch.Ones(1)) };
        Assert.Contains("twice", Assert.Throws<ArgumentException>(() => SafeTensors.Save(dup, Path.Combine(dir, "d.safetensors"))).Message);
        var reserved = new Dictionary<string, Tensor> { ["__metadata__"] = Torch.Ones(1) };
        Assert.Contains("reserved", Assert.Throws<ArgumentException>(() => SafeTensors.Save(reserved, Path.Combine(dir, "r.safetensors"))).Message);
        Assert.Empty(Directory.GetFiles(dir));
    }
}
