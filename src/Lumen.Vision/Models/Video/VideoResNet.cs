using Lumen.NN;

namespace Lumen.Vision.Models.Video;

/// <summary>
/// ResNet for video clips and other volumes (Tran et al., 2018), torchvision 0.14's <c>torchvision.models.video.VideoResNet</c>
/// as used by <c>r3d_18</c>, with its module names, order and initialisation: <c>Torch.ManualSeed(k); Models.R3D18()</c>
/// holds bit for bit the weights of <c>torch.manual_seed(k); torchvision.models.video.r3d_18()</c>.
/// <c>stem</c> (<see cref="BasicStem"/>) → layer1…layer4 (64, 128, 256, 512 planes; the last three halve time and space)
/// → avgpool to 1×1×1 → flatten → <see cref="Fc"/>. Initialisation: default draws in construction order, then in
/// <c>modules()</c> order Conv3d weights <c>kaiming_normal_(mode='fan_out', nonlinearity='relu')</c>, BatchNorm3d weight 1 /
/// bias 0, Linear weight N(0, 0.01²) / bias 0. Input (B, 3, T, H, W) (Kinetics clips: T = 16, H = W = 112); output
/// (B, numClasses).
/// </summary>
public sealed class VideoResNet : Module
{
    private int _inplanes = 64;
    private Linear _fc;

    public readonly BasicStem Stem;
    public readonly Sequential Layer1;
    public readonly Sequential Layer2;
    public readonly Sequential Layer3;
    public readonly Sequential Layer4;
    public readonly AdaptiveAvgPool3d Avgpool;

    /// <summary>The classifier head, Linear(512, numClasses); setting it replaces the module registered as <c>fc</c>.</summary>
    public Linear Fc
    {
        get => _fc;
        set => _fc = RegisterModule("fc", value ?? throw new ArgumentNullException(nameof(value), "VideoResNet.Fc cannot be null."));
    }

    /// <param name="layers">Blocks per stage ([2, 2, 2, 2] for R3D-18).</param>
    /// <param name="numClasses">Outputs of the head (400 Kinetics classes).</param>
    /// <param name="zeroInitResidual">Zero the last BatchNorm weight of every block.</param>
    public VideoResNet(IReadOnlyList<int> layers, int numClasses = 400, bool zeroInitResidual = false)
    {
        ArgumentNullException.ThrowIfNull(layers);
        if (layers.Count != 4) throw new ArgumentException($"VideoResNet: layers must have 4 values, got {layers.Count}.");
        Stem = RegisterModule("stem", new BasicStem());
        Layer1 = RegisterModule("layer1", MakeLayer(64, layers[0], stride: 1));
        Layer2 = RegisterModule("layer2", MakeLayer(128, layers[1], stride: 2));
        Layer3 = RegisterModule("layer3", MakeLayer(256, layers[2], stride: 2));
        Layer4 = RegisterModule("layer4", MakeLayer(512, layers[3], stride: 2));
        Avgpool = RegisterModule("avgpool", new AdaptiveAvgPool3d((1, 1, 1)));
        _fc = RegisterModule("fc", new Linear(512 * BasicBlock.Expansion, numClasses));

        foreach (var m in Modules())
        {
            switch (m)
            {
                case ConvNd { SpatialDims: 3, Transposed: false } conv:
                    Init.KaimingNormal_(conv.Weight, mode: "fan_out", nonlinearity: "relu");
                    if (conv.Bias != null) Init.Constant_(conv.Bias, 0f);
                    break;
                case BatchNorm3d bn:
                    Init.Constant_(bn.Weight!, 1f);
                    Init.Constant_(bn.Bias!, 0f);
                    break;
                case Linear lin:
                    Init.Normal_(lin.Weight, 0, 0.01);
                    Init.Constant_(lin.Bias!, 0f);
                    break;
            }
        }
        if (zeroInitResidual)
            foreach (var m in Modules())
                if (m is BasicBlock b) Init.Constant_(((BatchNorm3d)b.Conv2[1]).Weight!, 0f);
    }

    private Sequential MakeLayer(int planes, int blocks, int stride)
    {
        Sequential? downsample = null;
        if (stride != 1 || _inplanes != planes * BasicBlock.Expansion)
            downsample = new Sequential(
                new Conv3d(_inplanes, planes * BasicBlock.Expansion, kernelSize: 1, stride: Conv3DSimple.GetDownsampleStride(stride), bias: false),
                new BatchNorm3d(planes * BasicBlock.Expansion));
        var list = new List<Module> { new BasicBlock(_inplanes, planes, stride, downsample) };
        _inplanes = planes * BasicBlock.Expansion;
        for (int i = 1; i < blocks; i++) list.Add(new BasicBlock(_inplanes, planes));
        return new Sequential(list);
    }

    /// <param name="x">(B, 3, T, H, W).</param>
    /// <returns>(B, numClasses) logits.</returns>
    public override Tensor Forward(Tensor x)
    {
        x = Stem.Call(x);
        x = Layer1.Call(x);
        x = Layer2.Call(x);
        x = Layer3.Call(x);
        x = Layer4.Call(x);
        x = Avgpool.Call(x);
        x = x.Flatten(1);
        return _fc.Call(x);
    }
}
