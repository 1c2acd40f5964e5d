using Lumen.Data;
using Xunit;

namespace Lumen.Tests.Data;

/// <summary>torch.utils.data.default_collate for samples that are not (image, class): dicts, nested tuples,
/// multi-label targets (values from PyTorch 1.13, gen_api.py).</summary>
public class DefaultCollateTests
{
    private static Dictionary<string, object> Sample(FixtureCase c, int i) => new()
    {
        ["image"] = c.Tensor("image").Select(0, i).Clone(),
        ["labels"] = Torch.Tensor(new float[] { 1, 0, 1 }),
        ["id"] = i,
        ["weight"] = 0.5 * i,
        ["meta"] = (i * 10, Torch.Tensor(new long[] { i, i + 1 })),
    };

    [Fact]
    public void Dict_samples_collate_key_by_key_as_PyTorch()
    {
        var c = Fixtures.Case("api", "collate_dict");
        var samples = Enumerable.Range(0, 3).Select(i => Sample(c, i)).ToList();
        var loader = new DataLoader<Dictionary<string, object>, Dictionary<string, object>>(new ListDataset<Dictionary<string, object>>(samples), batchSize: 3);
        var batch = loader.Single();
        Assert.Equal(new[] { "image", "labels", "id", "weight", "meta" }, batch.Keys);
        TensorAssert.Equal(c.Tensor("image"), (Tensor)batch["image"]);
        TensorAssert.Equal(c.Tensor("labels"), (Tensor)batch["labels"]);   // multi-label float targets: (N, K)
        TensorAssert.Equal(c.Tensor("id"), (Tensor)batch["id"]);
        Assert.Equal("torch.float64", c.Str("weight_dtype"));             // Lumen: float32 (it computes in float32)
        TensorAssert.Equal(c.Tensor("weight"), (Tensor)batch["weight"]);
        var (meta0, meta1) = ((Tensor, Tensor))batch["meta"];
        TensorAssert.Equal(c.Tensor("meta0"), meta0);
        TensorAssert.Equal(c.Tensor("meta1"), meta1);
    }

    [Fact]
    public void Typed_tuple_and_dict_samples_need_no_collate_argument()
    {
        var items = Enumerable.Range(0, 4).Select(i => (Image: Torch.Full(new[] { 2 }, i), Target: new Dictionary<string, Tensor>
        {
            ["class"] = Torch.Scalar((long)i), ["box"] = Torch.Full(new[] { 4 }, i * 2f),
        })).ToList();
        var loader = new DataLoader<(Tensor, Dictionary<string, Tensor>), (Tensor, Dictionary<string, Tensor>)>(
            new ListDataset<(Tensor, Dictionary<string, Tensor>)>(items), batchSize: 4);
        var (images, target) = loader.Single();
        Assert.Equal(new Shape(4, 2), images.Shape);
        TensorAssert.Equal(Torch.Tensor(new long[] { 0, 1, 2, 3 }), target["class"]);
        Assert.Equal(new Shape(4, 4), target["box"].Shape);
    }

    [Fact]
    public void A_list_of_labels_per_sample_transposes_into_one_tensor_per_position_as_PyTorch()
    {
        var c = Fixtures.Case("api", "collate_multilabel_list");
        var x = c.Tensor("x");
        var samples = new List<(Tensor, long[])> { (x.Select(0, 0), new long[] { 1, 0, 1 }), (x.Select(0, 1), new long[] { 0, 0, 1 }) };
        var (batchX, targets) = ((Tensor, Tensor[]))DefaultCollate.Collate(samples);
        TensorAssert.Equal(x, batchX);
        var expected = c.Raw("targets").EnumerateArray().ToArray();
        Assert.Equal(expected.Length, targets.Length);
        for (int k = 0; k < targets.Length; k++)
            Assert.Equal(expected[k].GetProperty("data").EnumerateArray().Select(v => v.GetInt64()), targets[k].ToArray<long>());
    }

    [Fact]
    public void Samples_of_different_structure_name_the_path_inside_the_sample()
    {
        var a = new Dictionary<string, object> { ["x"] = new long[] { 1, 2 } };
        var b = new Dictionary<string, object> { ["x"] = new long[] { 1 } };
        var ex = Assert.Throws<ArgumentException>(() => DefaultCollate.Collate(new[] { a, b }));
        Assert.Contains("sample['x'] has 2 elements in sample 0, 1 in sample 1", ex.Message);
        var missing = Assert.Throws<ArgumentException>(() => DefaultCollate.Collate(new[] { a, new Dictionary<string, object>() }));
        Assert.Contains("sample 1 has no key 'x'", missing.Message);
        Assert.Throws<ArgumentException>(() => Collate.Default<Uri, Tensor>());
    }
}
