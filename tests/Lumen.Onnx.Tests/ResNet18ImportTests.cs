using Lumen.Vision.Codecs;
using Lumen.Vision.Tests;
using Lumen.Vision.Transforms;
using Microsoft.ML.OnnxRuntime;
using Xunit;
using Xunit.Abstractions;

namespace Lumen.Onnx.Tests;

/// <summary>
/// The real pretrained network of issue 18: CNTK 2.6's ImageNet ResNet-18 (opset 8, BatchNormalization as separate
/// nodes, asymmetric stem pads) from the NuGet package Microsoft.ML.DnnImageFeaturizer.ResNet18, and its preprocessing
/// graph, imported and compared with ONNX Runtime on dogcat photos.
/// </summary>
public sealed class ResNet18ImportTests(ITestOutputHelper output)
{
    [ResNet18Fact]
    public void Cntk_resnet18_imports_with_its_weights_as_parameters_and_statistics_as_buffers()
    {
        var model = OnnxModel.Load(TestData.ResNet18);
        Assert.Equal(8, model.Opset);
        Assert.Equal("CNTK 2.6", model.Producer);
        Assert.Equal(new[] { 1, 3, 224, 224 }, model.Inputs.Single().Shape);
        // 22 convolutions (no bias) + 22 BatchNorm scale/bias pairs; 2 × 22 running statistics.
        Assert.Equal(22 + 44, model.Parameters().Count());
        Assert.Equal(44, model.Buffers().Count());
        // torchvision's resnet18 without fc (11,689,512 − 513,000), plus layer4's third block: 2 convs 512→512 3×3 and 2 BNs.
        Assert.Equal(11_689_512 - 513_000 + 2 * 512 * 512 * 3 * 3 + 2 * 2 * 512, model.NumParameters());
    }

    [ResNet18DogCatFact]
    public void Cntk_resnet18_features_of_20_dogcat_photos_match_OnnxRuntime_batched()
    {
        var prep = OnnxModel.Load(TestData.ResNetPreprocess).Eval();
        var net = OnnxModel.Load(TestData.ResNet18).Eval();
        var images = DogCatImages(20);
        using var ortPrep = new InferenceSession(TestData.ResNetPreprocess);
        using var ortNet = new InferenceSession(TestData.ResNet18);
        var shape = new[] { 1, 3, 224, 224 };
        double worstPrep = 0, worstFeature = 0;
        // Lumen runs batches of 10 although the file declares batch 1; ONNX Runtime, which enforces it, one by one.
        for (int b = 0; b < images.Length; b += 10)
        {
            var batch = Torch.Stack(images[b..(b + 10)]);
            Tensor pre, features;
            using (Torch.NoGrad()) { pre = prep.Call(batch); features = net.Call(pre); }
            Assert.Equal(new[] { 10, 512, 1, 1 }, features.Shape.ToArray());
            for (int i = 0; i < 10; i++)
            {
                var ortPre = Ort.Run(ortPrep, ("OriginalInput", images[b + i].ToArray(), shape))[0];
                var ortFeatures = Ort.Run(ortNet, ("Input247", ortPre, shape))[0];
                worstPrep = Math.Max(worstPrep, MaxAbsDiff(pre.Select(0, i).ToArray(), ortPre));
                worstFeature = Math.Max(worstFeature, MaxAbsDiff(features.Select(0, i).ToArray(), ortFeatures));
            }
        }
        output.WriteLine($"max |Lumen − ONNX Runtime|: preprocessing {worstPrep:E2}, features {worstFeature:E2}");
        Assert.True(worstPrep <= 1e-4, $"preprocessing differs from ONNX Runtime by {worstPrep}");
        Assert.True(worstFeature <= 1e-4, $"features differ from ONNX Runtime by {worstFeature}");
    }

    /// <summary>The first n/2 cats and n/2 dogs (sorted by name), resized to 224×224, as RGB 0–255 (3, 224, 224).</summary>
    internal static Tensor[] DogCatImages(int n)
    {
        var toTensor = new Compose(new Resize((224, 224)), new ToTensor());
        return new[] { "cat", "dog" }
            .SelectMany(c => Directory.GetFiles(Path.Combine(DogCat.Root!, c)).Order(StringComparer.Ordinal).Take(n / 2))
            .Select(f => toTensor.Forward<Tensor>(ImageCodec.Load(f)).Mul(255f))
            .ToArray();
    }

    internal static double MaxAbsDiff(float[] a, float[] b)
    {
        Assert.Equal(a.Length, b.Length);
        double worst = 0;
        for (int i = 0; i < a.Length; i++) worst = Math.Max(worst, Math.Abs(a[i] - b[i]));
        return worst;
    }
}
