using System.Globalization;
using Lumen.Data;
using Lumen.NN;
using Lumen.Optim;
using Lumen.Vision.Codecs;
using Lumen.Vision.Datasets;
using Lumen.Vision.Models;
using Lumen.Vision.Transforms;

namespace Lumen.Examples.GeneralizingWithConvolutions;

/// <summary>
/// Seed 003, Deep Learning with PyTorch chapter 8 ("Using convolutions to generalize"), line for line: a convolution by
/// hand (shapes, padding, a blur and an edge-detection kernel set under no_grad, max pooling), the chapter's nn.Sequential
/// that fails without a view, Net and its variants with their parameter counts, the training loop with an L2 penalty
/// added to the loss by hand, validate(), and torch.save / load_state_dict. The chapter's data are CIFAR-2 (airplanes vs
/// birds); by default this trains on the nearest real two-class colour data on this machine, dogs vs cats resized to
/// 32×32, and with <c>--cifar2</c> on CIFAR-10's airplane and bird folders.
/// </summary>
public static class Program
{
    private const string Usage = "usage: GeneralizingWithConvolutions [--quick] [--cifar2] [--data DIR] [--epochs N] [--plain] [--out DIR]";

    // CIFAR-10's per-channel mean and std (the book's chapter 7); used for the dog and cat images too.
    private static readonly float[] Mean = { 0.4915f, 0.4823f, 0.4468f };
    private static readonly float[] Std = { 0.2470f, 0.2435f, 0.2616f };

