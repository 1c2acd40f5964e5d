using System.Diagnostics;
using Lumen.Data;
using Lumen.NN;
using Lumen.Optim;
using Lumen.Vision.Datasets;
using Lumen.Vision.Models;
using Lumen.Vision.Transforms;

namespace Lumen.Examples.Conv2dMaxPoolMnist;

/// <summary>
/// Seed 004 ("卷积神经网络中 nn.Conv2d() 和 nn.MaxPool2d()"), line for line: what each Conv2d / MaxPool2d argument does
/// to the output shape, printing SimpleCNN and taking it apart (children, slicing, the conv layers, named parameters),
/// and the seed's MNIST CNN trained with Adam, batch 100, three epochs on the MNIST copy embedded in Lumen.Vision.
/// <c>--quick</c>: one epoch on 1,000 training and 500 test images (seconds, for CI).
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        bool quick = args.Contains("--quick");
        int epochs = quick ? 1 : 3;
        foreach (var a in args)
            if (a != "--quick")
            {
                Console.Error.WriteLine($"Conv2dMaxPoolMnist: unknown argument '{a}' (expected --quick).");
                return 2;
            }

        Torch.ManualSeed(0);
        ConvAndPoolParameters();
        SimpleCnnStructure();
        TrainMnist(epochs, quick);
        return 0;
    }

    /// <summary>The seed's two parameter tables, shown on a (1, 4, 32, 32) input: each module's repr (PyTorch's), its
    /// output shape, and for convolutions the weight shape and parameter count.</summary>
    private static void ConvAndPoolParameters()
    {
        Console.WriteLine("== nn.Conv2d and nn.MaxPool2d parameters, on an input of shape [1, 4, 32, 32] ==");
        var x = Torch.Randn(1, 4, 32, 32);
        Module[] modules =
        {
            new Conv2d(4, 8, kernelSize: 3),                   // out = (32 - 3) / 1 + 1 = 30
            new Conv2d(4, 8, kernelSize: 3, stride: 2),        // (32 - 3) / 2 + 1 = 15 (floor)
            new Conv2d(4, 8, kernelSize: 3, padding: 1),       // (32 + 2 - 3) / 1 + 1 = 32: "same" size
            new Conv2d(4, 8, kernelSize: (3, 2)),              // kernel_size=(3, 2): height 3, width 2
            new Conv2d(4, 8, kernelSize: 3, dilation: 2),      // the kernel spans 2·(3-1)+1 = 5 pixels
            new Conv2d(4, 8, kernelSize: 3, groups: 2),        // two groups of 2 input → 4 output channels
            new Conv2d(4, 8, kernelSize: 3, bias: false),
            new MaxPool2d(2),                                  // stride defaults to kernel_size
            new MaxPool2d(3, stride: 2),                       // (32 - 3) / 2 + 1 = 15
            new MaxPool2d(3, stride: 2, ceilMode: true),       // ceil((32 - 3) / 2) + 1 = 16
            new MaxPool2d(2, padding: 1),                      // (32 + 2 - 2) / 2 + 1 = 17
            new MaxPool2d(2, dilation: 2),                     // the window spans 3 pixels: (32 - 3) / 2 + 1 = 15
        };
        using (Torch.NoGrad())
            foreach (var m in modules)
            {
                var y = m.Call(x);
                string extra = m is Conv2d c
                    ? $"  weight {c.Weight.Shape} bias {(c.Bias is null ? "None" : c.Bias.Shape.ToString())} params {c.NumParameters()}"
                    : "";
                Console.WriteLine($"{m} -> {y.Shape}{extra}");
            }
        // return_indices=True: the positions of the maxima, for MaxUnpool2d.
        var pool = new MaxPool2d(2, returnIndices: true);
        var (values, indices) = pool.CallWithIndices(x);   // values, indices = pool(x)
        Console.WriteLine($"{pool} -> values {values.Shape}, indices {indices.Shape} {indices.DType}");
        Console.WriteLine();
    }

    /// <summary>The seed's SimpleCNN printout and its "extract the layer structure" section.</summary>
    private static void SimpleCnnStructure()
    {
        Console.WriteLine("== SimpleCNN ==");
        var model = new SimpleCNN();
        Console.WriteLine(model);                                              // print(model)

        Console.WriteLine("nn.Sequential(*list(model.children())[:2]):");
        Console.WriteLine(new Sequential(model.Children().Take(2)));

        var convModel = new Sequential();                                      // all the convolution layers
        foreach (var (name, layer) in model.NamedModules())
            if (layer is Conv2d)
                convModel.AddModule(name.Split('.')[1], layer);
        Console.WriteLine("the conv layers:");
        Console.WriteLine(convModel);

        Console.WriteLine("model.named_parameters():");
        foreach (var (name, _) in model.NamedParameters())
            Console.WriteLine(name);

        // Indexing and slicing a Sequential, PyTorch's model.layer1[0] and model.layer1[:2].
        Console.WriteLine("model.layer1[0]:");
        Console.WriteLine(model.Layer1[0]);
        Console.WriteLine("model.layer1[:2]:");
        Console.WriteLine(model.Layer1[..2]);
        Console.WriteLine($"SimpleCNN parameters: {model.NumParameters()}");
        Console.WriteLine();
    }

    /// <summary>The seed's MNIST case study: its CNN (<see cref="MnistCNN"/>), ToTensor + Normalize([0.5], [0.5]),
    /// batch 100, CrossEntropyLoss, Adam with default settings, accuracy counted as the seed counts it.</summary>
    private static void TrainMnist(int iterStep, bool quick)
    {
        Console.WriteLine("== MNIST CNN ==");
        var dataTf = new Compose(new ToTensor(), new Normalize(new[] { 0.5f }, new[] { 0.5f }));
        Dataset<(Tensor Image, long Label)> trainDataset = new MNIST(train: true, transform: dataTf);
        Dataset<(Tensor Image, long Label)> testDataset = new MNIST(train: false, transform: dataTf);
        if (quick)
        {
            trainDataset = new Subset<(Tensor Image, long Label)>(trainDataset, Enumerable.Range(0, 1000).ToArray());
            testDataset = new Subset<(Tensor Image, long Label)>(testDataset, Enumerable.Range(0, 500).ToArray());
            Console.WriteLine("--quick: the first 1,000 training and 500 test images, one epoch");
        }
        const int batchSize = 100;
        var trainLoader = new DataLoader(trainDataset, batchSize: batchSize);  // the seed does not shuffle
        var testLoader = new DataLoader(testDataset, batchSize: batchSize);

        var model = new MnistCNN();
        Console.WriteLine(model);
        Console.WriteLine($"parameters: {model.NumParameters()}");
        var criterion = new CrossEntropyLoss();
        var optimizer = new Adam(model.Parameters());

        var loss1 = new List<double>();
        var loss2 = new List<double>();
        for (int step = 0; step < iterStep; step++)
        {
            var watch = Stopwatch.StartNew();
            double loss1Count = 0, loss2Count = 0;
            foreach (var (batchImages, labels) in trainLoader)
            {
                var images = batchImages.Reshape(-1, 1, 28, 28);
                var output = model.Call(images);
                var pred = output.Squeeze();

                optimizer.ZeroGrad();
                var loss = criterion.Call(pred, labels);
                loss.Backward();
                optimizer.Step();

                var (_, predicted) = Torch.Max(pred, 1);
                loss1Count += predicted.Eq(labels).Sum().Item<long>() / 100.0;
            }
            // The seed tests with the model still in training mode (no model.eval()), as here.
            using (Torch.NoGrad())
                foreach (var (images, labels) in testLoader)
                {
                    var pred = model.Call(images.Reshape(-1, 1, 28, 28));
                    var (_, predicted) = Torch.Max(pred, 1);
                    loss2Count += predicted.Eq(labels).Sum().Item<long>() / 100.0;
                }
            loss1.Add(loss1Count / trainLoader.Count);
            loss2.Add(loss2Count / testLoader.Count);
            Console.WriteLine($"epoch {step}: train accuracy {loss1[^1]:F4}, test accuracy {loss2[^1]:F4} ({watch.Elapsed.TotalSeconds:F1} s)");
        }
    }
}
