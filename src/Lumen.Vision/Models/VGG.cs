using Lumen.NN;

namespace Lumen.Vision.Models;

/// <summary>
/// VGG (Simonyan and Zisserman, 2014), torchvision 0.14's <c>torchvision.models.VGG</c> with its module names
/// (<c>features</c>, <c>avgpool</c>, <c>classifier</c>), order and initialisation, so <c>Torch.ManualSeed(k);
/// Models.VGG11BN()</c> holds bit for bit the weights of <c>torch.manual_seed(k); torchvision.models.vgg11_bn()</c>.
/// <c>features</c>: 3×3 convolutions (padding 1) with ReLU, optionally BatchNorm2d after each convolution, and 2×2 max
/// pooling, from a configuration such as "A" (VGG-11); <c>avgpool</c>: adaptive average pooling to 7×7;
/// <c>classifier</c>: Linear(25088, 4096) → ReLU → Dropout → Linear(4096, 4096) → ReLU → Dropout → Linear(4096, numClasses).
/// Initialisation: default draws in construction order, then in <c>modules()</c> order Conv2d weights
/// <c>kaiming_normal_(mode='fan_out', nonlinearity='relu')</c> with zero biases, BatchNorm2d weight 1 / bias 0, Linear
/// weights N(0, 0.01²) with zero biases. Input (B, 3, H, W), H and W ≥ 32 (224 for ImageNet weights); output (B, numClasses).
/// </summary>
public sealed class VGG : Module
{
    /// <summary>torchvision's <c>cfgs</c>: channel counts, −1 for a max pooling ("M").</summary>
    public static IReadOnlyDictionary<string, int[]> Configs { get; } = new Dictionary<string, int[]>
    {
        ["A"] = new[] { 64, -1, 128, -1, 256, 256, -1, 512, 512, -1, 512, 512, -1 },
        ["B"] = new[] { 64, 64, -1, 128, 128, -1, 256, 256, -1, 512, 512, -1, 512, 512, -1 },
        ["D"] = new[] { 64, 64, -1, 128, 128, -1, 256, 256, 256, -1, 512, 512, 512, -1, 512, 512, 512, -1 },
        ["E"] = new[] { 64, 64, -1, 128, 128, -1, 256, 256, 256, 256, -1, 512, 512, 512, 512, -1, 512, 512, 512, 512, -1 },
    };

    private Sequential _classifier;

    /// <summary>The convolutional feature extractor: (B, 3, H, W) → (B, 512, H/32, W/32).</summary>
    public readonly Sequential Features;
    /// <summary>Adaptive average pooling to 7×7.</summary>
    public readonly AdaptiveAvgPool2d Avgpool;

    /// <summary>The classifier head. Setting it replaces the module registered as <c>classifier</c>.</summary>
    public Sequential Classifier
    {
        get => _classifier;
        set => _classifier = RegisterModule("classifier", value ?? throw new ArgumentNullException(nameof(value), "VGG.Classifier cannot be null."));
    }

    /// <param name="features">The feature extractor, usually <see cref="MakeLayers(string, bool)"/>.</param>
    /// <param name="numClasses">Outputs of the last Linear.</param>
    /// <param name="initWeights">Apply torchvision's initialisation loop (true for every torchvision builder).</param>
    /// <param name="dropout">Dropout probability in the classifier.</param>
    public VGG(Sequential features, int numClasses = 1000, bool initWeights = true, double dropout = 0.5)
    {
        ArgumentNullException.ThrowIfNull(features);
        Features = RegisterModule("features", features);
        Avgpool = RegisterModule("avgpool", new AdaptiveAvgPool2d((7, 7)));
        _classifier = RegisterModule("classifier", new Sequential(
            new Linear(512 * 7 * 7, 4096), new ReLU(true), new Dropout(p: dropout),
            new Linear(4096, 4096), new ReLU(true), new Dropout(p: dropout),
            new Linear(4096, numClasses)));
        if (!initWeights) return;
        foreach (var m in Modules())
        {
            switch (m)
            {
                case Conv2d conv:
                    Init.KaimingNormal_(conv.Weight, mode: "fan_out", nonlinearity: "relu");
                    if (conv.Bias != null) Init.Constant_(conv.Bias, 0f);
                    break;
                case BatchNorm2d bn:
                    Init.Constant_(bn.Weight!, 1f);
                    Init.Constant_(bn.Bias!, 0f);
                    break;
                case Linear lin:
                    Init.Normal_(lin.Weight, 0, 0.01);
                    Init.Constant_(lin.Bias!, 0f);
                    break;
            }
        }
    }

    /// <summary>torchvision's <c>make_layers</c>: for each channel count a Conv2d(in, v, 3, padding 1) [→ BatchNorm2d(v)]
    /// → ReLU(inplace), and for −1 a MaxPool2d(2, 2), named "0", "1", … in one Sequential.</summary>
    /// <param name="config">A key of <see cref="Configs"/> ("A", "B", "D", "E") or an explicit list.</param>
    /// <param name="batchNorm">Insert BatchNorm2d after each convolution.</param>
    public static Sequential MakeLayers(IReadOnlyList<int> config, bool batchNorm = false)
    {
        var layers = new Sequential();
        int inChannels = 3, i = 0;
        foreach (var v in config)
        {
            if (v == -1) { layers.AddModule((i++).ToString(), new MaxPool2d(kernelSize: 2, stride: 2)); continue; }
            layers.AddModule((i++).ToString(), new Conv2d(inChannels, v, kernelSize: 3, padding: 1));
            if (batchNorm) layers.AddModule((i++).ToString(), new BatchNorm2d(v));
            layers.AddModule((i++).ToString(), new ReLU(inplace: true));
            inChannels = v;
        }
        return layers;
    }

    /// <inheritdoc cref="MakeLayers(IReadOnlyList{int}, bool)"/>
    public static Sequential MakeLayers(string config, bool batchNorm = false) =>
        MakeLayers(Configs.TryGetValue(config, out var c) ? c
            : throw new ArgumentException($"VGG: unknown configuration '{config}'; expected one of A, B, D, E."), batchNorm);

    /// <param name="x">(B, 3, H, W).</param>
    /// <returns>(B, numClasses) logits.</returns>
    public override Tensor Forward(Tensor x)
    {
        x = Features.Call(x);
        x = Avgpool.Call(x);
        x = x.Flatten(1);
        return _classifier.Call(x);
    }
}
