using System.Security.Cryptography;
using System.Text.Json;
using Lumen.NN;
using Lumen.Serialization;
using Xunit;

namespace Lumen.Tests.Serialization;

public class PyTorchFileTests
{
    [Fact]
    public void Linear_BatchNorm_state_dict_written_by_PyTorch_loads_with_exact_values_and_int64_num_batches_tracked()
    {
        var sd = PyTorchFile.LoadStateDict(Kit.Fixture("linear_bn.pth"));
        var c = Kit.Expected("linear_bn");
        Assert.Equal(new[] { "0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean", "1.running_var", "1.num_batches_tracked" }, sd.Keys);
        foreach (var (k, v) in sd) Kit.BitEqual(c.Tensor(k), v, k);
        Assert.Equal(DType.Int64, sd["1.num_batches_tracked"].DType);
        Assert.Equal(0, sd["1.num_batches_tracked"].Ndim);
        Assert.Equal(2L, sd["1.num_batches_tracked"].Item<long>());
    }

    [Fact]
    public void The_legacy_pre_1_6_format_loads_the_same_state_dict()
    {
        var zip = PyTorchFile.LoadStateDict(Kit.Fixture("linear_bn.pth"));
        var legacy = PyTorchFile.LoadStateDict(Kit.Fixture("linear_bn_legacy.pth"));
        Kit.BitEqual(zip, legacy);
    }

    [Fact]
    public void Model_loads_a_PyTorch_state_dict_through_Torch_Load()
    {
        var model = new LinearBnShapes();
        var result = model.LoadStateDict(Torch.Load(Kit.Fixture("linear_bn.pth")));
        Assert.Empty(result.MissingKeys);
        var c = Kit.Expected("linear_bn");
        foreach (var (k, v) in model.StateDict()) Kit.BitEqual(c.Tensor(k), v, k);
    }

    [Fact]
    public void Views_saved_by_PyTorch_keep_their_storage_offset_and_strides()
    {
        var sd = PyTorchFile.LoadStateDict(Kit.Fixture("views.pth"));
        var c = Kit.Expected("views");
        var layout = Kit.Expected("views_layout");
        foreach (var k in new[] { "conv.weight", "sliced", "scalar_view" })
        {
            Kit.BitEqual(c.Tensor(k), sd[k], k);
            var l = layout.Raw(k);
            Assert.Equal(l.GetProperty("offset").GetInt32(), sd[k].StorageOffset);
            Assert.Equal(l.GetProperty("stride").EnumerateArray().Select(x => x.GetInt32()), sd[k].Strides);
        }
        Assert.False(sd["conv.weight"].IsContiguous());
        Assert.Equal(new[] { 2, 3, 3, 3 }, sd["conv.weight"].Shape.ToArray());
        Assert.Equal(0, sd["scalar_view"].Ndim);
    }

    [Fact]
    public void Keys_that_shared_a_storage_in_PyTorch_share_one_buffer_in_Lumen()
    {
        var sd = PyTorchFile.LoadStateDict(Kit.Fixture("shared.pth"));
        var c = Kit.Expected("shared");
        foreach (var (k, v) in sd) Kit.BitEqual(c.Tensor(k), v, k);
        Assert.Same(sd["a"].Storage, sd["a_row2"].Storage);
        Assert.Same(sd["a"].Storage, sd["a_t"].Storage);
        Assert.Equal(10, sd["a_row2"].StorageOffset);
        sd["a"].F32[12] = 42f; // a[2, 2] is a_row2[2] and a_t[2, 2]
        Assert.Equal(42f, sd["a_row2"].ToArray()[2]);
        Assert.Equal(42f, sd["a_t"].ToArray()[2 * 4 + 2]);
    }

