using Lumen.NN;
using Zoo = Lumen.Vision.Models;

namespace Lumen.Cli.Models;

/// <summary>The models <c>--model</c> knows by name, and spec files (<c>.yaml</c>, <c>.yml</c>, <c>.json</c>).</summary>
public static class ModelZoo
{
    /// <summary>Zoo names, each with what it is.</summary>
    public static readonly (string Name, string About)[] Models =
    {
        ("mnist-cnn", "seed 004's MNIST CNN: 4 conv+BN+ReLU, 2 max pools, 3 linear (default)"),
        ("simple-cnn", "seed 004's SimpleCNN: 3 conv+ReLU+pool blocks, 3 linear"),
        ("tiny-conv", "seed 000's TinyConv: 2 strided convs, 1 linear"),
        ("resnet18", "torchvision's ResNet-18 (random init as torchvision's), numClasses outputs"),
        ("convnet", "seed 001's CIFAR-10 ConvNet (3x32x32 input; --model-args c1=48,c2=96,l1=256,dropout=0.5)"),
    };

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
        if (inputShape.Length != 3 && Models.Any(m => m.Name == model))
            throw new CliException($"model '{model}' takes images (C, H, W), got input [{string.Join(", ", inputShape)}]");
        return model.ToLowerInvariant() switch
        {
            "mnist-cnn" => new Zoo.MnistCNN(inputShape[0], numClasses, inputShape[1], inputShape[2]),
            "simple-cnn" => new Zoo.SimpleCNN(inputShape[0], numClasses, inputShape[1], inputShape[2]),
            "tiny-conv" => new Zoo.TinyConv(inputShape[0], numClasses, inputShape[1], inputShape[2]),
            "resnet18" when inputShape[0] == 3 => Zoo.Models.ResNet18(numClasses: numClasses),
            "resnet18" => throw new CliException($"model 'resnet18' takes 3-channel images, got {inputShape[0]} channel(s)"),
            _ => throw new CliException($"unknown model '{model}' (known: {string.Join(", ", Models.Select(m => m.Name))}, or a .yaml/.json spec file)"),
        };
    }
}
