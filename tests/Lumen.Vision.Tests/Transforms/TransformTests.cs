using System.Text.Json;
using Lumen.Vision.Codecs;
using Lumen.Vision.Transforms;
using Xunit;
using static Lumen.Vision.Tests.TransformFixtures;

namespace Lumen.Vision.Tests.Transforms;

/// <summary>Transforms against torchvision 0.14 on PIL 9.4 images (fixtures from tests/Fixtures/gen_transforms.py).</summary>
public class TransformTests
{
    /// <summary>Compares a result (Image or tensor) with a fixture tensor: shapes equal, every value within <paramref name="tol"/>.</summary>
    private static void AssertMatches(JsonElement expected, object actual, double tol, string what)
    {
        var (shape, data) = TransformFixtures.Tensor(expected);
        float[] got;
        int[] gotShape;
        if (actual is Image img)
        {
            var t = TF.PILToTensor(img);
            gotShape = t.Shape.ToArray();
            got = t.ToArray<float>();
        }
        else
        {
            var t = (Tensor)actual;
            gotShape = t.Shape.ToArray();
            got = t.ToArray<float>();
        }
        Assert.True(shape.SequenceEqual(gotShape), $"{what}: shape [{string.Join(", ", gotShape)}], torchvision [{string.Join(", ", shape)}]");
        double worst = 0;
        int at = -1;
        for (int i = 0; i < data.Length; i++)
        {
            double d = Math.Abs(data[i] - got[i]);
            if (d > worst) { worst = d; at = i; }
        }
        Assert.True(worst <= tol, $"{what}: max |diff| {worst} at {at} (torchvision {(at >= 0 ? data[at] : 0)}, Lumen {(at >= 0 ? got[at] : 0)}) exceeds {tol}");
    }

    private static object Run(string name, Func<Image, object> f) => f(Input(Case(name).GetProperty("input").GetString()!));

    // Deterministic geometry and colour: PIL's integer arithmetic reproduced, so the bytes are equal.
    [Theory]
    [InlineData("resize_bilinear_down")]
    [InlineData("resize_bilinear_up")]
    [InlineData("resize_bilinear_mixed")]
    [InlineData("resize_int")]
    [InlineData("resize_gray")]
    [InlineData("resize_bicubic")]
    [InlineData("resize_nearest_down")]
    [InlineData("resize_nearest_up")]
    [InlineData("center_crop")]
    [InlineData("center_crop_even")]
    [InlineData("center_crop_big")]
    [InlineData("pad_constant")]
    [InlineData("pad_edge")]
    [InlineData("pad_reflect")]
    [InlineData("pad_symmetric")]
    [InlineData("hflip")]
    [InlineData("vflip")]
    [InlineData("grayscale1")]
    [InlineData("grayscale3")]
    [InlineData("rotate_33")]
    [InlineData("rotate_m120")]
    [InlineData("rotate_90_square")]
    [InlineData("rotate_90_rect")]
    [InlineData("affine")]
    [InlineData("affine_scale_only")]
    [InlineData("brightness_07")]
    [InlineData("brightness_16")]
    [InlineData("contrast_05")]
    [InlineData("contrast_18")]
    [InlineData("saturation_03")]
    [InlineData("saturation_19")]
    [InlineData("hue_02")]
    [InlineData("hue_m03")]
    public void Deterministic_transform_matches_torchvision_exactly(string name)
    {
        Func<Image, object> f = name switch
        {
            "resize_bilinear_down" => i => new Resize((13, 17)).Forward(i),
            "resize_bilinear_up" => i => new Resize((50, 61)).Forward(i),
            "resize_bilinear_mixed" => i => new Resize((23, 71)).Forward(i),
            "resize_int" => i => new Resize(20).Forward(i),
            "resize_gray" => i => new Resize((11, 40)).Forward(i),
            "resize_bicubic" => i => new Resize((20, 15), InterpolationMode.Bicubic).Forward(i),
            "resize_nearest_down" => i => new Resize((13, 17), InterpolationMode.Nearest).Forward(i),
            "resize_nearest_up" => i => new Resize((50, 61), InterpolationMode.Nearest).Forward(i),
            "center_crop" => i => new CenterCrop((20, 15)).Forward(i),
            "center_crop_even" => i => new CenterCrop(21).Forward(i),
            "center_crop_big" => i => new CenterCrop((40, 44)).Forward(i),
            "pad_constant" => i => TF.Pad(i, 3, 2, 4, 5, 7, PaddingMode.Constant),
            "pad_edge" => i => TF.Pad(i, 3, 2, 4, 5, 7, PaddingMode.Edge),
            "pad_reflect" => i => TF.Pad(i, 3, 2, 4, 5, 7, PaddingMode.Reflect),
            "pad_symmetric" => i => TF.Pad(i, 3, 2, 4, 5, 7, PaddingMode.Symmetric),
            "hflip" => i => TF.HFlip(i),
            "vflip" => i => TF.VFlip(i),
            "grayscale1" => i => new Grayscale(1).Forward(i),
            "grayscale3" => i => new Grayscale(3).Forward(i),
            "rotate_33" => i => TF.Rotate(i, 33.3),
            "rotate_m120" => i => TF.Rotate(i, -120.0),
            "rotate_90_square" => i => TF.Rotate(i, 90.0),
            "rotate_90_rect" => i => TF.Rotate(i, 90.0),
            "affine" => i => TF.Affine(i, 20.0, (2, -3), 1.2, (10.0, 5.0)),
            "affine_scale_only" => i => TF.Affine(i, 0.0, (0, 0), 0.7, (0.0, 0.0)),
            "brightness_07" => i => TF.AdjustBrightness(i, 0.7),
            "brightness_16" => i => TF.AdjustBrightness(i, 1.6),
            "contrast_05" => i => TF.AdjustContrast(i, 0.5),
            "contrast_18" => i => TF.AdjustContrast(i, 1.8),
            "saturation_03" => i => TF.AdjustSaturation(i, 0.3),
            "saturation_19" => i => TF.AdjustSaturation(i, 1.9),
            "hue_02" => i => TF.AdjustHue(i, 0.2),
            "hue_m03" => i => TF.AdjustHue(i, -0.3),
            _ => throw new ArgumentException(name),
        };
        AssertMatches(Case(name).GetProperty("out"), Run(name, f), 0, name);
    }

