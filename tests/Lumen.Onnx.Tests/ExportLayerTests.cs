using Lumen.NN;
using Xunit;
using Xunit.Abstractions;

namespace Lumen.Onnx.Tests;

/// <summary>The layers and ops beyond the zoo's: 1-d and 3-d convolutions with groups and dilation, transposed
/// convolutions, ceil-mode and adaptive pools, reflect padding, upsampling (nearest and bilinear, both corner rules),
/// concatenation and gating in a custom Forward, and the remaining activations. Each file is run by ONNX Runtime at
/// batch 1 and 3 against Lumen and is the one onnx's checker passed.</summary>
[Collection(ExportCollection.Name)]
public sealed class ExportLayerTests
{
    private readonly ITestOutputHelper _out;
    public ExportLayerTests(ITestOutputHelper output) => _out = output;

    private void Check(string name, Module model, params int[] sample)
    {
        ExportHarness.PerturbNorms(model);
        var (bytes, diff, largest) = ExportHarness.ExportAndCompare(name, model, sample);
        _out.WriteLine($"{name}: {bytes.Length:N0} bytes, max |ORT - Lumen| = {diff:E2} (max(1, |output|) = {largest:G3})");
        ExportHarness.AssertCheckerPassed(name, bytes);
    }

    [Fact]
    public void Conv1d_with_groups_dilation_and_reflect_padding_and_1d_pools_export()
    {
        Torch.ManualSeed(1);
        Check("layers-conv1d", new Sequential(
            new Conv1d(4, 8, 3, stride: 2, padding: 2, dilation: 2, groups: 2), new BatchNorm1d(8), new ReLU6(),
            new MaxPool1d(3, stride: 2, padding: 1, ceilMode: true),
            new Conv1d(8, 8, 3, padding: 1, paddingMode: "reflect"), new Hardswish(),
            new AvgPool1d(2, ceilMode: true, countIncludePad: false),
            new Conv1d(8, 6, 3, padding: "same", dilation: 2), new Softplus(beta: 2f),
            new AdaptiveAvgPool1d(1), new Flatten(), new Linear(6, 5), new LogSoftmax(1)), 4, 41);
    }

    [Fact]
    public void Conv3d_transposed_conv3d_and_3d_pools_export()
    {
        Torch.ManualSeed(2);
        Check("layers-conv3d", new Sequential(
            new Conv3d(2, 4, 3, stride: (1, 2, 2), padding: 1, groups: 2), new BatchNorm3d(4), new ELU(0.5f),
            new MaxPool3d(2), new ConvTranspose3d(4, 4, 2, stride: 2, groups: 2), new SELU(),
            new AvgPool3d((1, 2, 2)), new Conv3d(4, 3, (1, 3, 3), dilation: (1, 2, 2)), new CELU(),
            new AdaptiveMaxPool3d(1), new Flatten(), new Linear(3, 4), new Softmax(1)), 2, 8, 20, 20);
    }

    /// <summary>A small encoder-decoder: transposed convolution and upsampling, concatenation, a sigmoid gate, a scaled
    /// residual, functional pools and interpolation, views.</summary>
    private sealed class UNetLike : Module
    {
        public readonly Conv2d Enc;
        public readonly MaxPool2d Pool;
        public readonly ConvTranspose2d Up;
        public readonly Upsample Nearest;
        public readonly Upsample Bilinear;
        public readonly Conv2d Fuse;
        public readonly PReLU Act;
        public readonly Conv2d Gate;
        public readonly ReflectionPad2d Pad;
        public readonly Linear Head;

        public UNetLike()
        {
            Enc = RegisterModule("enc", new Conv2d(3, 8, 3, padding: 1));
            Pool = RegisterModule("pool", new MaxPool2d(3, stride: 2, padding: 1));
            Up = RegisterModule("up", new ConvTranspose2d(8, 8, 3, stride: 2, padding: 1, outputPadding: 1, dilation: 1));
            Nearest = RegisterModule("nearest", new Upsample(scaleFactor: 2.0, mode: "nearest"));
            Bilinear = RegisterModule("bilinear", new UpsamplingBilinear2d(size: (16, 16)));
            Fuse = RegisterModule("fuse", new Conv2d(24, 8, 1));
            Act = RegisterModule("act", new PReLU(8));
            Gate = RegisterModule("gate", new Conv2d(8, 8, 3, padding: 1, groups: 8));
            Pad = RegisterModule("pad", new ReflectionPad2d((1, 2, 1, 0)));
            Head = RegisterModule("head", new Linear(8 * 4 * 4, 6));
        }

        public override Tensor Forward(Tensor x)
        {
            var e = Enc.Call(x);                                   // (B, 8, 16, 16)
            var p = Pool.Call(e);                                  // (B, 8, 8, 8)
            var u = Up.Call(p);                                    // (B, 8, 16, 16)
            var n = Bilinear.Call(Nearest.Call(p));                // (B, 8, 16, 16)
            var y = Act.Call(Fuse.Call(Torch.Cat(new[] { e, u, n }, 1)));
            y = y.Mul(Gate.Call(y).Sigmoid()).Add(e, alpha: 0.5f); // gated, with a scaled skip
            y = F.Interpolate(y, scaleFactor: 0.5, mode: "bilinear", alignCorners: false);   // (B, 8, 8, 8)
            y = F.AvgPool2d(Pad.Call(y), 3, stride: 2, padding: 1, ceilMode: true, countIncludePad: false);
            y = F.MaxPool2d(y.Tanh(), 2, ceilMode: true);
            y = F.AdaptiveAvgPool2d(y, (1, 1));
            return Head.Call(F.Interpolate(y, size: (4, 4), mode: "nearest").Reshape(-1, 8 * 4 * 4)).Silu();
        }
    }

    [Fact]
    public void A_custom_forward_with_cat_upsample_transposed_conv_and_functional_ops_exports()
    {
        Torch.ManualSeed(3);
        Check("layers-unet-like", new UNetLike(), 3, 16, 16);
    }
}
