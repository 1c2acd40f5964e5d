using BindingFlags = System.Reflection.BindingFlags;
using Lumen.NN;
using Lumen.Serialization;
using Zoo = Lumen.Vision.Models;

namespace Lumen.Cli.Models;

/// <summary>One network that <c>--model NAME</c> builds.</summary>
/// <param name="Name">The name on the command line (torchvision's for torchvision's models).</param>
/// <param name="About">What it is, for <c>--help</c> and the docs.</param>
/// <param name="Head">The state-dict name of its classifier head, the last <see cref="Linear"/> (<c>fc</c> for a ResNet,
/// <c>classifier.6</c> for a VGG): the module <c>--weights</c> replaces and <c>--freeze</c> leaves trainable.</param>
/// <param name="Input">The input it takes, for errors and the docs ("3x32x32", "3xHxW").</param>
/// <param name="Fits">Whether an example of shape (C, H, W) fits it.</param>
/// <param name="Build">Builds it for an input shape (C, H, W) and a number of classes.</param>
/// <param name="Pretrained">torchvision's default published weights for it (what <c>--pretrained</c> downloads), or null.</param>
public sealed record ZooModel(string Name, string About, string Head, string Input, Func<int[], bool> Fits, Func<int[], int, Module> Build,
                              Zoo.Weights? Pretrained = null);

/// <summary>The models <c>--model</c> knows by name, spec files (<c>.yaml</c>, <c>.yml</c>, <c>.json</c>), and the
/// transfer-learning steps of <c>--weights</c> and <c>--freeze</c>.</summary>
public static class ModelZoo
{
    private static bool Any(int[] s) => s.Length == 3;
    private static bool Rgb(int[] s) => s.Length == 3 && s[0] == 3;
    private static bool Rgb32(int[] s) => Rgb(s) && s[1] == 32 && s[2] == 32;
    private static bool RgbAtLeast32(int[] s) => Rgb(s) && s[1] >= 32 && s[2] >= 32;

    private static ZooModel Tv(string name, string about, string head, Func<int, Module> build, Zoo.Weights pretrained, bool atLeast32 = false) =>
        new(name, about, head, atLeast32 ? "3xHxW, H, W >= 32" : "3xHxW", atLeast32 ? RgbAtLeast32 : Rgb, (_, n) => build(n), pretrained);

    private static ZooModel Dlwpt(string name, string about, Func<int, Module> build) =>
        new(name, about + " (DLwPT ch. 8, seed 003)", "fc2", "3x32x32", Rgb32, (_, n) => build(n));