    [Fact]
    public void Every_dtype_loads_exactly_with_float16_64_and_bfloat16_widened_to_float32_and_small_ints_to_int64()
    {
        var sd = PyTorchFile.LoadStateDict(Kit.Fixture("dtypes.pth"));
        var c = Kit.Expected("dtypes");
        foreach (var (k, v) in sd) Kit.BitEqual(c.Tensor(k), v, k);
        Assert.Equal(0, sd["f32_scalar"].Ndim);
        Assert.Equal(new[] { 2, 0 }, sd["i64_empty"].Shape.ToArray());
        Assert.Equal(DType.Bool, sd["bool"].DType);
        Assert.Equal(DType.UInt8, sd["u8"].DType);
        Assert.Equal(DType.Float32, sd["f16"].DType);
        Assert.Equal(DType.Int64, sd["i8"].DType);
    }

    [Fact]
    public void A_nested_training_checkpoint_loads_as_an_object_tree_with_tensors_at_the_leaves()
    {
        var tree = Assert.IsType<OrderedDictionary<object, object?>>(PyTorchFile.Load(Kit.Fixture("nested.pth")));
        Assert.Equal(3L, tree["epoch"]);
        Assert.Equal(0.875, tree["best_acc"]);
        Assert.Equal("run-1", tree["name"]);
        Assert.Equal(new object?[] { 0.9, 0.999 }, Assert.IsType<object?[]>(tree["betas"]));
        Assert.Equal(new object?[] { true, false, null }, Assert.IsType<List<object?>>(tree["flags"]));
        Assert.Equal(1L << 40, tree["big"]);
        Assert.Equal(-5L, tree["neg"]);
        var c = Kit.Expected("nested");
        // optimizer: {"state": {0: {"momentum_buffer": tensor}, ...}, "param_groups": [{"lr": 0.1, "params": [0, 1, ...]}]}
        var opt = Assert.IsType<OrderedDictionary<object, object?>>(tree["optimizer"]);
        var state = Assert.IsType<OrderedDictionary<object, object?>>(opt["state"]);
        var s0 = Assert.IsType<OrderedDictionary<object, object?>>(state[0L]);
        Kit.BitEqual(c.Tensor("momentum_0"), Assert.IsType<Tensor>(s0["momentum_buffer"]), "momentum_buffer");
        var group = Assert.IsType<OrderedDictionary<object, object?>>(Assert.IsType<List<object?>>(opt["param_groups"])[0]);
        Assert.Equal(0.1, group["lr"]);
        Assert.Equal(false, group["nesterov"]);
        Assert.Equal(c.Ints("param_groups_params").Select(i => (object?)(long)i), Assert.IsType<List<object?>>(group["params"]));
        // the convenience finds the model's state dict under "model"
        var sd = PyTorchFile.ToStateDict(tree);
        var expected = c.Raw("model");
        Assert.Equal(expected.EnumerateObject().Select(p => p.Name), sd.Keys);
        Kit.BitEqual(PyTorchFile.LoadStateDict(Kit.Fixture("linear_bn.pth")), sd);
        Kit.BitEqual(sd, Torch.Load(Kit.Fixture("nested.pth"), key: "model"));
    }

    [Fact]
    public void Asking_for_a_state_dict_in_a_checkpoint_without_one_lists_its_keys()
    {
        var tree = PyTorchFile.Load(Kit.Fixture("nested.pth"));
        var ex = Assert.Throws<ArgumentException>(() => PyTorchFile.ToStateDict(tree, key: "optimizer"));
        Assert.Contains("optimizer", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => PyTorchFile.ToStateDict(tree, key: "nope"));
        Assert.Contains("'epoch'", ex.Message);
    }

    [Fact]
    public void A_bare_Parameter_loads_as_a_Parameter_that_requires_grad()
    {
        var p = Assert.IsType<Parameter>(PyTorchFile.Load(Kit.Fixture("parameter.pth")));
        Assert.True(p.RequiresGrad);
        Kit.BitEqual(Kit.Expected("parameter").Tensor("value"), p.Detach(), "parameter");
    }

