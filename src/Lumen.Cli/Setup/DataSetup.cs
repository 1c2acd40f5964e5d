using System.Globalization;
using Lumen.Data;
using Lumen.Vision.Codecs;
using Lumen.Vision.Datasets;
using Lumen.Vision.Transforms;

namespace Lumen.Cli.Setup;

/// <summary>The splits of a run and what the model needs to know about them.</summary>
public sealed class DataBundle
{
    public required Dataset<(Tensor Image, long Label)> Train { get; init; }
    public Dataset<(Tensor Image, long Label)>? Valid { get; init; }
    public required Dataset<(Tensor Image, long Label)> Test { get; init; }
    public required IReadOnlyList<string> Classes { get; init; }
    /// <summary>One example's shape (C, H, W) after the transforms.</summary>
    public required int[] InputShape { get; init; }
    /// <summary>The transforms applied to evaluation data (and to images given to <c>lumen predict</c>).</summary>
    public required Transform EvalTransform { get; init; }
    public float[]? Mean { get; init; }
    public float[]? Std { get; init; }
}

/// <summary>Datasets (<c>mnist</c>, <c>fashion-mnist:PATH</c>, <c>cifar10:PATH</c>, <c>imagefolder:PATH</c>) and the
/// transform preset vocabulary.</summary>
public static class DataSetup
{
    public static readonly string[] DatasetNames = { "mnist", "mnist:PATH", "fashion-mnist:PATH", "cifar10:PATH", "imagefolder:PATH" };

    public const string TransformHelp =
        "comma-separated: default | none | normalize[:mnist|cifar10|imagenet] | resize:N | resize:HxW | centercrop:N | randomcrop:N[:PAD] | flip | rotate:DEG | grayscale";

