using System.Diagnostics;
using System.Globalization;
using Lumen.Data;
using Lumen.NN;
using Lumen.Optim;
using Lumen.Optim.Schedulers;
using Lumen.Vision.Datasets;
using Lumen.Vision.Models;
using Lumen.Vision.Transforms;
using Lumen.Vision.Utils;

namespace Lumen.Examples.BuildingBlocks;

/// <summary>
/// Seed 002, "Diving deep into neural networks" (Deep Learning with PyTorch, chapter 3), ported line by line: the Linear
/// layer and its parameters, stacked layers, the non-linear activations, the PyTorch way of writing a network, every loss
/// and optimizer the chapter names, weight initialisation, Dropout, BatchNorm and the StepLR schedule; then its image
/// classification pipeline on the dogs-vs-cats images: a random train/valid split into class folders, ImageFolder with
/// Resize/ToTensor/Normalize, DataLoaders, and ResNet-18 with a replaced <c>fc</c> trained by the chapter's
/// <c>train_my_model</c> (SGD lr 0.005 momentum 0.6, StepLR(2, 0.05)).
/// <code>dotnet run --project examples/002-building-blocks -c Release -- [--quick] [--data DIR] [--out DIR] [--epochs N]
///     [--image-size N] [--weights resnet18.pth]</code>
/// </summary>
public static class Program
{
    private static readonly string[] Options = { "--quick", "--data", "--out", "--epochs", "--image-size", "--weights" };

