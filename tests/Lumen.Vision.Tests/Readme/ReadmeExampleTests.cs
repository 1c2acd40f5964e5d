using Lumen.Autograd;
using Lumen.Data;
using Lumen.NN;
using Lumen.Optim;
using Lumen.Vision.Datasets;
using Lumen.Vision.Transforms;
using Xunit;

namespace Lumen.Vision.Tests.Readme;

/// <summary>The README's example, compiled and run on a subset: if the README's code stops compiling or
/// training, this test says so. Keep the two in step.</summary>
[Collection("GlobalRng")]
public class ReadmeExampleTests
{
    // ---- README example begins
    public sealed class CNN : Module
    {
        public readonly Sequential Layer1, Layer2, Fc;
        public CNN()
        {
            Layer1 = RegisterModule("layer1", new Sequential(
                new Conv2d(1, 16, kernelSize: (3, 3)), new BatchNorm2d(16), new ReLU(inplace: true),
                new MaxPool2d(kernelSize: 2, stride: 2)));
            Layer2 = RegisterModule("layer2", new Sequential(
                new Conv2d(16, 32, kernelSize: (3, 3)), new BatchNorm2d(32), new ReLU(inplace: true),
                new MaxPool2d(kernelSize: 2, stride: 2)));
            Fc = RegisterModule("fc", new Sequential(new Linear(32 * 5 * 5, 128), new ReLU(inplace: true), new Linear(128, 10)));
        }
        public override Tensor Forward(Tensor x)
        {
            x = Layer2.Call(Layer1.Call(x));
            return Fc.Call(x.View(x.Size(0), -1));
        }
    }
    // ---- README example ends

    [Fact]
    public void The_readme_example_trains_on_an_MNIST_subset()
    {
        Torch.ManualSeed(0);
        var dataTf = new Compose(new ToTensor(), new Normalize(new[] { 0.5f }, new[] { 0.5f }));
        var train = new Subset<(Tensor Image, long Label)>(new MNIST(train: true, transform: dataTf), Enumerable.Range(0, 2000).ToArray());
        var test = new Subset<(Tensor Image, long Label)>(new MNIST(train: false, transform: dataTf), Enumerable.Range(0, 500).ToArray());
        var trainLoader = new DataLoader(train, batchSize: 100, shuffle: true);
        var testLoader = new DataLoader(test, batchSize: 100);

        var model = new CNN();
        var criterion = new CrossEntropyLoss();
        var optimizer = new Adam(model.Parameters());
        foreach (var (images, labels) in trainLoader)
        {
            var loss = criterion.Call(model.Call(images), labels);
            optimizer.ZeroGrad();
            loss.Backward();
            optimizer.Step();
        }
        long correct = 0;
        model.Eval();
        using (Autograd.Autograd.NoGrad())
            foreach (var (images, labels) in testLoader)
            {
                var (_, pred) = Torch.Max(model.Call(images), 1);
                correct += pred.Eq(labels).Sum().Item<long>();
            }
        Assert.True(correct / 500.0 > 0.7, $"accuracy after one pass over 2,000 images: {correct / 500.0:P1}");
    }
}