    public static DataBundle Load(RunConfig c)
    {
        var (kind, path) = Split(c.Dataset);
        int channels = kind switch
        {
            "mnist" or "fashion-mnist" => 1,
            "cifar10" or "imagefolder" => 3,
            _ => throw new CliException($"--dataset: unknown dataset '{c.Dataset}' (known: {string.Join(", ", DatasetNames)})"),
        };
        if (kind != "mnist" && path == null) throw new CliException($"--dataset: dataset '{kind}' needs a folder: --dataset {kind}:PATH");
        var (trainTf, evalTf, mean, std) = Transforms(c.Transforms, kind, channels);
        Dataset<(Tensor, long)> train, test;
        VisionDataset trainSource;   // the training images before any subset: --valid-split re-reads its part of them
        IReadOnlyList<string> classes;
        (ImageFolder Train, ImageFolder Eval)? single = null;
        try
        {
            switch (kind)
            {
                case "mnist":
                case "fashion-mnist":
                    if (path != null && !Directory.Exists(path)) throw new CliException($"--dataset: dataset folder '{path}' not found");
                    var mtr = kind == "mnist" ? new MNIST(path, train: true, transform: trainTf) : new FashionMNIST(path!, train: true, transform: trainTf);
                    var mte = kind == "mnist" ? new MNIST(path, train: false, transform: evalTf) : new FashionMNIST(path!, train: false, transform: evalTf);
                    (train, test, classes, trainSource) = (mtr, mte, mtr.Classes, mtr);
                    break;
                case "cifar10":
                    if (!Directory.Exists(path)) throw new CliException($"--dataset: dataset folder '{path}' not found");
                    var ctr = new CIFAR10(path!, train: true, transform: trainTf);
                    (train, test, classes, trainSource) = (ctr, new CIFAR10(path!, train: false, transform: evalTf), ctr.Classes, ctr);
                    break;
                default:
                    if (!Directory.Exists(path)) throw new CliException($"--dataset: dataset folder '{path}' not found");
                    var trainDir = Path.Combine(path!, "train");
                    if (!Directory.Exists(trainDir))
                    {
                        // One folder of class folders (seed 002's dogs vs cats): --valid-split holds out a part, which is
                        // read with the evaluation transforms and serves as the validation and the test split.
                        if (c.ValidSplit <= 0)
                            throw new CliException($"--dataset: imagefolder '{path}' needs a train/ folder and a test/ (or val/) folder of class folders, or --valid-split F (e.g. 0.2) to use its own class folders and hold out a fraction F of them");
                        single = (new ImageFolder(path!, transform: trainTf), new ImageFolder(path!, transform: evalTf));
                        (train, test, classes, trainSource) = (single.Value.Train, single.Value.Eval, single.Value.Train.Classes, single.Value.Train);
                        break;
                    }
                    var testDir = new[] { "test", "val", "valid" }.Select(d => Path.Combine(path!, d)).FirstOrDefault(Directory.Exists);
                    if (testDir == null)
                        throw new CliException($"--dataset: imagefolder '{path}' has a train/ folder but no test/ (or val/) folder of class folders");
                    var itr = new ImageFolder(trainDir, transform: trainTf);
                    (train, test, classes, trainSource) = (itr, new ImageFolder(testDir, transform: evalTf), itr.Classes, itr);
                    break;
            }
        }
        catch (Exception e) when (e is IOException or DatasetFormatException or UnauthorizedAccessException)
        {
            throw new CliException($"--dataset: cannot read dataset '{c.Dataset}': {e.Message}");
        }

        // An ImageFolder lists its images class by class: its subsets are spread evenly over it, so they hold every class.
        Func<Dataset<(Tensor, long)>, int, Dataset<(Tensor, long)>> pick = kind == "imagefolder" ? Spread : First;
        if (c.TrainSubset > 0) train = pick(train, c.TrainSubset);
        if (c.TestSubset > 0 && single == null) test = pick(test, c.TestSubset);
        Dataset<(Tensor, long)>? valid = null;
        if (c.ValidSplit > 0)
        {
            if (c.ValidSplit >= 1) throw new CliException($"--valid-split must be in (0, 1), got {c.ValidSplit.ToString(CultureInfo.InvariantCulture)}");
            int nValid = (int)Math.Round(train.Count * c.ValidSplit);
            var parts = Dataset.RandomSplit(train, new[] { train.Count - nValid, nValid }, new Generator(c.Seed));
            train = parts[0];
            // The held-out images are read with the evaluation transforms, as the test split is: augmentation (random
            // crops, flips) is for training only. parts[1] indexes the (possibly subset) training set; map its
            // positions back to the source's own indices.
            var pool = parts[1].Dataset is Subset<(Tensor, long)> sub ? sub.Indices : Enumerable.Range(0, trainSource.Count).ToArray();
            Dataset<(Tensor, long)> evalView = single is var (_, evalFolder) ? evalFolder : new WithTransform(trainSource, evalTf);
            valid = new Subset<(Tensor, long)>(evalView, parts[1].Indices.Select(i => pool[i]).ToArray());
            if (single != null)
            {
                // A single folder of class folders has no test split of its own: the held-out part is the test split too.
                if (c.TestSubset > 0) valid = First(valid, c.TestSubset);
                test = valid;
            }
        }
        if (train.Count == 0) throw new CliException($"--dataset: dataset '{c.Dataset}' has no training examples");
        if (valid is { Count: 0 }) throw new CliException($"--valid-split {c.ValidSplit.ToString(CultureInfo.InvariantCulture)} of {train.Count} examples holds out none");
        var shape = train[0].Item1.Shape.ToArray();
        return new DataBundle { Train = train, Valid = valid, Test = test, Classes = classes, InputShape = shape, EvalTransform = evalTf, Mean = mean, Std = std };
    }

    /// <summary>The images and labels of <paramref name="source"/> through another transform (the source's own is unused).</summary>
    private sealed class WithTransform(VisionDataset source, Transform transform) : Dataset<(Tensor Image, long Label)>
    {
        public override int Count => source.Count;

        public override (Tensor Image, long Label) this[int index]
        {
            get
            {
                CheckIndex(index);
                var x = transform.Forward(source.GetImage(index));
                var image = x as Tensor ?? TF.ToTensor((Image)x);
                long label = source.GetLabel(index);
                return (image, source.TargetTransform is null ? label : source.TargetTransform(label));
            }
        }
    }

    private static Dataset<T> First<T>(Dataset<T> d, int n) => new Subset<T>(d, Enumerable.Range(0, Math.Min(n, d.Count)).ToArray());