    [Fact]
    public void Round_trip_through_pth_is_bit_exact_for_every_dtype_and_odd_shapes_including_0d_and_empty()
    {
        var path = Path.Combine(Kit.ScratchDir(), "all.pth");
        var sd = Kit.AllDTypesAndShapes(seed: 12);
        Torch.Save(sd, path);
        var back = Torch.Load(path);
        Kit.BitEqual(sd, back);
    }

    [Fact]
    public void Round_trip_through_pth_keeps_views_and_shared_storage()
    {
        var path = Path.Combine(Kit.ScratchDir(), "views.pth");
        var a = Kit.RandomBits(DType.Float32, new[] { 4, 6 }, new Random(3));
        var sd = new OrderedDictionary<string, Tensor> { ["a"] = a, ["a_t"] = a.T(), ["col"] = a.Select(1, 5), ["narrow"] = a.Narrow(0, 1, 2) };
        Torch.Save(sd, path);
        var back = Torch.Load(path);
        Kit.BitEqual(sd, back);
        foreach (var (k, v) in sd)
        {
            Assert.Equal(v.Strides, back[k].Strides);
            Assert.Equal(v.StorageOffset, back[k].StorageOffset);
            Assert.Same(back["a"].Storage, back[k].Storage);
        }
    }

    [Fact]
    public void A_nested_checkpoint_written_by_Lumen_reads_back_as_the_same_tree()
    {
        var path = Path.Combine(Kit.ScratchDir(), "ckpt.pt");
        var sd = Kit.AllDTypesAndShapes(seed: 5);
        var tree = new Dictionary<string, object?>
        {
            ["model"] = sd, ["epoch"] = 7, ["lr"] = 0.01, ["name"] = "été", ["betas"] = new object?[] { 0.9, 0.999 },
            ["history"] = new List<double> { 1.5, 0.25 }, ["params"] = new[] { 0, 1, 300, 70000, -3 }, ["none"] = null,
            ["huge"] = 1L << 50, ["state"] = new Dictionary<int, object?> { [0] = new Dictionary<string, object?> { ["step"] = Torch.Scalar(3f) } },
        };
        PyTorchFile.Save(tree, path);
        var back = Assert.IsType<OrderedDictionary<object, object?>>(PyTorchFile.Load(path));
        Assert.Equal(7L, back["epoch"]);
        Assert.Equal(0.01, back["lr"]);
        Assert.Equal("été", back["name"]);
        Assert.Equal(new object?[] { 0.9, 0.999 }, back["betas"]);
        Assert.Equal(new object?[] { 1.5, 0.25 }, Assert.IsType<List<object?>>(back["history"]));
        Assert.Equal(new object?[] { 0L, 1L, 300L, 70000L, -3L }, Assert.IsType<List<object?>>(back["params"]));
        Assert.Null(back["none"]);
        Assert.Equal(1L << 50, back["huge"]);
        var step = Assert.IsType<Tensor>(((OrderedDictionary<object, object?>)((OrderedDictionary<object, object?>)back["state"]!)[0L]!)["step"]);
        Assert.Equal(3f, step.Item());
        Kit.BitEqual(sd, PyTorchFile.ToStateDict(back));
    }

    [Fact]
    public void The_written_zip_has_PyTorch_1_13s_entries_with_data_aligned_to_64_bytes()
    {
        var path = Path.Combine(Kit.ScratchDir(), "layout.pth");
        Torch.Save(new OrderedDictionary<string, Tensor> { ["w"] = Torch.Ones(3, 3), ["n"] = Torch.Scalar(5L) }, path);
        using var zip = System.IO.Compression.ZipFile.OpenRead(path);
        Assert.Equal(new[] { "archive/data.pkl", "archive/byteorder", "archive/data/0", "archive/data/1", "archive/version" },
                     zip.Entries.Select(e => e.FullName));
        Assert.All(zip.Entries, e => Assert.Equal(e.Length, e.CompressedLength)); // stored, not deflated
        var bytes = File.ReadAllBytes(path);
        // the first tensor's 36 bytes (nine 1.0f) start on a 64-byte boundary
        var ones = Enumerable.Repeat(1f, 9).SelectMany(BitConverter.GetBytes).ToArray();
        int at = bytes.AsSpan().IndexOf(ones);
        Assert.True(at > 0 && at % 64 == 0, $"data/0 starts at {at}");
    }

