using Lumen.Cli.Setup;
using Lumen.Data;
using Lumen.Vision.Datasets;
using Xunit;

namespace Lumen.Cli.Tests;

/// <summary>How <c>lumen train</c> builds its splits (<see cref="DataSetup.Load"/>).</summary>
public sealed class DataSetupTests
{
    [Fact]
    public void Valid_split_of_MNIST_reads_the_held_out_images_with_the_evaluation_transforms_not_the_augmentation()
    {
        var c = new RunConfig { Dataset = "mnist", Transforms = "randomcrop:28:4,flip,normalize", TrainSubset = 200, ValidSplit = 0.25, Seed = 3 };
        var bundle = DataSetup.Load(c);
        var valid = Assert.IsType<Subset<(Tensor Image, long Label)>>(bundle.Valid);
        var train = Assert.IsType<Subset<(Tensor Image, long Label)>>(bundle.Train);
        Assert.Equal(50, valid.Count);
        Assert.Equal(150, train.Count);

        // Held out and kept are disjoint and together the first 200 training images (the subset).
        var trainIdx = train.Indices.Select(i => ((Subset<(Tensor, long)>)train.Dataset).Indices[i]);
        Assert.Equal(Enumerable.Range(0, 200), trainIdx.Concat(valid.Indices).Order());

        // Each held-out example is its source image through the evaluation pipeline (normalize only): no random crop
        // or flip, so reading it twice gives the same tensor.
        var mnist = new MNIST(null, train: true);
        for (int k = 0; k < valid.Count; k += 7)
        {
            var (image, label) = valid[k];
            var expected = (Tensor)bundle.EvalTransform.Forward(mnist.GetImage(valid.Indices[k]));
            Assert.Equal(expected.ToArray(), image.ToArray());
            Assert.Equal(valid[k].Image.ToArray(), image.ToArray());
            Assert.Equal(mnist.GetLabel(valid.Indices[k]), label);
        }
    }
}
