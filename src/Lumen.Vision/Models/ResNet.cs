using Lumen.NN;

namespace Lumen.Vision.Models;

/// <summary>Which residual block a <see cref="ResNet"/> stacks.</summary>
public enum ResNetBlock
{
    /// <summary><c>BasicBlock</c> (two 3×3 convolutions): ResNet-18 and -34.</summary>
    BasicBlock,
    /// <summary><c>Bottleneck</c> (1×1, 3×3, 1×1): ResNet-50, -101 and -152.</summary>
    Bottleneck,
}

/// <summary>
/// Residual network (He et al., 2015), torchvision 0.14's <c>torchvision.models.ResNet</c> with its module names, order
/// and initialisation, so that <c>Torch.ManualSeed(k); Models.ResNet18()</c> holds bit for bit the weights of
/// <c>torch.manual_seed(k); torchvision.models.resnet18()</c> and state dicts move between the two unchanged.
/// Stem conv1 (7×7, stride 2) → bn1 → relu → maxpool (3×3, stride 2), then layer1…layer4 (64, 128, 256, 512 planes; the
/// last three halve the resolution), avgpool to 1×1, flatten and <see cref="Fc"/>.
/// Initialisation: every layer first draws its PyTorch default in construction order, then every Conv2d gets
/// <c>kaiming_normal_(mode='fan_out', nonlinearity='relu')</c> and every BatchNorm2d weight 1, bias 0, in
/// <c>modules()</c> order; fc keeps Linear's default. Input (B, 3, H, W), H and W ≥ 32 (224 for ImageNet weights);
/// output (B, numClasses).
/// <para>Transfer learning (seed 002): <c>model.Fc = new Linear(model.Fc.InFeatures, 4);</c> replaces the head (the
/// registration under "fc" is replaced too); <c>model.RequiresGrad_(false)</c> before that freezes the feature extractor.</para>
/// </summary>
public sealed class ResNet : Module
{
    private int _inplanes = 64;
    private int _dilation = 1;
    private readonly int _groups;
    private readonly int _baseWidth;
    private Linear _fc;

    /// <summary>Which block this network stacks.</summary>
    public ResNetBlock Block { get; }
    public readonly Conv2d Conv1;
    public readonly BatchNorm2d Bn1;
    public readonly ReLU Relu;
    public readonly MaxPool2d Maxpool;
    public readonly Sequential Layer1;
    public readonly Sequential Layer2;
    public readonly Sequential Layer3;
    public readonly Sequential Layer4;
    public readonly AdaptiveAvgPool2d Avgpool;

    /// <summary>The classifier head, Linear(512·expansion, numClasses). Setting it replaces the module registered as
    /// <c>fc</c> (its parameters, state-dict keys and printout), PyTorch's <c>model.fc = nn.Linear(...)</c>.</summary>
    public Linear Fc
    {
        get => _fc;
        set => _fc = RegisterModule("fc", value ?? throw new ArgumentNullException(nameof(value), "ResNet.Fc cannot be null."));
    }

