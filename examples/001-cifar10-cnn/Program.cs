using System.Diagnostics;
using System.Globalization;
using Lumen.Data;
using Lumen.NN;
using Lumen.Optim;
using Lumen.Training.Metrics;
using Lumen.Vision.Datasets;
using Lumen.Vision.Models;
using Lumen.Vision.Transforms;
using Lumen.Vision.Utils;

namespace Lumen.Examples.Cifar10Cnn;

/// <summary>
/// Seed 001, "Intro to PyTorch 2: Convolutional Neural Networks" (florestony54/intro-to-pytorch-2), ported line by line:
/// CIFAR-10 through ImageFolder (the 32×32 JPEG class folders of ../shared/data/cifar10-jpeg), ToTensor + Normalize(0.5),
/// the ConvNet, the notebook's train/test functions with Adam(lr 0.001), the first layer's filters drawn as a PNG,
/// image augmentation, HyperSearch (a grid over c1, c2, l1, each run with early stopping, tolerance 3), fine-tuning the
/// best configuration, and the evaluation: accuracy, per-class accuracy, confusion matrix, per-class recall and
/// precision, and a picture of sample predictions.
/// <code>dotnet run --project examples/001-cifar10-cnn -c Release -- [--quick] [--data DIR] [--out DIR] [--epochs N]
///     [--finetune-epochs N] [--train-subset N] [--test-subset N]</code>
/// </summary>
public static class Program
{
    private static readonly string[] Options = { "--quick", "--data", "--out", "--epochs", "--finetune-epochs", "--train-subset", "--test-subset" };

    public static int Main(string[] args)
    {
        var unknown = args.Where((a, i) => a.StartsWith("--", StringComparison.Ordinal) && !Options.Contains(a)).FirstOrDefault();
        if (unknown != null)
        {
            Console.Error.WriteLine($"cifar10-cnn: unknown option {unknown}; expected {string.Join(", ", Options)}.");
            return 2;
        }
        bool quick = args.Contains("--quick");
        int? trainSubset = IntArg(args, "--train-subset") ?? (quick ? 200 : null);
        int? testSubset = IntArg(args, "--test-subset") ?? (quick ? 100 : null);
        int epochs = IntArg(args, "--epochs") ?? (quick ? 1 : 10);
        int finetuneEpochs = IntArg(args, "--finetune-epochs") ?? (quick ? 1 : 50);
        var outDir = ArgValue(args, "--out") ?? Path.Combine(Path.GetTempPath(), "lumen-examples", "seed001-" + DateTime.Now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture));
        Directory.CreateDirectory(outDir);
        var clock = Stopwatch.StartNew();

        // torch.manual_seed(42)
        Torch.ManualSeed(42);

        // transform = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.5, 0.5, 0.5), (0.5, 0.5, 0.5))])
        var transform = new Compose(new ToTensor(), new Normalize(new[] { 0.5f, 0.5f, 0.5f }, new[] { 0.5f, 0.5f, 0.5f }));

        // training_data = CIFAR10(root="cifar", train=True, transform=transform): here the JPEG class folders, via ImageFolder.
        var cifar = SharedData.Find(ArgValue(args, "--data"), "cifar10-jpeg");
        if (cifar == null)
        {
            cifar = SyntheticCifar.Write(Path.Combine(outDir, "synthetic-cifar10"), perClassTrain: 60, perClassTest: 20);
            Console.WriteLine($"cifar10-jpeg not found (looked in {string.Join(", ", SharedData.Candidates(ArgValue(args, "--data")))});");
            Console.WriteLine($"using SYNTHETIC CIFAR-format data (10 colour-coded classes of 32x32 images) written to {cifar}");
        }
        var trainRoot = Path.Combine(cifar, "train");
        var testRoot = Path.Combine(cifar, "test");
        var trainingFolder = new ImageFolder(trainRoot, transform);
        var testFolder = new ImageFolder(testRoot, transform);
        // The same images in a fixed random subset (--quick, --train-subset/--test-subset), else all of them.
        var trainIdx = Pick(trainingFolder.Count, trainSubset, seed: 0);
        var testIdx = Pick(testFolder.Count, testSubset, seed: 1);
        var trainingData = new Subset<(Tensor Image, long Label)>(trainingFolder, trainIdx);
        var testData = new Subset<(Tensor Image, long Label)>(testFolder, testIdx);
        Console.WriteLine($"train: {trainingData.Count} of {trainingFolder.Count} images in {trainRoot}; test: {testData.Count} of {testFolder.Count} in {testRoot}");

        // classes = training_data.classes
        var classes = trainingFolder.Classes;
        Console.WriteLine("classes: [" + string.Join(", ", classes.Select(c => $"'{c}'")) + "]");