    public static int Main(string[] args)
    {
        var unknown = args.FirstOrDefault(a => a.StartsWith("--", StringComparison.Ordinal) && !Options.Contains(a));
        if (unknown != null)
        {
            Console.Error.WriteLine($"building-blocks: unknown option {unknown}; expected {string.Join(", ", Options)}.");
            return 2;
        }
        bool quick = args.Contains("--quick");
        var clock = Stopwatch.StartNew();
        Layers();
        Activations();
        Losses();
        Optimizers();
        InitDropoutBatchNormScheduler();

        var dogcat = SharedData.Find(ArgValue(args, "--data"), "dogcat");
        if (dogcat == null)
        {
            Console.WriteLine($"dogcat images not found (looked in {string.Join(", ", SharedData.Candidates(ArgValue(args, "--data")))}); skipping the image classification part.");
            return 0;
        }
        var outDir = ArgValue(args, "--out") ?? Path.Combine(Path.GetTempPath(), "lumen-examples", "seed002-" + DateTime.Now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture));
        DogsVsCats(dogcat, outDir, quick,
            epochs: IntArg(args, "--epochs") ?? (quick ? 2 : 20),
            imageSize: IntArg(args, "--image-size") ?? (quick ? 32 : 224),
            weights: ArgValue(args, "--weights"));
        Console.WriteLine($"Total time {clock.Elapsed.TotalSeconds:F1} s");
        return 0;
    }

    // ------------------------------------------------------------------ layers

    private static void Layers()
    {
        Section("Layers: Linear");
        Torch.ManualSeed(0);
        // linear_layer = Linear(in_features=5, out_features=3, bias=True)
        var linearLayer = new Linear(inFeatures: 5, outFeatures: 3, bias: true);
        // inp = Variable(torch.randn(1,5)); linear_layer(inp)
        var inp = Torch.Randn(1, 5);
        Console.WriteLine(linearLayer.Call(inp));
        Console.WriteLine(linearLayer.Weight);   // linear_layer.weight
        Console.WriteLine(linearLayer.Bias);     // linear_layer.bias
        // linear_layer = Linear(5,3); linear_layer_2 = Linear(3,2); linear_layer_2(linear_layer(inp))
        linearLayer = new Linear(5, 3);
        var linearLayer2 = new Linear(3, 2);
        Console.WriteLine(linearLayer2.Call(linearLayer.Call(inp)));

        // The PyTorch way: a class deriving from Module with its layers registered in the constructor and a Forward.
        var net = new NeuralNetwork(inputSize: 5, hiddenSize: 4, outputSize: 3);
        Console.WriteLine(net);
        Console.WriteLine(net.Call(inp));
    }

    /// <summary>The chapter's <c>NeuralNetwork(input_size, hidden_size, output_size)</c>: Linear → ReLU → Linear.</summary>
    public sealed class NeuralNetwork : Module
    {
        public readonly Linear Layer1;
        public readonly Linear Layer2;

        public NeuralNetwork(int inputSize, int hiddenSize, int outputSize)
        {
            Layer1 = RegisterModule("layer1", new Linear(inputSize, hiddenSize));
            Layer2 = RegisterModule("layer2", new Linear(hiddenSize, outputSize));
        }

        public override Tensor Forward(Tensor input)
        {
            var output = Layer1.Call(input);
            output = F.Relu(output);
            return Layer2.Call(output);
        }
    }

    // ------------------------------------------------------------------ activations

    private static void Activations()
    {
        Section("Non-linear activations");
        // example_data = Variable(torch.Tensor([[10,2,-1,-1]])); example_relu = ReLU(); example_relu(example_data)
        var exampleData = Torch.Tensor(new float[] { 10, 2, -1, -1 }, 1, 4);
        Console.WriteLine("ReLU      " + new ReLU().Call(exampleData));
        Console.WriteLine("Sigmoid   " + new Sigmoid().Call(exampleData));
        Console.WriteLine("Tanh      " + new Tanh().Call(exampleData));
        Console.WriteLine("LeakyReLU " + new LeakyReLU().Call(exampleData));
    }

    // ------------------------------------------------------------------ losses

    private static void Losses()
    {
        Section("Loss functions");
        Torch.ManualSeed(1);
        // loss = nn.MSELoss(); input = randn(2, 6, requires_grad=True); target = randn(2, 6); output = loss(input, target); output.backward()
        var loss = new MSELoss();
        var input = Torch.Randn(2, 6).RequiresGrad_();
        var target = Torch.Randn(2, 6);
        var output = loss.Call(input, target);
        output.Backward();
        Console.WriteLine("MSELoss " + output);
        Console.WriteLine("  input.grad " + input.Grad);

        // loss = nn.CrossEntropyLoss(); target = torch.LongTensor(2).random_(6)
        var ce = new CrossEntropyLoss();
        input = Torch.Randn(2, 6).RequiresGrad_();
        var classes = Torch.Empty(new[] { 2 }, DType.Int64).Random_(6);
        output = ce.Call(input, classes);
        output.Backward();
        Console.WriteLine($"CrossEntropyLoss target {classes} loss {output}");

        // The chapter's table: L1, NLL (with class weights for unbalanced data), NLL per pixel (segmentation).
        Console.WriteLine("L1Loss " + new L1Loss().Call(Torch.Tensor(new float[] { 1, 2, 3, 4 }, 2, 2), Torch.Tensor(new float[] { 1.5f, 2, 2, 5 }, 2, 2)));
        var logp = F.LogSoftmax(Torch.Tensor(new float[] { 1, 2, 3, 1, 0, -1 }, 2, 3), dim: 1);
        Console.WriteLine("NLLLoss " + new NLLLoss().Call(logp, Torch.Tensor(new long[] { 2, 0 }, 2)));
        Console.WriteLine("NLLLoss weighted " + new NLLLoss(weight: Torch.Tensor(new float[] { 1, 2, 3 }, 3)).Call(logp, Torch.Tensor(new long[] { 2, 1 }, 2)));
        Torch.ManualSeed(2);
        var pixels = F.LogSoftmax(Torch.Randn(1, 3, 2, 2), dim: 1);
        Console.WriteLine("NLLLoss per pixel " + new NLLLoss().Call(pixels, Torch.Tensor(new long[] { 0, 1, 2, 1 }, 1, 2, 2)));
        // cross_entropy_function(true_label, prediction) for a binary label: -log(p) or -log(1 - p), i.e. BCELoss.
        Console.WriteLine("BCELoss " + new BCELoss().Call(Torch.Tensor(new float[] { 0.1f, 0.9f }, 2), Torch.Tensor(new float[] { 1, 0 }, 2)));
    }

    // ------------------------------------------------------------------ optimizers

    private static void Optimizers()
    {
        Section("Optimizers: one step each on Linear(5, 3) with MSELoss");
        Torch.ManualSeed(3);
        var x = Torch.Randn(8, 5);
        var y = Torch.Randn(8, 3);
        var make = new (string Name, Func<IEnumerable<Tensor>, Optimizer> New)[]
        {
            ("ASGD", p => new ASGD(p, lr: 0.01)),
            ("Adadelta", p => new Adadelta(p, lr: 1.0)),
            ("Adagrad", p => new Adagrad(p, lr: 0.01)),
            ("Adam", p => new Adam(p, lr: 0.001)),
            ("Adamax", p => new Adamax(p, lr: 0.002)),
            ("LBFGS", p => new LBFGS(p, lr: 1)),
            ("RMSprop", p => new RMSprop(p, lr: 0.01)),
            ("Rprop", p => new Rprop(p, lr: 0.01)),
            ("SGD", p => new SGD(p, lr: 0.01)),   // sgd_optimizer = optim.SGD(model.parameters(), lr = 0.01)
        };
        foreach (var (name, newOptimizer) in make)
        {
            Torch.ManualSeed(4);
            var model = new Linear(5, 3);
            var optimizer = newOptimizer(model.Parameters());
            var lossFn = new MSELoss();
            Tensor Closure()
            {
                optimizer.ZeroGrad();                     // sgd_optimizer.zero_grad()
                var loss = lossFn.Call(model.Call(x), y); // loss = loss_fn(model(input), target)
                loss.Backward();                          // loss.backward()
                return loss;
            }
            double before = LossOf(() => lossFn.Call(model.Call(x), y));
            optimizer.Step(Closure);                      // sgd_optimizer.step() (LBFGS re-evaluates the closure)
            double after = LossOf(() => lossFn.Call(model.Call(x), y));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-9} loss before {before:F6} after one step {after:F6}"));
        }

        // SparseAdam is for sparse gradients such as an embedding's: only the rows the batch used move.
        Torch.ManualSeed(4);
        var weight = new Parameter(Torch.Randn(10, 3));
        var sparse = new SparseAdam(new[] { weight }, lr: 0.01);
        var idx = Torch.Tensor(new long[] { 1, 3, 3 }, 3);
        var w0 = weight.Detach().Clone();
        var l0 = F.Embedding(idx, weight, sparse: true).Pow(2).Mean();   // F.embedding(idx, weight, sparse=True)
        sparse.ZeroGrad();
        l0.Backward();
        sparse.Step();
        double l1 = LossOf(() => F.Embedding(idx, weight).Pow(2).Mean());
        var changed = Enumerable.Range(0, 10).Where(r => !weight.Detach().Select(0, r).ToArray<float>().SequenceEqual(w0.Select(0, r).ToArray<float>()));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"SparseAdam loss before {l0.Item():F6} after one step {l1:F6}, rows changed [{string.Join(", ", changed)}]"));
    }

    private static double LossOf(Func<Tensor> f)
    {
        using (Autograd.Autograd.NoGrad()) return f().Item();
    }

    // ------------------------------------------------------------------ init, dropout, batch norm, LR schedule

    private static void InitDropoutBatchNormScheduler()
    {
        Section("Weight initialisation, Dropout, BatchNorm, StepLR");
        Torch.ManualSeed(5);
        var layer = new Linear(256, 128);
        Console.WriteLine($"default init (kaiming_uniform a=sqrt(5)): weight std {Std(layer.Weight):F4}, bound 1/sqrt(256) = {1 / Math.Sqrt(256):F4}");
        Init.XavierNormal_(layer.Weight);
        Console.WriteLine($"xavier_normal_: std {Std(layer.Weight):F4} (expected sqrt(2/(256+128)) = {Math.Sqrt(2.0 / 384):F4})");
        Init.KaimingNormal_(layer.Weight, mode: "fan_in", nonlinearity: "relu");
        Console.WriteLine($"kaiming_normal_(relu): std {Std(layer.Weight):F4} (expected sqrt(2/256) = {Math.Sqrt(2.0 / 256):F4})");
        Init.Zeros_(layer.Bias!);
        Console.WriteLine($"zeros_ bias: sum {layer.Bias!.Abs().Sum().Item():F1}");

        var dropout = new Dropout(p: 0.5);
        var ones = Torch.Ones(1, 10);
        Console.WriteLine($"{dropout} in training: {dropout.Call(ones)}");
        dropout.Eval();
        Console.WriteLine($"{dropout} in eval:     {dropout.Call(ones)}");

        var bn = new BatchNorm1d(3);
        var batch = Torch.Randn(16, 3).Mul(4).Add(10);
        var normed = bn.Call(batch);
        Console.WriteLine($"{bn}: batch mean {Fmt(batch.Mean(0))} std {Fmt(Std(batch, 0))} -> mean {Fmt(normed.Mean(0))} std {Fmt(Std(normed, 0))}; running_mean {Fmt(bn.RunningMean!)}");

        // exp_learning_rate_scheduler = lr_scheduler.StepLR(fit_optimizer, step_size=2, gamma=0.05)
        var opt = new SGD(new Linear(2, 2).Parameters(), lr: 0.005, momentum: 0.6);
        var scheduler = new StepLR(opt, stepSize: 2, gamma: 0.05);
        var lrs = new List<double>();
        for (int e = 0; e < 6; e++)
        {
            lrs.Add(scheduler.GetLastLr()[0]);
            opt.Step();
            scheduler.Step();
        }
        Console.WriteLine("StepLR(step_size=2, gamma=0.05) lr per epoch: [" + string.Join(", ", lrs.Select(v => v.ToString("R", CultureInfo.InvariantCulture))) + "]");
    }

    private static double Std(Tensor t)
    {
        var a = t.Detach().ToArray<float>();
        double m = a.Average();
        return Math.Sqrt(a.Sum(v => (v - m) * (v - m)) / (a.Length - 1));
    }

    private static Tensor Std(Tensor t, int dim)
    {
        var d = t.Detach();
        return d.Sub(d.Mean(dim, keepDim: true)).Pow(2).Mean(dim).Sqrt();
    }

    private static string Fmt(Tensor t) => "[" + string.Join(", ", t.Detach().ToArray<float>().Select(v => v.ToString("F2", CultureInfo.InvariantCulture))) + "]";

    // ------------------------------------------------------------------ image classification: dogs vs cats

    private static void DogsVsCats(string dogcat, string outDir, bool quick, int epochs, int imageSize, string? weights)
    {
        Section("Image classification: dogs vs cats");
        // files = dog_files + cat_files; print(f'Total no of images {len(files)}')
        var dogFiles = Directory.GetFiles(Path.Combine(dogcat, "dog"), "*.jpg");
        var catFiles = Directory.GetFiles(Path.Combine(dogcat, "cat"), "*.jpg");
        int noOfImages = dogFiles.Length + catFiles.Length;
        Console.WriteLine($"Total no of images {noOfImages}");

        // shuffle = np.random.permutation(no_of_images); shuffle[:250] -> valid/<class>, the rest -> train/<class>.
        // ImageFolderSplit does this with a seeded generator, copying (the source folder is never modified).
        var path = Path.Combine(outDir, "dogcat-split");
        if (!Directory.Exists(Path.Combine(path, "train")))
        {
            var split = ImageFolderSplit.Split(dogcat, path, validCount: 250, seed: 0);
            Console.WriteLine($"split into {path}: train {split.Train} ({Counts(split.TrainCounts)}), valid {split.Valid} ({Counts(split.ValidCounts)})");
        }
        else Console.WriteLine($"using the split already in {path}");

        // transform = transforms.Compose([transforms.Resize((224,224)), transforms.ToTensor(),
        //     transforms.Normalize([0.12, 0.11, 0.40], [0.89, 0.21, 0.12])])
        var transform = new Compose(new Resize((imageSize, imageSize)), new ToTensor(),
            new Normalize(new[] { 0.12f, 0.11f, 0.40f }, new[] { 0.89f, 0.21f, 0.12f }));
        Console.WriteLine("transform: " + transform);
        var train = new ImageFolder(Path.Combine(path, "train"), transform);
        var valid = new ImageFolder(Path.Combine(path, "valid"), transform);
        Console.WriteLine("train.class_to_idx - {" + string.Join(", ", train.ClassToIdx.OrderBy(kv => kv.Value).Select(kv => $"'{kv.Key}': {kv.Value}")) + "}");
        Console.WriteLine("train.classes - [" + string.Join(", ", train.Classes.Select(c => $"'{c}'")) + "]");

        // imshow(train[30][0]): de-normalised with the chapter's imshow mean/std, written to a PNG instead of a window.
        var png = Path.Combine(outDir, "train30.png");
        ImageUtils.SaveDenormalized(train[30].Image, new[] { 0.12f, 0.12f, 0.40f }, new[] { 0.22f, 0.20f, 0.20f }, png);
        Console.WriteLine($"imshow(train[30][0]) -> {png} (label '{train.Classes[(int)train[30].Label]}')");

        // --quick trains on a spread-out subset of each split.
        Dataset<(Tensor Image, long Label)> trainData = quick ? Spread(train, 64) : train;
        Dataset<(Tensor Image, long Label)> validData = quick ? Spread(valid, 32) : valid;
        // train_data_generator = DataLoader(train, shuffle=True, batch_size=64, num_workers=8)
        var dataloaders = new Dictionary<string, DataLoader>
        {
            ["train"] = new DataLoader(trainData, batchSize: 64, shuffle: true, numWorkers: quick ? 0 : 2),
            ["valid"] = new DataLoader(validData, batchSize: 64, numWorkers: quick ? 0 : 2),
        };
        var datasetSizes = new Dictionary<string, int> { ["train"] = trainData.Count, ["valid"] = validData.Count };
        Console.WriteLine($"dataset_sizes: train {datasetSizes["train"]}, valid {datasetSizes["valid"]}; images {imageSize}x{imageSize}");

        // pretrained_resnet = models.resnet18(pretrained=True): ImageNet weights are not downloadable here, so the network
        // starts from random weights unless --weights names torchvision's resnet18 state dict (.pth).
        Torch.ManualSeed(0);
        var pretrainedResnet = Models.ResNet18();
        if (weights != null)
        {
            pretrainedResnet.LoadStateDict(Torch.Load(weights));
            Console.WriteLine($"loaded {weights}");
        }
        else Console.WriteLine("resnet18 with random weights (no --weights given; pretrained=True needs torchvision's resnet18 .pth)");
        // number_features = pretrained_resnet.fc.in_features; pretrained_resnet.fc = nn.Linear(number_features, 4)
        // (the chapter writes 4 outputs; this uses one per class, 2, which is what it describes).
        int numberFeatures = pretrainedResnet.Fc.InFeatures;
        pretrainedResnet.Fc = new Linear(numberFeatures, train.Classes.Count);
        Console.WriteLine($"fc replaced: {pretrainedResnet.Fc}; parameters {pretrainedResnet.NumParameters():N0}");

        // criterion = nn.CrossEntropyLoss(); fit_optimizer = optim.SGD(..., lr=0.005, momentum=0.6)
        // exp_learning_rate_scheduler = lr_scheduler.StepLR(fit_optimizer, step_size=2, gamma=0.05)
        var criterion = new CrossEntropyLoss();
        var fitOptimizer = new SGD(pretrainedResnet.Parameters(), lr: 0.005, momentum: 0.6);
        var expLearningRateScheduler = new StepLR(fitOptimizer, stepSize: 2, gamma: 0.05);
        TrainMyModel(pretrainedResnet, criterion, fitOptimizer, expLearningRateScheduler, dataloaders, datasetSizes, numberEpochs: epochs);
    }

    /// <summary>The chapter's <c>train_my_model</c>: a training and a validation phase per epoch, loss and accuracy of each,
    /// the best validation accuracy's weights kept and loaded at the end. The scheduler steps after each epoch's training
    /// (PyTorch ≥ 1.1's order; the chapter's code, written for older PyTorch, stepped it before the optimizer).</summary>
    public static Module TrainMyModel(Module model, Loss criterion, Optimizer optimizer, LRScheduler scheduler,
        IReadOnlyDictionary<string, DataLoader> dataloaders, IReadOnlyDictionary<string, int> datasetSizes, int numberEpochs = 20)
    {
        var since = Stopwatch.StartNew();
        var bestModelWeights = CloneState(model);
        double bestAccuracy = 0.0;
        for (int epoch = 0; epoch < numberEpochs; epoch++)
        {
            Console.WriteLine($"Epoch {epoch}/{numberEpochs - 1}");
            Console.WriteLine(new string('-', 10));
            foreach (var eachPhase in new[] { "train", "valid" })
            {
                model.Train(eachPhase == "train");
                double runningLoss = 0.0;
                long runningCorrects = 0;
                foreach (var (inputData, labelData) in dataloaders[eachPhase])
                {
                    optimizer.ZeroGrad();
                    Tensor outputs;
                    Tensor loss;
                    using (eachPhase == "train" ? (IDisposable?)null : Autograd.Autograd.NoGrad())
                    {
                        outputs = model.Call(inputData);
                        loss = criterion.Call(outputs, labelData);
                    }
                    var preds = outputs.Detach().Argmax(1);     // _, preds = torch.max(outputs.data, 1)
                    if (eachPhase == "train")
                    {
                        loss.Backward();
                        optimizer.Step();
                    }
                    runningLoss += loss.Item() * inputData.Size(0);
                    runningCorrects += preds.Eq(labelData).Sum().Item<long>();
                }
                if (eachPhase == "train") scheduler.Step();
                double epochLoss = runningLoss / datasetSizes[eachPhase];
                double epochAcc = (double)runningCorrects / datasetSizes[eachPhase];
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{eachPhase} Loss: {epochLoss:F4} Acc: {epochAcc:F4}"));
                if (eachPhase == "valid" && epochAcc > bestAccuracy)
                {
                    bestAccuracy = epochAcc;
                    bestModelWeights = CloneState(model);
                }
            }
            Console.WriteLine();
        }
        var elapsed = since.Elapsed;
        Console.WriteLine($"Training complete in {(int)elapsed.TotalMinutes}m {elapsed.Seconds}s");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Best val Acc: {bestAccuracy:F6}"));
        model.LoadStateDict(bestModelWeights);
        return model;
    }

    private static OrderedDictionary<string, Tensor> CloneState(Module model)
    {
        var sd = new OrderedDictionary<string, Tensor>();
        foreach (var (k, v) in model.StateDict()) sd[k] = v.Detach().Clone();
        return sd;
    }

    private static Subset<(Tensor Image, long Label)> Spread(ImageFolder data, int n) =>
        new(data, Enumerable.Range(0, Math.Min(n, data.Count)).Select(i => (int)((long)i * data.Count / Math.Min(n, data.Count))).ToArray());

    private static string Counts(IReadOnlyDictionary<string, int> counts) => string.Join(", ", counts.Select(kv => $"{kv.Key} {kv.Value}"));

    // ------------------------------------------------------------------ helpers

    private static void Section(string title)
    {
        Console.WriteLine();
        Console.WriteLine("== " + title + " ==");
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
            ? n : throw new ArgumentException($"building-blocks: {name} expects a positive integer, got '{v}'.");
    }
}