    /// <summary>Every zoo model, in help order.</summary>
    public static readonly IReadOnlyList<ZooModel> All = new ZooModel[]
    {
        new("mnist-cnn", "seed 004's MNIST CNN: 4 conv+BN+ReLU, 2 max pools, 3 linear (default)", "fc.3", "CxHxW, H, W >= 12", s => Any(s) && s[1] >= 12 && s[2] >= 12,
            (s, n) => new Zoo.MnistCNN(s[0], n, s[1], s[2])),
        new("simple-cnn", "seed 004's SimpleCNN: 3 conv+ReLU+pool blocks, 3 linear", "layer4.f3", "CxHxW, H, W >= 8", s => Any(s) && s[1] >= 8 && s[2] >= 8,
            (s, n) => new Zoo.SimpleCNN(s[0], n, s[1], s[2])),
        new("tiny-conv", "seed 000's TinyConv: 2 strided convs, 1 linear", "fc", "CxHxW, H, W >= 9", s => Any(s) && s[1] >= 9 && s[2] >= 9,
            (s, n) => new Zoo.TinyConv(s[0], n, s[1], s[2])),
        new("lenet5", "LeNet-5: 2 conv+tanh+avg pool, 3 linear", "classifier.4", "Cx28x28", s => Any(s) && s[1] == 28 && s[2] == 28,
            (s, n) => new Zoo.LeNet5(n, s[0])),
        new("convnet", "seed 001's ConvNet(c1 48, c2 96, l1 256, d1 0.1): 4 conv with dropout, batch norm, 2 linear", "fc2", "3x32x32", Rgb32,
            (_, n) => new Zoo.ConvNet(numClasses: n)),
        Dlwpt("net", "Net: 2 conv+tanh+pool, 2 linear, 18,090 parameters at 2 classes", n => new Zoo.Net(n)),
        Dlwpt("net-width", "NetWidth: Net with 32/16 channels, 38,386 parameters at 2 classes", n => new Zoo.NetWidth(numClasses: n)),
        Dlwpt("net-dropout", "NetDropout: NetWidth with Dropout2d(0.4)", n => new Zoo.NetDropout(numClasses: n)),
        Dlwpt("net-batchnorm", "NetBatchNorm: NetWidth with BatchNorm2d", n => new Zoo.NetBatchNorm(numClasses: n)),
        Dlwpt("net-depth", "NetDepth: 3 conv+ReLU+pool, 2 linear", n => new Zoo.NetDepth(numClasses: n)),
        Dlwpt("net-res", "NetRes: NetDepth with a skip connection", n => new Zoo.NetRes(numClasses: n)),
        Dlwpt("net-res-deep", "NetResDeep: 10 residual blocks (one shared block, as the book's code)", n => new Zoo.NetResDeep(numClasses: n)),
        Tv("resnet18", "torchvision's ResNet-18", "fc", n => Zoo.Models.ResNet18(n), Zoo.ResNet18Weights.DEFAULT),
        Tv("resnet34", "torchvision's ResNet-34", "fc", n => Zoo.Models.ResNet34(n), Zoo.ResNet34Weights.DEFAULT),
        Tv("resnet50", "torchvision's ResNet-50", "fc", n => Zoo.Models.ResNet50(n), Zoo.ResNet50Weights.DEFAULT),
        Tv("resnet101", "torchvision's ResNet-101", "fc", n => Zoo.Models.ResNet101(n), Zoo.ResNet101Weights.DEFAULT),
        Tv("resnet152", "torchvision's ResNet-152", "fc", n => Zoo.Models.ResNet152(n), Zoo.ResNet152Weights.DEFAULT),
        Tv("vgg11", "torchvision's VGG-11", "classifier.6", n => Zoo.Models.VGG11(n), Zoo.VGG11Weights.DEFAULT, atLeast32: true),
        Tv("vgg11_bn", "torchvision's VGG-11 with batch norm", "classifier.6", n => Zoo.Models.VGG11BN(n), Zoo.VGG11BNWeights.DEFAULT, atLeast32: true),
        Tv("vgg13", "torchvision's VGG-13", "classifier.6", n => Zoo.Models.VGG13(n), Zoo.VGG13Weights.DEFAULT, atLeast32: true),
        Tv("vgg13_bn", "torchvision's VGG-13 with batch norm", "classifier.6", n => Zoo.Models.VGG13BN(n), Zoo.VGG13BNWeights.DEFAULT, atLeast32: true),
        Tv("vgg16", "torchvision's VGG-16", "classifier.6", n => Zoo.Models.VGG16(n), Zoo.VGG16Weights.DEFAULT, atLeast32: true),
        Tv("vgg16_bn", "torchvision's VGG-16 with batch norm", "classifier.6", n => Zoo.Models.VGG16BN(n), Zoo.VGG16BNWeights.DEFAULT, atLeast32: true),
        Tv("vgg19", "torchvision's VGG-19", "classifier.6", n => Zoo.Models.VGG19(n), Zoo.VGG19Weights.DEFAULT, atLeast32: true),
        Tv("vgg19_bn", "torchvision's VGG-19 with batch norm", "classifier.6", n => Zoo.Models.VGG19BN(n), Zoo.VGG19BNWeights.DEFAULT, atLeast32: true),
        new("resnet18-cntk-imagenet", "ImageNet ResNet-18 from NuGet (CNTK's ONNX, layer4 of 3 blocks) with its mean-image preprocessing, new head",
            "fc", "3x224x224 (resize:224x224, no normalize)", s => Rgb(s) && s[1] == 224 && s[2] == 224, (_, n) => new CntkResNet18(n)),
        Custom("vgg16-customizable", "512to256to64_1x1", 32),
        Custom("vgg16-customizable-64", "512to64_1x1", 32),
        Custom("vgg16-customizable-3x3", "512to512_3x3", 96),
    };

    private static ZooModel Custom(string name, string convType, int min) =>
        new(name, $"seed 000's VGG16Customizable: VGG-16 features, head '{convType}', linear", "fc", $"3xSxS, S >= {min}",
            s => Rgb(s) && s[1] == s[2] && s[1] >= min, (s, n) => new Zoo.VGG16Customizable(n, convType, inputSize: s[1]));

    /// <summary>Zoo names, each with what it is.</summary>
    public static IEnumerable<(string Name, string About)> Models => All.Select(m => (m.Name, m.About));

    /// <summary>The zoo model called <paramref name="name"/> (case and '-' / '_' ignored), or null.</summary>
    public static ZooModel? Find(string name)
    {
        static string Key(string s) => s.ToLowerInvariant().Replace('_', '-');
        return All.FirstOrDefault(m => Key(m.Name) == Key(name));
    }