    [Fact]
    public void ToTensor_and_Normalize_match_torchvision_exactly()
    {
        var c = Case("to_tensor_normalize");
        var img = Input("noise");
        var x = (Tensor)new ToTensor().Forward(img);
        AssertMatches(c.GetProperty("to_tensor"), x, 0, "to_tensor");
        var mean = c.GetProperty("mean").EnumerateArray().Select(v => (float)v.GetDouble()).ToArray();
        var std = c.GetProperty("std").EnumerateArray().Select(v => (float)v.GetDouble()).ToArray();
        AssertMatches(c.GetProperty("normalized"), new Normalize(mean, std).Forward(x), 0, "normalize");
        Assert.Equal(x.ToArray(), TF.ToTensor(img).ToArray()); // not modified in place
    }

    [Fact]
    public void Resize_ToTensor_Normalize_pipeline_matches_torchvision_within_1_over_255_per_pixel()
    {
        var pipeline = new Compose(new Resize(24), new ToTensor(), new Normalize(new[] { 0.485f, 0.456f, 0.406f }, new[] { 0.229f, 0.224f, 0.225f }));
        // A 1/255 step of the resized image becomes 1/(255·std) after Normalize.
        AssertMatches(Case("dogcat_pipeline").GetProperty("out"), pipeline.Forward(Input("grad")), 1.0 / 255 / 0.224 + 1e-6, "pipeline");
    }

    [Fact]
    public void PILToTensor_keeps_bytes_in_CHW_order()
    {
        var img = new Image(2, 1, 3, new byte[] { 1, 2, 3, 4, 5, 6 });
        var t = (Tensor)new PILToTensor().Forward(img);
        Assert.Equal(DType.UInt8, t.DType);
        Assert.Equal(new Shape(3, 1, 2), t.Shape);
        Assert.Equal(new byte[] { 1, 4, 2, 5, 3, 6 }, t.ToArray<byte>());
        Assert.Equal(img.Pixels, TF.ToPILImage(t).Pixels);
    }

    [Fact]
    public void Transforms_print_torchvisions_repr()
    {
        Assert.Equal("RandomHorizontalFlip(p=0.5)", new RandomHorizontalFlip().ToString());
        Assert.Equal("Normalize(mean=[0.5, 0.25], std=[1.0, 2.0])", new Normalize(new[] { 0.5f, 0.25f }, new[] { 1f, 2f }).ToString());
        Assert.Equal("CenterCrop(size=(224, 224))", new CenterCrop(224).ToString());
        Assert.StartsWith("Compose(\n    ToTensor()\n", new Compose(new ToTensor(), new Grayscale()).ToString());
    }

    [Fact]
    public void Wrong_input_kinds_are_explained()
    {
        var e = Assert.Throws<NotSupportedException>(() => new Normalize(new[] { 0f }, new[] { 1f }).Forward(new Image(2, 2, 1)));
        Assert.Contains("ToTensor", e.Message);
        Assert.Throws<ArgumentException>(() => new Normalize(new[] { 0f }, new[] { 0f }).Forward(Torch.Zeros(1, 2, 2)));
        Assert.Throws<ShapeMismatchException>(() => new Normalize(new[] { 0f, 0f }, new[] { 1f, 1f }).Forward(Torch.Zeros(3, 2, 2)));
        Assert.Throws<ArgumentException>(() => new RandomCrop(10).Forward(new Image(5, 5, 1)));
    }
}