    /// <summary>n examples spread evenly over <paramref name="d"/>: indices ⌊i·count/n⌋.</summary>
    private static Dataset<T> Spread<T>(Dataset<T> d, int n)
    {
        n = Math.Min(n, d.Count);
        return new Subset<T>(d, Enumerable.Range(0, n).Select(i => (int)((long)i * d.Count / n)).ToArray());
    }

    private static (string Kind, string? Path) Split(string spec)
    {
        int i = spec.IndexOf(':');
        return i < 0 ? (spec.ToLowerInvariant(), null) : (spec[..i].ToLowerInvariant(), spec[(i + 1)..]);
    }

    /// <summary>Builds the training and evaluation pipelines of a preset list; evaluation drops the random steps.</summary>
    public static (Transform Train, Transform Eval, float[]? Mean, float[]? Std) Transforms(string preset, string dataset, int channels)
    {
        var tokens = preset.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        if (tokens.Count == 0 || tokens.SequenceEqual(new[] { "default" })) tokens = new() { "normalize" };
        if (tokens.Contains("grayscale")) channels = 1;
        var train = new List<Transform>();
        var eval = new List<Transform>();
        float[]? mean = null, std = null;
        foreach (var t in tokens)
        {
            var parts = t.Split(':');
            string name = parts[0].ToLowerInvariant();
            int Int(int k)
            {
                if (parts.Length <= k || !int.TryParse(parts[k], NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) || v <= 0)
                    throw new CliException($"--transforms: '{t}' needs a positive integer{(name == "resize" ? " or HxW" : "")} after '{name}:'", TransformHelp);
                return v;
            }
            switch (name)
            {
                case "none": break;
                case "default": break;
                case "resize":
                {
                    // resize:N scales the shorter side to N (torchvision's Resize(N)); resize:HxW gives every image H×W
                    // (Resize((H, W)), seed 002's), which images of different shapes need to be batched.
                    var hw = parts.Length == 2 ? parts[1].Split('x', 'X') : Array.Empty<string>();
                    var r = hw.Length == 2 && int.TryParse(hw[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out int h) && h > 0
                            && int.TryParse(hw[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out int w) && w > 0
                        ? new Resize((h, w)) : new Resize(Int(1));
                    train.Add(r); eval.Add(r);
                    break;
                }
                case "centercrop": { var r = new CenterCrop(Int(1)); train.Add(r); eval.Add(r); break; }
                case "randomcrop": train.Add(new RandomCrop(Int(1), padding: parts.Length > 2 ? Int(2) : null)); break;
                case "flip": train.Add(new RandomHorizontalFlip()); break;
                case "rotate": train.Add(new RandomRotation(Int(1))); break;
                case "grayscale": { var g = new Grayscale(1); train.Add(g); eval.Add(g); break; }
                case "normalize":
                    (mean, std) = (parts.Length > 1 ? parts[1].ToLowerInvariant() : "half") switch
                    {
                        "half" => (Fill(0.5f, channels), Fill(0.5f, channels)),
                        "mnist" => (Fill(0.1307f, channels), Fill(0.3081f, channels)),
                        "cifar10" when channels == 3 => (new[] { 0.4914f, 0.4822f, 0.4465f }, new[] { 0.2470f, 0.2435f, 0.2616f }),
                        "imagenet" when channels == 3 => (new[] { 0.485f, 0.456f, 0.406f }, new[] { 0.229f, 0.224f, 0.225f }),
                        var s => throw new CliException($"--transforms: unknown normalization '{s}' for {channels}-channel images", TransformHelp),
                    };
                    break;
                default: throw new CliException($"--transforms: unknown transform '{t}'", TransformHelp);
            }
        }
        train.Add(new ToTensor());
        eval.Add(new ToTensor());
        if (mean != null) { train.Add(new Normalize(mean, std!)); eval.Add(new Normalize(mean, std!)); }
        return (new Compose(train.ToArray()), new Compose(eval.ToArray()), mean, std);
    }

    private static float[] Fill(float v, int n) => Enumerable.Repeat(v, n).ToArray();
}