    /// <summary>Whether <paramref name="model"/> names a spec file rather than a zoo model.</summary>
    public static bool IsSpecFile(string model) =>
        model.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || model.EndsWith(".yml", StringComparison.OrdinalIgnoreCase)
        || model.EndsWith(".json", StringComparison.OrdinalIgnoreCase);

    /// <summary>Builds a zoo model, or the spec (<paramref name="specText"/> when the run kept a copy, else the file), for
    /// inputs of shape (C, H, W) and <paramref name="numClasses"/> outputs.</summary>
    public static Module Create(string model, int[] inputShape, int numClasses, string? specText = null, IReadOnlyDictionary<string, string>? modelArgs = null)
    {
        if (ModelArgs.Handles(model, specText, modelArgs)) return ModelArgs.Create(model, inputShape, numClasses, specText, modelArgs);
        if (specText != null) return ModelSpec.Parse(specText, inputShape, numClasses, source: model);
        if (IsSpecFile(model)) return ModelSpec.Load(model, inputShape, numClasses);
        var z = Get(model, inputShape);
        return z.Build(inputShape, numClasses);
    }

    private static ZooModel Get(string model, int[] inputShape)
    {
        var z = Find(model) ?? throw new CliException($"unknown model '{model}' (known: {string.Join(", ", All.Select(m => m.Name))}, or a .yaml/.json spec file)");
        if (!z.Fits(inputShape))
            throw new CliException($"model '{z.Name}' takes images (C, H, W) of {z.Input}, got input [{string.Join(", ", inputShape)}]",
                "give images of that shape (e.g. --transforms resize:32x32) or choose another --model");
        return z;
    }

    /// <summary>
    /// Seed 002's transfer-learning start: builds the model with as many outputs as the checkpoint's head has, loads
    /// <paramref name="weightsPath"/> (a <c>torch.save(model.state_dict())</c> file read by the restricted unpickler, or a
    /// <c>.safetensors</c> file) strictly, then — when the checkpoint's class count differs — replaces the head by a new
    /// <c>Linear(in_features, numClasses)</c>, PyTorch's <c>model.fc = nn.Linear(model.fc.in_features, n)</c>. The random
    /// draws are PyTorch's: the full model's initialisation, then the new head's. A spec model's weights must fit it
    /// exactly (its head is not replaced).
    /// </summary>
    /// <exception cref="CliException">the file is missing or unreadable, or a key or shape does not fit (one line naming
    /// the file, the first mismatching key and both shapes).</exception>
    public static Module CreatePretrained(string model, int[] inputShape, int numClasses, string? specText, string weightsPath) =>
        FromStateDict(model, inputShape, numClasses, specText, LoadWeights(weightsPath), $"--weights {weightsPath}");

    /// <summary>
    /// <c>--pretrained</c>: <see cref="CreatePretrained"/> from torchvision's published weights for the zoo model
    /// (<see cref="ZooModel.Pretrained"/>), downloaded into torch.hub's cache on first use (a file PyTorch already fetched
    /// is reused; <c>$LUMEN_WEIGHTS_URL</c> replaces torchvision's address).
    /// </summary>
    /// <exception cref="CliException">the model has no published weights, or the download or the file failed.</exception>
    public static Module CreateFromTorchvision(string model, int[] inputShape, int numClasses, bool progress = true)
    {
        var weights = PretrainedWeights(model);
        OrderedDictionary<string, Tensor> sd;
        try { sd = weights.GetStateDict(progress); }
        catch (Exception e) when (e is HttpRequestException or IOException or InvalidDataException or CheckpointFormatException or TaskCanceledException)
        {
            throw new CliException($"--pretrained: could not get {weights} from {weights.DownloadUrl()}: {e.Message.ReplaceLineEndings(" ")}",
                $"check the connection, set {Zoo.Weights.BaseUrlVariable} to a mirror, or put the file into {Path.Combine(Torch.Hub.GetDir(), "checkpoints")}");
        }
        return FromStateDict(model, inputShape, numClasses, null, sd, $"--pretrained ({weights})");
    }

    /// <summary>The weights <c>--pretrained</c> takes for <paramref name="model"/>.</summary>
    /// <exception cref="CliException">the model is a spec file or a zoo model torchvision publishes no weights for.</exception>
    public static Zoo.Weights PretrainedWeights(string model)
    {
        var z = IsSpecFile(model) ? null : Find(model);
        return z?.Pretrained ?? throw new CliException($"--pretrained: torchvision publishes no weights for '{model}'",
            $"models with weights: {string.Join(", ", All.Where(m => m.Pretrained != null).Select(m => m.Name))}; or give a file with --weights");
    }