    public static int Main(string[] args)
    {
        bool quick = false, cifar2 = false, plain = false;
        string? dataDir = null, outDir = null;
        int? epochs = null;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--quick": quick = true; break;
                case "--cifar2": cifar2 = true; break;
                case "--plain": plain = true; break;
                case "--data" when i + 1 < args.Length: dataDir = args[++i]; break;
                case "--out" when i + 1 < args.Length: outDir = args[++i]; break;
                case "--epochs" when i + 1 < args.Length && int.TryParse(args[i + 1], out var n) && n > 0: epochs = n; i++; break;
                default:
                    Console.Error.WriteLine($"GeneralizingWithConvolutions: unexpected argument '{args[i]}'. {Usage}");
                    return 2;
            }
        }
        int nEpochs = epochs ?? (quick ? 1 : 100);
        outDir ??= Directory.GetCurrentDirectory();

        var roots = DataRoots(dataDir);
        string sub = cifar2 ? "cifar10-jpeg" : "dogcat";
        string? root = roots.Select(r => Path.Combine(r, sub)).FirstOrDefault(Directory.Exists);
        if (root is null)
        {
            Console.Error.WriteLine($"GeneralizingWithConvolutions: no {sub} folder found (looked in {string.Join(", ", roots)}); pass --data DIR, the folder holding {sub}/.");
            return 2;
        }

        Torch.ManualSeed(0);
        var (train, val, classes) = cifar2 ? LoadCifar2(root, quick) : LoadDogCat(root, quick);
        Console.WriteLine($"data: {root} ({string.Join(" vs ", classes)}), {train.Count} training and {val.Count} validation images of 3x32x32" +
                          (quick ? " (--quick subset)" : ""));
        Console.WriteLine();

        Directory.CreateDirectory(outDir);
        ConvolutionByHand(train[0].Image, outDir);
        SequentialWithoutView(train[0].Image);
        ModelDesigns(train[0].Image);

        Console.WriteLine("== 8.4 Training our convnet ==");
        var trainLoader = new DataLoader(train, batchSize: 64, shuffle: true);
        var model = new Net();
        var optimizer = new SGD(model.Parameters(), lr: 1e-2);
        var lossFn = new CrossEntropyLoss();
        if (plain) TrainingLoop(nEpochs, optimizer, model, lossFn, trainLoader);
        else TrainingLoopL2Reg(nEpochs, optimizer, model, lossFn, trainLoader);

        var trainLoaderOrdered = new DataLoader(train, batchSize: 64, shuffle: false);
        var valLoader = new DataLoader(val, batchSize: 64, shuffle: false);
        var accuracies = Validate(model, trainLoaderOrdered, valLoader);

        // 8.4.2 Saving and loading our model: torch.save(model.state_dict(), data_path + 'birds_vs_airplanes.pt')
        string path = Path.Combine(outDir, cifar2 ? "birds_vs_airplanes.pt" : "dogs_vs_cats.pt");
        Torch.Save(model.StateDict(), path);
        Console.WriteLine($"saved {path} ({new FileInfo(path).Length} bytes)");
        var loadedModel = new Net();
        Console.WriteLine(loadedModel.LoadStateDict(Torch.Load(path)));
        var reloaded = Validate(loadedModel, trainLoaderOrdered, valLoader);
        Console.WriteLine(reloaded.SequenceEqual(accuracies)
            ? "the loaded model has the same accuracies"
            : "the loaded model's accuracies differ");
        return 0;
    }

    /// <summary>Where ../shared/data is: --data, then beside the repository root (the first ancestor of this program
    /// holding Lumen.slnx). No machine path: a clone elsewhere passes --data.</summary>
    private static List<string> DataRoots(string? dataDir)
    {
        var list = new List<string>();
        if (dataDir is not null) { list.Add(Path.GetFullPath(dataDir)); return list; }
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Lumen.slnx")))
            {
                list.Add(Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "data")));
                break;
            }
        return list;
    }

    private static Transform Preprocess() =>
        new Compose(new Resize((32, 32)), new ToTensor(), new Normalize(Mean, Std));

    /// <summary>Dogs vs cats: ImageFolder over dogcat/{cat,dog}, resized to 32×32, split 80/20 with random_split; the
    /// images are decoded once and kept in memory, as the chapter keeps cifar2 in a list.</summary>
    private static (Dataset<(Tensor Image, long Label)>, Dataset<(Tensor Image, long Label)>, IReadOnlyList<string>) LoadDogCat(string root, bool quick)
    {
        var all = new ImageFolder(root, transform: Preprocess());
        int nVal = all.Count / 5;
        var parts = Dataset.RandomSplit(all, new[] { all.Count - nVal, nVal }, new Generator().ManualSeed(0));
        IEnumerable<(Tensor Image, long Label)> train = parts[0], val = parts[1];
        if (quick) { train = train.Take(128); val = val.Take(64); }
        return (new ListDataset<(Tensor Image, long Label)>(train), new ListDataset<(Tensor Image, long Label)>(val), all.Classes);
    }

    /// <summary>CIFAR-2 as the chapter builds it: <c>label_map = {0: 0, 2: 1}; cifar2 = [(img, label_map[label]) for img,
    /// label in cifar10 if label in [0, 2]]</c>, here from the CIFAR-10 JPEG folders (train/ and test/).</summary>
    private static (Dataset<(Tensor Image, long Label)>, Dataset<(Tensor Image, long Label)>, IReadOnlyList<string>) LoadCifar2(string root, bool quick)
    {
        var labelMap = new Dictionary<int, long> { [0] = 0, [2] = 1 };
        Dataset<(Tensor Image, long Label)> Pick(string split, int? take)
        {
            var cifar10 = new ImageFolder(Path.Combine(root, split), transform: new Compose(new ToTensor(), new Normalize(Mean, Std)));
            var indices = Enumerable.Range(0, cifar10.Count).Where(i => labelMap.ContainsKey(cifar10.Targets[i])).ToArray();
            if (take is int t)  // a random subset: the folders list all airplanes before all birds
            {
                var perm = Torch.RandPerm(indices.Length, new Generator().ManualSeed(0)).ToArray<long>();
                indices = perm.Take(t).Select(p => indices[p]).ToArray();
            }
            return new ListDataset<(Tensor Image, long Label)>(indices.Select(i =>
            {
                var (img, label) = cifar10[i];
                return (img, labelMap[(int)label]);
            }));
        }
        return (Pick("train", quick ? 128 : null), Pick("test", quick ? 64 : null), new[] { "airplane", "bird" });
    }

    /// <summary>8.2: nn.Conv2d on one image, padding, the blur and edge kernels set by hand, max pooling.</summary>
    private static void ConvolutionByHand(Tensor img, string outDir)
    {
        Console.WriteLine("== 8.2 Convolutions in action ==");
        var conv = new Conv2d(3, 16, kernelSize: 3);
        Console.WriteLine(conv);
        Console.WriteLine($"conv.weight.shape, conv.bias.shape: {conv.Weight.Shape}, {conv.Bias!.Shape}");
        var output = conv.Call(img.Unsqueeze(0));
        Console.WriteLine($"img.unsqueeze(0).shape, output.shape: {img.Unsqueeze(0).Shape}, {output.Shape}");
        SaveGray(output[0, 0].Detach(), Path.Combine(outDir, "conv_random.png"));

        conv = new Conv2d(3, 1, kernelSize: 3, padding: 1);               // now with padding
        output = conv.Call(img.Unsqueeze(0));
        Console.WriteLine($"with padding=1: {img.Unsqueeze(0).Shape}, {output.Shape}");

        using (Torch.NoGrad()) conv.Bias!.Zero_();
        using (Torch.NoGrad()) conv.Weight.Fill_(1.0f / 9.0f);      // each output pixel: the mean of its 3x3 neighbours
        output = conv.Call(img.Unsqueeze(0));
        SaveGray(output[0, 0].Detach(), Path.Combine(outDir, "conv_blur.png"));

        conv = new Conv2d(3, 1, kernelSize: 3, padding: 1);
        using (Torch.NoGrad())
        {
            conv.Weight[..] = Torch.Tensor(new[,] { { -1.0f, 0.0f, 1.0f }, { -1.0f, 0.0f, 1.0f }, { -1.0f, 0.0f, 1.0f } });
            conv.Bias!.Zero_();
        }
        output = conv.Call(img.Unsqueeze(0));
        SaveGray(output[0, 0].Detach(), Path.Combine(outDir, "conv_edges.png"));
        // The edge kernel on a 4x6 image, dark on the left and bright on the right: large where the step is.
        var step = Torch.Zeros(1, 3, 4, 6);
        step[.., .., .., 3..] = Torch.Scalar(1.0f);
        Console.WriteLine("edge kernel on a vertical step:");
        Console.WriteLine(conv.Call(step)[0, 0]);
        Console.WriteLine($"wrote conv_random.png, conv_blur.png, conv_edges.png to {outDir}");

        var pool = new MaxPool2d(2);
        output = pool.Call(img.Unsqueeze(0));
        Console.WriteLine($"nn.MaxPool2d(2): {img.Unsqueeze(0).Shape}, {output.Shape}");
        Console.WriteLine();
    }

    /// <summary>The image scaled to [0, 1] (as plt.imshow's colour map does) written as a grey PNG.</summary>
    private static void SaveGray(Tensor image, string path)
    {
        float min = image.Min().Item(), max = image.Max().Item();
        var scaled = max > min ? image.Sub(min).Div(max - min) : Torch.ZerosLike(image);
        Png.Save(TF.ToPILImage(scaled), path);
    }

    /// <summary>8.2.4: the chapter's nn.Sequential has the right parameters but no view before the first Linear.</summary>
    private static void SequentialWithoutView(Tensor img)
    {
        Console.WriteLine("== 8.2.4 Putting it all together: nn.Sequential ==");
        var model = new Sequential(
            new Conv2d(3, 16, kernelSize: 3, padding: 1), new Tanh(), new MaxPool2d(2),
            new Conv2d(16, 8, kernelSize: 3, padding: 1), new Tanh(), new MaxPool2d(2),
            // ... WARNING: something important is missing here
            new Linear(8 * 8 * 8, 32), new Tanh(), new Linear(32, 2));
        var numelList = model.Parameters().Select(p => p.Numel()).ToList();
        Console.WriteLine($"sum(numel_list), numel_list: {numelList.Sum()}, [{string.Join(", ", numelList)}]");
        try
        {
            model.Call(img.Unsqueeze(0));
            Console.WriteLine("model(img.unsqueeze(0)) ran");
        }
        catch (Exception e)
        {
            Console.WriteLine($"model(img.unsqueeze(0)) fails: {e.GetType().Name}: {e.Message}");
        }
        Console.WriteLine();
    }

    /// <summary>8.3 and 8.5: Net and the chapter's design variants, with their parameter counts.</summary>
    private static void ModelDesigns(Tensor img)
    {
        Console.WriteLine("== 8.3 Subclassing nn.Module: Net ==");
        var net = new Net();
        Console.WriteLine(net);
        var numelList = net.Parameters().Select(p => p.Numel()).ToList();
        Console.WriteLine($"Net: {numelList.Sum()}, [{string.Join(", ", numelList)}]");
        Console.WriteLine($"model(img.unsqueeze(0)): {net.Call(img.Unsqueeze(0))}");
        Console.WriteLine();

        Console.WriteLine("== 8.5 Model design: parameter counts ==");
        (string Name, Module Model)[] designs =
        {
            ("Net", net),
            ("NetWidth", new NetWidth()),
            ("NetDropout", new NetDropout()),
            ("NetBatchNorm", new NetBatchNorm()),
            ("NetDepth", new NetDepth()),
            ("NetRes", new NetRes()),
            ("NetResDeep", new NetResDeep()),                              // the book's 10 copies of one ResBlock
            ("NetResDeep(sharedBlocks: false)", new NetResDeep(sharedBlocks: false)),
        };
        foreach (var (name, model) in designs)
        {
            var logits = model.Call(img.Unsqueeze(0));
            Console.WriteLine($"{name}: {model.Parameters().Sum(p => (long)p.Numel())} parameters, output {logits.Shape}");
        }
        Console.WriteLine();
    }

    /// <summary>The chapter's <c>training_loop</c> (In[30]).</summary>
    public static void TrainingLoop(int nEpochs, Optimizer optimizer, Module model, Loss lossFn, DataLoader trainLoader)
    {
        for (int epoch = 1; epoch <= nEpochs; epoch++)
        {
            double lossTrain = 0.0;
            foreach (var (imgs, labels) in trainLoader)
            {
                var outputs = model.Call(imgs);
                var loss = lossFn.Call(outputs, labels);
                optimizer.ZeroGrad();
                loss.Backward();
                optimizer.Step();
                lossTrain += loss.Item();
            }
            if (epoch == 1 || epoch % 10 == 0) PrintEpoch(epoch, lossTrain / trainLoader.Count);
        }
    }

    /// <summary>The chapter's <c>training_loop_l2reg</c> (In[45]): the L2 norm of every parameter, scaled by
    /// l2_lambda = 0.001, added to the loss by hand (SGD's weight_decay = 2·lambda does the same inside the step).</summary>
    public static void TrainingLoopL2Reg(int nEpochs, Optimizer optimizer, Module model, Loss lossFn, DataLoader trainLoader)
    {
        for (int epoch = 1; epoch <= nEpochs; epoch++)
        {
            double lossTrain = 0.0;
            foreach (var (imgs, labels) in trainLoader)
            {
                var outputs = model.Call(imgs);
                var loss = lossFn.Call(outputs, labels);

                const float l2Lambda = 0.001f;
                var l2Norm = model.Parameters().Select(p => p.Pow(2.0f).Sum()).Aggregate((a, b) => a.Add(b));  // abs() for L1
                loss = loss.Add(l2Norm.Mul(l2Lambda));

                optimizer.ZeroGrad();
                loss.Backward();
                optimizer.Step();
                lossTrain += loss.Item();
            }
            if (epoch == 1 || epoch % 10 == 0) PrintEpoch(epoch, lossTrain / trainLoader.Count);
        }
    }

    private static void PrintEpoch(int epoch, double loss) =>
        Console.WriteLine($"{DateTime.Now:yyyy-MM-dd HH:mm:ss.ffffff} Epoch {epoch}, Training loss {loss.ToString("R", CultureInfo.InvariantCulture)}");

    /// <summary>The chapter's <c>validate</c> (In[32]): accuracy on the training and the validation set, no gradients.
    /// Returns the two accuracies.</summary>
    public static double[] Validate(Module model, DataLoader trainLoader, DataLoader valLoader)
    {
        var result = new List<double>();
        foreach (var (name, loader) in new[] { ("train", trainLoader), ("val", valLoader) })
        {
            long correct = 0, total = 0;
            using (Torch.NoGrad())
                foreach (var (imgs, labels) in loader)
                {
                    var outputs = model.Call(imgs);
                    var (_, predicted) = Torch.Max(outputs, 1);
                    total += labels.Shape[0];
                    correct += predicted.Eq(labels).Sum().Item<long>();
                }
            double accuracy = (double)correct / total;
            Console.WriteLine($"Accuracy {name}: {accuracy.ToString("F2", CultureInfo.InvariantCulture)}");
            result.Add(accuracy);
        }
        return result.ToArray();
    }
}