        // batch_size = 24; train_dataloader = DataLoader(training_data, batch_size=batch_size, shuffle=True)
        const int batchSize = 24;
        var trainDataloader = new DataLoader(trainingData, batchSize: batchSize, shuffle: true);
        var testDataloader = new DataLoader(testData, batchSize: batchSize, shuffle: true);
        foreach (var (x, y) in trainDataloader)
        {
            Console.WriteLine($"Shape of X [N, C, H, W]: {x.Shape}");
            Console.WriteLine($"Shape of y: {y.Shape} {y.DType}");
            break;
        }

        // model = ConvNet().to(device)
        var model = new ConvNet();
        Console.WriteLine(model);
        Console.WriteLine($"parameters: {model.NumParameters():N0}");

        // loss_fn = nn.CrossEntropyLoss(); optimizer = torch.optim.Adam(model.parameters(), lr=0.001)
        var lossFn = new CrossEntropyLoss();
        var optimizer = new Adam(model.Parameters(), lr: 0.001);
        for (int t = 0; t < epochs; t++)
        {
            Console.WriteLine($"Epoch {t + 1}\n-------------------------------");
            Train(trainDataloader, model, lossFn, optimizer);
            Test(testDataloader, model, lossFn);
        }
        Console.WriteLine("Done!");

        // Visualizing filters: the weights of conv1, one 3×3 RGB picture per filter, on one grid (make_grid(normalize=True)).
        var filtersPng = Path.Combine(outDir, "conv1_filters.png");
        VisualizeTensor(model.Conv1.Weight, filtersPng, nrow: 8);
        Console.WriteLine($"conv1 filters {model.Conv1.Weight.Shape} drawn to {filtersPng}");

        // Image augmentation for the search: random flips and small rotations, then ToTensor and Normalize as before.
        var augment = new Compose(new RandomHorizontalFlip(), new RandomRotation(10), new ToTensor(),
            new Normalize(new[] { 0.5f, 0.5f, 0.5f }, new[] { 0.5f, 0.5f, 0.5f }));
        Console.WriteLine("train transform: " + augment);
        var augmentedTrain = new Subset<(Tensor Image, long Label)>(new ImageFolder(trainRoot, augment), trainIdx);

        // search_space = {'c1': [...], 'c2': [...], 'l1': [...]}; HyperSearch(search_space, verbose=True).optimize()
        var searchSpace = quick
            ? new SearchSpace(C1: new[] { 8 }, C2: new[] { 16 }, L1: new[] { 32, 64 })
            : new SearchSpace(C1: new[] { 48, 96 }, C2: new[] { 96, 192 }, L1: new[] { 256, 512 });
        var search = new HyperSearch(searchSpace, verbose: true, epochs: epochs, lrate: 0.001, batchSz: quick ? 64 : 512,
            tolerance: 3, runsDir: Path.Combine(outDir, "search"));
        var searchClock = Stopwatch.StartNew();
        search.Optimize(augmentedTrain, testData);
        Console.WriteLine($"search time: {searchClock.Elapsed.TotalSeconds:F1} s");
        search.PrintReport();
        var best = search.Best!;

        // Fine-tune the best configuration longer, with a lower learning rate, stopping early when it stalls.
        Console.WriteLine($"fine-tuning c1={best.C1}, c2={best.C2}, l1={best.L1} for up to {finetuneEpochs} epochs (lr 0.0005)");
        var bestModel = search.TrainOne(best.C1, best.C2, best.L1, augmentedTrain, testData, finetuneEpochs, lr: 0.0005,
            batchSize: quick ? 64 : 256, runDir: Path.Combine(outDir, "finetune"), verbose: true).Trainer.Model;