    private static Module FromStateDict(string model, int[] inputShape, int numClasses, string? specText, OrderedDictionary<string, Tensor> sd, string source)
    {
        if (specText != null || IsSpecFile(model))
        {
            var spec = Create(model, inputShape, numClasses, specText);
            Load(spec, sd, source, model);
            return spec;
        }
        var z = Get(model, inputShape);
        if (!sd.TryGetValue(z.Head + ".weight", out var headWeight) || headWeight.Dim() != 2)
            throw new CliException($"{source}: no 2-d '{z.Head}.weight' (the classifier head of {z.Name}); " +
                                   $"the file holds {Describe(sd)}", $"give a state dict saved from a {z.Name}");
        int fileClasses = (int)headWeight.Size(0);
        var m = z.Build(inputShape, fileClasses);
        Load(m, sd, source, z.Name);
        if (fileClasses != numClasses)
        {
            var old = (Linear)m.NamedModules().First(x => x.Name == z.Head).Module;
            ReplaceModule(m, z.Head, new Linear(old.InFeatures, numClasses, bias: old.Bias != null));
        }
        return m;
    }

    /// <summary>Freezes every parameter except those of the head (the last <see cref="Linear"/>), as torchvision's
    /// fine-tuning tutorials do; returns the head's name.</summary>
    public static string FreezeAllButHead(Module model)
    {
        var (name, head) = model.NamedModules().LastOrDefault(x => x.Module is Linear);
        if (head == null) throw new CliException("--freeze: the model has no Linear layer to keep training");
        model.RequiresGrad_(false);
        head.RequiresGrad_(true);
        return name;
    }

    private static OrderedDictionary<string, Tensor> LoadWeights(string path)
    {
        if (!File.Exists(path)) throw new CliException($"--weights: file '{path}' not found");
        try { return Torch.Load(path); }
        catch (Exception e) when (e is CheckpointFormatException or ArgumentException or IOException or InvalidDataException)
        {
            throw new CliException($"--weights {path}: not a state dict Lumen can read (a .pth from torch.save(model.state_dict()) or a .safetensors file): {e.Message.ReplaceLineEndings(" ")}");
        }
    }

    private static void Load(Module m, OrderedDictionary<string, Tensor> sd, string source, string name)
    {
        var own = m.StateDict();
        foreach (var (k, v) in own)
        {
            if (!sd.TryGetValue(k, out var t))
                throw new CliException($"{source} does not fit {name}: missing key '{k}' (model {Shape(v)}); the file holds {Describe(sd)}");
            if (t.Shape != v.Shape)
                throw new CliException($"{source} does not fit {name}: '{k}' is {Shape(t)} in the file, {Shape(v)} in the model");
        }
        foreach (var k in sd.Keys)
            if (!own.ContainsKey(k)) throw new CliException($"{source} does not fit {name}: unexpected key '{k}' ({Shape(sd[k])}) that the model does not have");
        m.LoadStateDict(sd);
    }

    private static string Shape(Tensor t) => $"[{string.Join(", ", t.Shape.ToArray())}]";

    private static string Describe(OrderedDictionary<string, Tensor> sd) =>
        sd.Count == 0 ? "no tensors" : $"{sd.Count} tensors, first '{sd.Keys.First()}', last '{sd.Keys.Last()}'";

    /// <summary>Replaces the submodule at a dotted <paramref name="path"/>: in a Sequential by its slot name, otherwise
    /// through the parent's settable property that holds it (ResNet.Fc, Net.Fc2, …).</summary>
    private static void ReplaceModule(Module root, string path, Module replacement)
    {
        int dot = path.LastIndexOf('.');
        string parentPath = dot < 0 ? "" : path[..dot], name = path[(dot + 1)..];
        var parent = root.NamedModules().First(x => x.Name == parentPath).Module;
        var old = parent.NamedChildren().First(c => c.Name == name).Module;
        if (parent is Sequential) { parent.AddModule(name, replacement); return; }
        var prop = parent.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .FirstOrDefault(p => p.CanWrite && p.PropertyType.IsInstanceOfType(replacement) && ReferenceEquals(p.GetValue(parent), old))
            ?? throw new InvalidOperationException($"{parent.GetType().Name} has no settable property for its '{name}' module.");
        prop.SetValue(parent, replacement);
    }
}
