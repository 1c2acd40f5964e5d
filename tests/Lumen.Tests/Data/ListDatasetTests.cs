using Lumen.Data;
using Xunit;

namespace Lumen.Tests.Data;

public class ListDatasetTests
{
    private static List<(Tensor Image, long Label)> Samples(int n) =>
        Enumerable.Range(0, n).Select(i => (Torch.Full(new[] { 1, 2, 2 }, i), (long)(i % 2))).ToList();

    [Fact]
    public void A_DataLoader_over_a_list_batches_its_samples_in_order_as_PyTorch_does_with_a_Python_list()
    {
        // PyTorch: DataLoader([(torch.full((1, 2, 2), i), i % 2) for i in range(5)], batch_size=2) yields images of
        // shapes (2, 1, 2, 2), (2, 1, 2, 2), (1, 1, 2, 2) and labels [0, 1], [0, 1], [0].
        var loader = new DataLoader(new ListDataset<(Tensor Image, long Label)>(Samples(5)), batchSize: 2);
        var batches = loader.ToList();
        Assert.Equal(3, batches.Count);
        Assert.Equal(new[] { 2, 1, 2, 2 }, batches[0].Images.Shape.Dims.ToArray());
        Assert.Equal(new[] { 1, 1, 2, 2 }, batches[2].Images.Shape.Dims.ToArray());
        Assert.Equal(new long[] { 0, 1 }, batches[1].Labels.ToArray<long>());
        Assert.Equal(new float[] { 2, 2, 2, 2, 3, 3, 3, 3 }, batches[1].Images.ToArray<float>());
    }

    [Fact]
    public void The_dataset_keeps_its_own_copy_and_names_itself_on_a_bad_index()
    {
        var list = Samples(3);
        var ds = new ListDataset<(Tensor Image, long Label)>(list);
        list.Clear();
        Assert.Equal(3, ds.Count);
        Assert.Equal(1, ds[1].Label);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => ds[3]);
        Assert.Contains("ListDataset", e.Message);
    }
}
