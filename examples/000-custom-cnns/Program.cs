using System.Diagnostics;
using System.Globalization;
using Lumen.Data;
using Lumen.NN;
using Lumen.Optim;
using Lumen.Training;
using Lumen.Training.Callbacks;
using Lumen.Vision.Models;

namespace Lumen.Examples.CustomCnns;

/// <summary>
/// Seed 000, "Designing custom 2D and 3D CNNs in PyTorch" (rachellea/pytorch-computer-vision), ported line by line:
/// the layer definitions the article shows, TinyConv with and without Sequential, a 3D TinyConv on (B, C, D, H, W)
/// volumes, VGG16Customizable's three heads, and the repository's experiment runner (run_experiment.DoExperiment:
/// multi-label BCEWithLogits training with early stopping, the four run modes, per-example prediction CSVs) on a
/// synthetic twin of the repository's tiny colour data set.
/// <code>dotnet run --project examples/000-custom-cnns -c Release -- [--quick] [--out DIR]</code>
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        bool quick = args.Contains("--quick");
        string? outArg = ArgValue(args, "--out");
        if (args.Any(a => a.StartsWith("--", StringComparison.Ordinal) && a is not ("--quick" or "--out")))
        {
            Console.Error.WriteLine($"custom-cnns: unknown option {args.First(a => a.StartsWith("--", StringComparison.Ordinal) && a is not ("--quick" or "--out"))}; expected --quick and/or --out DIR.");
            return 2;
        }
        var clock = Stopwatch.StartNew();
        Torch.ManualSeed(0);

        LayerDefinitions();
        TwoDimensionalModels();
        ThreeDimensionalModel();
        Vgg16Customizable(quick);

        var resultsDir = outArg ?? Path.Combine(Path.GetTempPath(), "lumen-examples", "seed000-" + DateTime.Now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture));
        RunExperiments(resultsDir, quick);

        Console.WriteLine($"Total Time {clock.Elapsed.TotalMinutes:F2} minutes");
        return 0;
    }

    // ------------------------------------------------------------------ the article's layer snippets

    private static void LayerDefinitions()
    {
        Section("Defining 2D and 3D CNN layers");
        // nn.Conv2d(in_channels = 3, out_channels = 16, kernel_size = (3,3), stride=(3,3), padding=0)
        Console.WriteLine(new Conv2d(inChannels: 3, outChannels: 16, kernelSize: (3, 3), stride: (3, 3), padding: 0));
        // self.conv_two_layers = nn.Sequential(nn.Conv2d(1, 8, (2,2), (2,2), 0), nn.Conv2d(8, 16, (2,2), (2,2), 0))
        var convTwoLayers = new Sequential(
            new Conv2d(inChannels: 1, outChannels: 8, kernelSize: (2, 2), stride: (2, 2), padding: 0),
            new Conv2d(inChannels: 8, outChannels: 16, kernelSize: (2, 2), stride: (2, 2), padding: 0));
        Console.WriteLine(convTwoLayers);
        // A 1-channel grey image [1, 400, 500] in a batch of 4 becomes 8, then 16 channels, each stride-2 layer halving H and W.
        var grey = Torch.Randn(4, 1, 400, 500);
        Console.WriteLine($"grey batch {grey.Shape} -> conv_two_layers -> {convTwoLayers.Call(grey).Shape}");
        // nn.Conv3d(in_channels = 3, out_channels = 16, kernel_size = (3,3,3), stride=(3,3,3), padding=0)
        Console.WriteLine(new Conv3d(inChannels: 3, outChannels: 16, kernelSize: (3, 3, 3), stride: (3, 3, 3), padding: 0));
    }

    // ------------------------------------------------------------------ TinyConv, with and without Sequential

    private static void TwoDimensionalModels()
    {
        foreach (var model in new Module[] { new TinyConv(), new TinyConvWithoutSequential() })
        {
            Section(model.GetType().Name);
            Console.WriteLine(model);                                     // print(mymodel)
            Console.WriteLine($"parameters: {model.NumParameters():N0}");  // sum(p.numel() for p in mymodel.parameters())
            Console.WriteLine("children: " + string.Join(", ", model.Children().Select(c => c.GetType().Name)));
            Console.WriteLine("named_modules: " + string.Join(", ", model.NamedModules().Select(m => m.Name.Length == 0 ? "''" : m.Name)));
            foreach (var (name, p) in model.NamedParameters()) Console.WriteLine($"  {name} {p.Shape}");
        }

        // forward() step by step on a batch of four 32×32 colour images: [batch_size, channels, height, width].
        var tiny = new TinyConv();
        var x = Torch.Randn(4, 3, 32, 32);
        var conv = tiny.Conv.Call(x);
        var flat = conv.Flatten(startDim: 1, endDim: -1);                  // torch.flatten(x, start_dim=1, end_dim=-1)
        Console.WriteLine($"TinyConv forward: input {x.Shape} -> conv {conv.Shape} -> flatten {flat.Shape} -> fc {tiny.Fc.Call(flat).Shape}");
    }

    private static void ThreeDimensionalModel()
    {
        Section("TinyConv3d (3D CNN)");
        var model = new TinyConv3d(inChannels: 1, numClasses: 3);
        Console.WriteLine(model);
        Console.WriteLine($"parameters: {model.NumParameters():N0}");
        // A 3D CNN takes 5-D input [batch_size, channels, depth, height, width], e.g. two grey CT volumes of 32³.
        var volume = Torch.Randn(2, 1, 32, 32, 32);
        Console.WriteLine($"TinyConv3d forward: input {volume.Shape} -> conv {model.Conv.Call(volume).Shape} -> output {model.Call(volume).Shape}");
    }

    private static void Vgg16Customizable(bool quick)
    {
        Section("VGG16Customizable");
        // Demo 4 builds VGG16Customizable(n_outputs=20, conv_type=...) for PASCAL VOC's 20 classes at 320×320.
        var types = quick ? new[] { "512to64_1x1" } : new[] { "512to256to64_1x1", "512to64_1x1", "512to512_3x3" };
        VGG16Customizable? last = null;
        foreach (var convType in types)
        {
            last = new VGG16Customizable(nOutputs: 20, convType: convType);
            Console.WriteLine($"conv_type={convType}: fc {last.Fc}, parameters {last.NumParameters():N0}");
        }
        Console.WriteLine("head of the last one: (conv): " + last!.Conv);
    }

    // ------------------------------------------------------------------ run_experiment.DoExperiment on tiny data

    private static void RunExperiments(string generalResultsDir, bool quick)
    {
        Section("run_experiment on TinyData");
        Directory.CreateDirectory(generalResultsDir);
        // The repository ships 18 tiny PNGs; this writes a synthetic twin with the same layout (see TinyData.WriteSynthetic).
        var dataDir = TinyData.WriteSynthetic(generalResultsDir, train: quick ? 48 : 120, val: quick ? 16 : 40, test: quick ? 16 : 40);
        Console.WriteLine($"synthetic tiny data (grey noise + red/blue/yellow squares, multi-hot labels) in {dataDir}");
        int numEpochs = quick ? 2 : 3;

        // Demo-1-TinyConvWithoutSequential-TinyData.py: every run mode of DoExperiment.
        DoExperiment("TinyConvWithoutSequential_TinyData", generalResultsDir, () => new TinyConvWithoutSequential(), dataDir,
            numEpochs, demonstrateAllModes: true);
        // Demo-2-TinyConv-TinyData.py: the same with the Sequential model (train_eval).
        DoExperiment("TinyConv_TinyData", generalResultsDir, () => new TinyConv(), dataDir, numEpochs, demonstrateAllModes: false);
    }

    /// <summary>
    /// run_experiment.DoExperiment(descriptor, general_results_dir, custom_net, learning_rate=1e-3, weight_decay=1e-7,
    /// num_epochs, patience=3, batch_size=1 (debug=True), task, chosen_dataset=TinyData): SGD with momentum 0.99, BCEWithLogitsLoss,
    /// early stopping on the validation loss, the best epoch's parameters saved, per-label AUROC and average precision.
    /// </summary>
    private static void DoExperiment(string descriptor, string generalResultsDir, Func<Module> customNet, string dataDir, int numEpochs,
        bool demonstrateAllModes)
    {
        descriptor = "Model-" + descriptor;
        Console.WriteLine();
        Console.WriteLine(descriptor);
        var resultsDir = Path.Combine(generalResultsDir, descriptor);
        const double learningRate = 1e-3, weightDecay = 1e-7, momentum = 0.99;
        const int patience = 3, batchSize = 1;
        Console.WriteLine($"batch_size = {batchSize}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Running with optimizer lr={learningRate}, momentum={momentum} and weight_decay={weightDecay:0e-00}"));

        var datasetTrain = new TinyData("train", dataDir);
        var datasetValid = new TinyData("val", dataDir);
        var datasetTest = new TinyData("test", dataDir);
        var labelMeanings = datasetTrain.LabelMeanings;
        Console.WriteLine($"label_meanings = [{string.Join(", ", labelMeanings)}]; train {datasetTrain.Count}, valid {datasetValid.Count}, test {datasetTest.Count} images");
        var trainDataloader = new DataLoader<Tensor[], Tensor[]>(datasetTrain, batchSize: batchSize, shuffle: true, generator: new Generator(0));
        var validDataloader = new DataLoader<Tensor[], Tensor[]>(datasetValid, batchSize: batchSize, shuffle: false);
        var testDataloader = new DataLoader<Tensor[], Tensor[]>(datasetTest, batchSize: batchSize, shuffle: false);

        Trainer NewTrainer(int epochs)
        {
            Torch.ManualSeed(0);
            var model = customNet();
            var optimizer = new SGD(model.Parameters(), lr: learningRate, momentum: momentum, weightDecay: weightDecay);
            var trainer = new Trainer(model, new BCEWithLogitsLoss(), optimizer, options: new TrainerOptions
            {
                Epochs = epochs,
                Task = TrainingTask.MultiLabel,
                ClassNames = labelMeanings,
                RunDir = resultsDir,
                Monitor = "valid_loss",
                Output = Console.Out,
                Interactive = false,
                WriteReport = false,
            });
            trainer.Callbacks.Add(new EarlyStopping("valid_loss", patience: patience, restoreBestWeights: false));
            return trainer;
        }

        if (!demonstrateAllModes)
        {
            Console.WriteLine("task = train_eval");
            Summarise(NewTrainer(numEpochs).Run(RunMode.TrainEval, trainDataloader, validDataloader).Fit!, labelMeanings);
            return;
        }

        // task='train_eval' — stopped after epoch numEpochs-1, as a run that died would be …
        Console.WriteLine($"task = train_eval (stopping after epoch {numEpochs - 1}, as if the process had died)");
        NewTrainer(numEpochs - 1).Run(RunMode.TrainEval, trainDataloader, validDataloader);
        // … task='restart_train_eval': a fresh process rebuilds model and optimizer and continues from the last checkpoint.
        Console.WriteLine($"task = restart_train_eval (to epoch {numEpochs})");
        var fit = NewTrainer(numEpochs).Run(RunMode.RestartTrainEval, trainDataloader, validDataloader).Fit!;
        Summarise(fit, labelMeanings);

        // task='predict_on_valid' and 'predict_on_test': the best epoch's parameters, one CSV row per example.
        foreach (var (mode, loader) in new[] { (RunMode.PredictOnValid, validDataloader), (RunMode.PredictOnTest, testDataloader) })
        {
            var outcome = NewTrainer(numEpochs).Run(mode, trainDataloader, validDataloader, testDataloader);
            var rows = outcome.Predictions!;
            int exact = rows.Count(r => r.TrueLabel == r.PredictedLabel);
            Console.WriteLine($"task = {Snake(mode)}: {rows.Count} predictions, {exact} exactly right, written to {Path.GetFileName(outcome.PredictionsPath)}");
            Console.WriteLine("  first rows: " + string.Join("; ", rows.Take(3).Select(r =>
                $"#{r.Index} true [{r.TrueLabel}] predicted [{r.PredictedLabel}] p=({string.Join(", ", r.Probabilities.Select(p => p.ToString("F3", CultureInfo.InvariantCulture)))})")));
        }
        Console.WriteLine("results directory: " + resultsDir);
        Console.WriteLine("files: " + string.Join(", ", Directory.GetFiles(resultsDir).Select(Path.GetFileName).Order(StringComparer.Ordinal)));
    }

    private static void Summarise(FitResult fit, IReadOnlyList<string> labelMeanings)
    {
        foreach (var e in fit.History)
            Console.WriteLine($"Epoch {e.Epoch - 1,-3} Train Loss  {e.Train.Loss:F3}   Valid Loss  {e.Valid!.Loss:F3}");
        Console.WriteLine($"best valid epoch: {fit.BestEpoch - 1}");
        var m = fit.Valid!.Metrics!;
        for (int k = 0; k < labelMeanings.Count; k++)
            Console.WriteLine($"  {labelMeanings[k],-12} AUROC {Fmt(m.Auroc[k])}  average precision {Fmt(m.AveragePrecision[k])}");
        Console.WriteLine($"  mean AUROC {Fmt(m.MeanAuroc)}, mean average precision {Fmt(m.MeanAveragePrecision)}");
    }

    // ------------------------------------------------------------------ helpers

    private static string Snake(RunMode mode) => mode switch
    {
        RunMode.TrainEval => "train_eval",
        RunMode.RestartTrainEval => "restart_train_eval",
        RunMode.PredictOnValid => "predict_on_valid",
        _ => "predict_on_test",
    };

    private static string Fmt(double v) => double.IsNaN(v) ? "n/a" : v.ToString("F3", CultureInfo.InvariantCulture);

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
}