        // Model evaluation on test data without augmentation.
        var evalLoader = new DataLoader(testData, batchSize: 256);
        var (testLoss, correct) = Test(evalLoader, bestModel, lossFn);
        Evaluate(bestModel, evalLoader, classes, outDir);
        Console.WriteLine($"final test accuracy {correct * 100:F1}%, avg loss {testLoss:F6}");
        Console.WriteLine($"Total time {clock.Elapsed.TotalSeconds:F1} s; output in {outDir}");
        return 0;
    }

    // ------------------------------------------------------------------ the notebook's train and test functions

    /// <summary>The notebook's <c>train(dataloader, model, loss_fn, optimizer)</c>: one epoch, printing the loss every 50 batches.</summary>
    public static double Train(DataLoader dataloader, Module model, Loss lossFn, Optimizer optimizer, bool verbose = true)
    {
        int size = dataloader.Dataset.Count;
        model.Train();
        double last = double.NaN;
        int batch = 0;
        foreach (var (x, y) in dataloader)
        {
            // Compute prediction error
            var pred = model.Call(x);
            var loss = lossFn.Call(pred, y);
            // Backpropagation
            optimizer.ZeroGrad();
            loss.Backward();
            optimizer.Step();
            last = loss.Item();
            if (verbose && batch % 50 == 0)
                Console.WriteLine($"loss: {last,7:F6}  [{batch * x.Size(0),5}/{size,5}]");
            batch++;
        }
        return last;
    }

    /// <summary>The notebook's <c>test(dataloader, model, loss_fn)</c>: mean batch loss and the fraction correct.</summary>
    public static (double Loss, double Correct) Test(DataLoader dataloader, Module model, Loss lossFn, bool verbose = true)
    {
        int size = dataloader.Dataset.Count, numBatches = dataloader.Count;
        model.Eval();
        double testLoss = 0, correct = 0;
        using (Autograd.Autograd.NoGrad())
        {
            foreach (var (x, y) in dataloader)
            {
                var pred = model.Call(x);
                testLoss += lossFn.Call(pred, y).Item();
                correct += pred.Argmax(1).Eq(y).Sum().Item<long>();  // (pred.argmax(1) == y).type(torch.float).sum().item()
            }
        }
        testLoss /= numBatches;
        correct /= size;
        if (verbose) Console.WriteLine($"Test Error: \n Accuracy: {100 * correct:F1}%, Avg loss: {testLoss,8:F6} \n");
        return (testLoss, correct);
    }

    /// <summary>The notebook's <c>visualizeTensor</c>: every filter of a (n, 3, k, k) weight as one RGB picture, the whole
    /// grid scaled to [0, 1] by its minimum and maximum (make_grid's normalize=True), saved as PNG.</summary>
    public static void VisualizeTensor(Tensor weight, string path, int nrow = 8, int padding = 1)
    {
        var w = weight.Detach();
        float min = w.Min().Item(), max = w.Max().Item();
        var scaled = w.Sub(min).Div(Math.Max(max - min, 1e-5f));
        var filters = Enumerable.Range(0, w.Size(0)).Select(i => scaled.Select(0, i)).ToList();
        ImageGrid.Save(path, filters, nrow: nrow, padding: padding, scale: 8);
    }

    // ------------------------------------------------------------------ evaluation: per class, confusion matrix, samples

    private static void Evaluate(Module model, DataLoader loader, IReadOnlyList<string> classes, string outDir)
    {
        var metrics = new ClassificationMetrics(classes.Count, loader.Dataset.Count);
        var samples = new List<(Tensor Image, long Label, long Pred)>();
        model.Eval();
        using (Autograd.Autograd.NoGrad())
            foreach (var (x, y) in loader)
            {
                var output = model.Call(x);
                metrics.Update(output, y);
                var pred = output.Argmax(1).ToArray<long>();
                var labels = y.ToArray<long>();
                for (int i = 0; i < labels.Length && samples.Count < 16; i++) samples.Add((x.Select(0, i), labels[i], pred[i]));
            }
        var r = metrics.Compute();
        Console.WriteLine($"Accuracy of the network on the {r.Count} test images: {r.Accuracy * 100:F1} %");
        // Per-class accuracy (the notebook's correct_pred / total_pred loop) is each class's recall.
        for (int k = 0; k < classes.Count; k++)
            Console.WriteLine($"Accuracy for class: {classes[k],-10} is {Pct(r.PerClassAccuracy[k])} %");
        Console.WriteLine("Confusion matrix (rows: actual, columns: predicted):");
        Console.WriteLine(r.ConfusionMatrixText(classes));
        Console.WriteLine("Per-class recall and precision:");
        for (int k = 0; k < classes.Count; k++)
            Console.WriteLine($"  {classes[k],-10} recall {Pct(r.Recall[k])} %  precision {Pct(r.Precision[k])} %");

        // Sample predictions: true and predicted class under each image.
        var path = Path.Combine(outDir, "sample_predictions.png");
        var mean = new[] { 0.5f, 0.5f, 0.5f };
        var images = samples.Select(s => s.Image.Mul(0.5f).Add(0.5f)).ToList();   // undo Normalize(0.5, 0.5)
        var captions = samples.Select(s => $"{classes[(int)s.Label]}/{classes[(int)s.Pred]}").ToList();
        var colours = samples.Select(s => s.Label == s.Pred ? ((byte)0, (byte)120, (byte)0) : ((byte)200, (byte)0, (byte)0)).ToList();
        ImageGrid.Save(path, images, captions, nrow: 8, padding: 4, scale: 3, captionColors: colours);
        Console.WriteLine($"sample predictions (true/predicted) drawn to {path}");
    }

    // ------------------------------------------------------------------ helpers

    private static string Pct(double v) => double.IsNaN(v) ? "n/a" : (v * 100).ToString("F1", CultureInfo.InvariantCulture);

    private static int[] Pick(int n, int? subset, int seed)
    {
        if (subset is null || subset >= n) return Enumerable.Range(0, n).ToArray();
        if (subset < 1) throw new ArgumentException($"cifar10-cnn: a subset must hold at least one image, got {subset}.");
        return Torch.RandPerm(n, new Generator(seed)).ToArray<long>().Take(subset.Value).Select(i => (int)i).ToArray();
    }

    private static string? ArgValue(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    private static int? IntArg(string[] args, string name)
    {
        var v = ArgValue(args, name);
        if (v == null) return null;
        return int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) && n > 0
            ? n : throw new ArgumentException($"cifar10-cnn: {name} expects a positive integer, got '{v}'.");
    }
}