    [Fact]
    public void Zip_entries_carry_the_CRC32_of_their_bytes()
    {
        var path = Path.Combine(Path.GetTempPath(), $"lumen-crc-{Guid.NewGuid():N}.pth");
        try
        {
            var sd = new Dictionary<string, Tensor> { ["w"] = Torch.Arange(0, 37), ["b"] = Torch.Ones(3) };
            Torch.Save(sd, path);
            using var zip = System.IO.Compression.ZipFile.OpenRead(path);
            Assert.NotEmpty(zip.Entries);
            foreach (var e in zip.Entries)
            {
                using var ms = new MemoryStream();
                using (var st = e.Open()) st.CopyTo(ms);
                Assert.Equal(BytewiseCrc(ms.ToArray()), e.Crc32);
            }
            Assert.Equal(0xCBF43926u, BytewiseCrc("123456789"u8)); // the reference itself: CRC-32/ISO-HDLC's check value
        }
        finally { File.Delete(path); }

        static uint BytewiseCrc(ReadOnlySpan<byte> d)
        {
            uint c = 0xFFFFFFFF;
            foreach (var b in d) { c ^= b; for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1; }
            return ~c;
        }
    }

    /// <summary>Leaves a Lumen-written .pth (plus a sidecar of SHA-256 sums) for tests/Fixtures/check_lumen_pth.py,
    /// which loads it in PyTorch; the test itself checks the Lumen round trip.</summary>
    [Fact]
    public void Pth_for_the_PyTorch_check_script_round_trips_in_Lumen()
    {
        var dir = Path.Combine(Path.GetTempPath(), "lumen-serialization-check");
        Directory.CreateDirectory(dir);
        var rng = new Random(2024);
        var w = Kit.RandomBits(DType.Float32, new[] { 3, 4 }, rng);
        var sd = new OrderedDictionary<string, Tensor>
        {
            ["conv.weight"] = Tensor.Wrap(Enumerable.Range(0, 2 * 3 * 3 * 3).Select(i => i * 0.25f - 3f).ToArray(), 2, 3, 3, 3),
            ["fc.weight"] = w, ["fc.weight_t"] = w.T(), ["fc.bias"] = Kit.RandomBits(DType.Float32, new[] { 4 }, rng),
            ["bn.num_batches_tracked"] = Torch.Scalar(12345678901L), ["labels"] = Kit.RandomBits(DType.Int64, new[] { 5 }, rng),
            ["pixels"] = Kit.RandomBits(DType.UInt8, new[] { 2, 2, 3 }, rng), ["mask"] = Kit.RandomBits(DType.Bool, new[] { 7 }, rng),
            ["empty"] = Torch.Zeros(0, 5), ["scalar"] = Torch.Scalar(-2.5f),
        };
        var path = Path.Combine(dir, "lumen_written.pth");
        Torch.Save(sd, path);
        Kit.BitEqual(sd, Torch.Load(path));
        PyTorchFile.Save(new Dictionary<string, object?> { ["model"] = sd, ["epoch"] = 3, ["best"] = 0.5, ["tag"] = "lumen", ["ids"] = new[] { 1, 2 } },
                         Path.Combine(dir, "lumen_nested.pth"));
        var sidecar = sd.ToDictionary(p => p.Key, p => new
        {
            shape = p.Value.Shape.ToArray(), dtype = p.Value.DType.TorchName(), stride = p.Value.Strides, offset = p.Value.StorageOffset,
            sha256 = Convert.ToHexStringLower(SHA256.HashData(ElementTypes.RowMajorBytes(p.Value))),
        });
        File.WriteAllText(path + ".json", JsonSerializer.Serialize(sidecar));
    }
}