    /// <param name="block">The residual block.</param>
    /// <param name="layers">Blocks per stage, e.g. [2, 2, 2, 2] for ResNet-18.</param>
    /// <param name="numClasses">Outputs of the head (1000 for ImageNet).</param>
    /// <param name="zeroInitResidual">Zero the last BatchNorm weight of every block, so each starts as the identity.</param>
    /// <param name="groups">Groups of the 3×3 convolutions in Bottleneck blocks (ResNeXt).</param>
    /// <param name="widthPerGroup">Channels per group in Bottleneck blocks (64 for ResNet).</param>
    /// <param name="replaceStrideWithDilation">Per stage 2…4, replace the stride 2 by a dilation (3 values).</param>
    public ResNet(ResNetBlock block, IReadOnlyList<int> layers, int numClasses = 1000, bool zeroInitResidual = false, int groups = 1,
                  int widthPerGroup = 64, IReadOnlyList<bool>? replaceStrideWithDilation = null)
    {
        ArgumentNullException.ThrowIfNull(layers);
        if (layers.Count != 4) throw new ArgumentException($"ResNet: layers must have 4 values, got {layers.Count}.");
        replaceStrideWithDilation ??= new[] { false, false, false };
        if (replaceStrideWithDilation.Count != 3)
            throw new ArgumentException($"replaceStrideWithDilation should be null or a 3-element list, got {replaceStrideWithDilation.Count} values.");
        Block = block;
        _groups = groups;
        _baseWidth = widthPerGroup;
        Conv1 = RegisterModule("conv1", new Conv2d(3, _inplanes, kernelSize: 7, stride: 2, padding: 3, bias: false));
        Bn1 = RegisterModule("bn1", new BatchNorm2d(_inplanes));
        Relu = RegisterModule("relu", new ReLU(inplace: true));
        Maxpool = RegisterModule("maxpool", new MaxPool2d(kernelSize: 3, stride: 2, padding: 1));
        Layer1 = RegisterModule("layer1", MakeLayer(64, layers[0]));
        Layer2 = RegisterModule("layer2", MakeLayer(128, layers[1], stride: 2, dilate: replaceStrideWithDilation[0]));
        Layer3 = RegisterModule("layer3", MakeLayer(256, layers[2], stride: 2, dilate: replaceStrideWithDilation[1]));
        Layer4 = RegisterModule("layer4", MakeLayer(512, layers[3], stride: 2, dilate: replaceStrideWithDilation[2]));
        Avgpool = RegisterModule("avgpool", new AdaptiveAvgPool2d((1, 1)));
        _fc = RegisterModule("fc", new Linear(512 * ExpansionOf(block), numClasses));

        foreach (var m in Modules())
        {
            if (m is Conv2d conv) Init.KaimingNormal_(conv.Weight, mode: "fan_out", nonlinearity: "relu");
            else if (m is BatchNorm2d bn) { Init.Constant_(bn.Weight!, 1f); Init.Constant_(bn.Bias!, 0f); }
        }
        if (zeroInitResidual)
            foreach (var m in Modules())
            {
                if (m is Bottleneck b) Init.Constant_(b.Bn3.Weight!, 0f);
                else if (m is BasicBlock bb) Init.Constant_(bb.Bn2.Weight!, 0f);
            }
    }

    private static int ExpansionOf(ResNetBlock block) => block == ResNetBlock.Bottleneck ? Bottleneck.Expansion : BasicBlock.Expansion;

    private Sequential MakeLayer(int planes, int blocks, int stride = 1, bool dilate = false)
    {
        int expansion = ExpansionOf(Block);
        Sequential? downsample = null;
        int previousDilation = _dilation;
        if (dilate)
        {
            _dilation *= stride;
            stride = 1;
        }
        // torchvision builds the projection before the first block: the order of the default-init draws follows it.
        if (stride != 1 || _inplanes != planes * expansion)
            downsample = new Sequential(Conv1x1(_inplanes, planes * expansion, stride), new BatchNorm2d(planes * expansion));
        var list = new List<Module> { NewBlock(_inplanes, planes, stride, downsample, previousDilation) };
        _inplanes = planes * expansion;
        for (int i = 1; i < blocks; i++) list.Add(NewBlock(_inplanes, planes, 1, null, _dilation));
        return new Sequential(list);
    }

    private Module NewBlock(int inplanes, int planes, int stride, Sequential? downsample, int dilation) => Block switch
    {
        ResNetBlock.BasicBlock => new BasicBlock(inplanes, planes, stride, downsample, _groups, _baseWidth, dilation),
        _ => new Bottleneck(inplanes, planes, stride, downsample, _groups, _baseWidth, dilation),
    };

    /// <summary>torchvision's <c>conv3x3</c>: 3×3 convolution with padding = dilation and no bias.</summary>
    public static Conv2d Conv3x3(int inPlanes, int outPlanes, int stride = 1, int groups = 1, int dilation = 1) =>
        new(inPlanes, outPlanes, kernelSize: 3, stride: stride, padding: dilation, groups: groups, bias: false, dilation: dilation);

    /// <summary>torchvision's <c>conv1x1</c>: 1×1 convolution with no bias.</summary>
    public static Conv2d Conv1x1(int inPlanes, int outPlanes, int stride = 1) =>
        new(inPlanes, outPlanes, kernelSize: 1, stride: stride, bias: false);

    /// <summary>Everything but the head: (B, 3, H, W) → (B, 512·expansion) pooled features.</summary>
    public Tensor ForwardFeatures(Tensor x)
    {
        x = Conv1.Call(x);
        x = Bn1.Call(x);
        x = Relu.Call(x);
        x = Maxpool.Call(x);
        x = Layer1.Call(x);
        x = Layer2.Call(x);
        x = Layer3.Call(x);
        x = Layer4.Call(x);
        x = Avgpool.Call(x);
        return x.Flatten(1);
    }

    /// <param name="x">(B, 3, H, W).</param>
    /// <returns>(B, numClasses) logits.</returns>
    public override Tensor Forward(Tensor x) => _fc.Call(ForwardFeatures(x));
}
