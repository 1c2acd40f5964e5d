using Lumen.Vision.Codecs;
using Lumen.Vision.Transforms;
using Xunit;
using static Lumen.Vision.Tests.TransformFixtures;

namespace Lumen.Vision.Tests.Transforms;

/// <summary>Random transforms after <c>Torch.ManualSeed(s)</c> against torchvision after <c>torch.manual_seed(s)</c>: the same
/// draws, so the same crops, flips, angles and factors, and the global stream left in the same place.</summary>
[Collection("GlobalRng")]
public class RandomTransformTests
{
    private static void Check(string name, Transform t, double tol, bool tensorInput = false)
    {
        var c = Case(name);
        var img = Input(c.GetProperty("input").GetString()!);
        Torch.ManualSeed(c.GetProperty("seed").GetInt64());
        int k = 0;
        foreach (var expected in c.GetProperty("outs").EnumerateArray())
        {
            var (shape, data) = TransformFixtures.Tensor(expected);
            var y = t.Forward(tensorInput ? TF.ToTensor(img) : img);
            var yt = y is Image im ? TF.PILToTensor(im) : (Tensor)y;
            Assert.True(shape.SequenceEqual(yt.Shape.ToArray()), $"{name} call {k}: shape {yt.Shape}, torchvision [{string.Join(", ", shape)}]");
            var got = yt.ToArray<float>();
            double worst = 0;
            for (int i = 0; i < data.Length; i++) worst = Math.Max(worst, Math.Abs(got[i] - data[i]));
            Assert.True(worst <= tol, $"{name} call {k}: max |diff| {worst} > {tol}");
            k++;
        }
        var (_, after) = TransformFixtures.Tensor(c.GetProperty("after"));
        Assert.Equal(after, Torch.Rand(2).ToArray());
    }

    [Fact] public void RandomCrop_with_reflect_padding() => Check("random_crop_reflect", new RandomCrop((20, 15), padding: 4, paddingMode: PaddingMode.Reflect), 0);
    [Fact] public void RandomCrop_pad_if_needed_with_fill() => Check("random_crop_pad_if_needed", new RandomCrop((35, 30), padIfNeeded: true, fill: 9), 0);
    [Fact] public void RandomCrop_on_a_tensor() => Check("random_crop_tensor", new RandomCrop(17, padding: 2), 0, tensorInput: true);
    [Fact] public void RandomHorizontalFlip_draws_torch_rand_1_per_call() => Check("random_hflip", new RandomHorizontalFlip(), 0);
    [Fact] public void RandomVerticalFlip_on_a_tensor() => Check("random_vflip_tensor", new RandomVerticalFlip(0.3), 0, tensorInput: true);
    [Fact] public void RandomResizedCrop_default_scale_and_ratio() => Check("random_resized_crop", new RandomResizedCrop(24), 1);
    [Fact] public void RandomResizedCrop_falls_back_to_the_central_crop() => Check("random_resized_crop_narrow", new RandomResizedCrop((16, 20), scale: (0.9, 1.0), ratio: (3.0, 4.0)), 1);
    [Fact] public void RandomRotation_45() => Check("random_rotation", new RandomRotation(45), 0);
    [Fact] public void RandomAffine_with_translate_scale_shear() => Check("random_affine", new RandomAffine(30, translate: (0.1, 0.2), scale: (0.8, 1.2), shear: 10), 0);
    [Fact] public void ColorJitter_all_four() => Check("color_jitter", new ColorJitter(0.4, 0.4, 0.4, 0.1), 0);
    [Fact] public void ColorJitter_brightness_and_hue() => Check("color_jitter_grad", new ColorJitter(brightness: 0.5, hue: 0.3), 0);
    [Fact] public void RandomErasing_with_zeros() => Check("random_erasing", new RandomErasing(p: 1.0), 0, tensorInput: true);
    [Fact] public void RandomErasing_with_normal_noise() => Check("random_erasing_random", new RandomErasing(p: 0.7, random: true), 1e-6, tensorInput: true);

    [Fact]
    public void A_private_generator_leaves_the_global_stream_alone()
    {
        Torch.ManualSeed(1);
        var expected = Torch.Rand(3).ToArray();
        Torch.ManualSeed(1);
        var t = new Compose(new RandomHorizontalFlip(generator: new Generator(5)), new RandomCrop(3, generator: new Generator(6)));
        for (int i = 0; i < 4; i++) t.Forward(new Image(5, 5, 3));
        Assert.Equal(expected, Torch.Rand(3).ToArray());
    }

    [Fact]
    public void Volume_transforms_flip_crop_and_scale_C_D_H_W_tensors()
    {
        var v = Torch.Arange(0, 2 * 4 * 5 * 6).Reshape(2, 4, 5, 6);
        var flipped = (Tensor)new RandomFlip3d(p: 1.0, axes: new[] { 0, 2 }).Forward(v);
        Assert.Equal(v.Flip(-3, -1).ToArray(), flipped.ToArray());
        Torch.ManualSeed(3);
        var crop = (Tensor)new RandomCrop3d((2, 3, 4)).Forward(v);
        Torch.ManualSeed(3);
        int k = (int)Torch.RandInt(0, 3, new[] { 1 }).Item<long>(), i = (int)Torch.RandInt(0, 3, new[] { 1 }).Item<long>(), j = (int)Torch.RandInt(0, 3, new[] { 1 }).Item<long>();
        Assert.Equal(new Shape(2, 2, 3, 4), crop.Shape);
        Assert.Equal(v.Narrow(1, k, 2).Narrow(2, i, 3).Narrow(3, j, 4).ToArray(), crop.ToArray());
        Torch.ManualSeed(4);
        var scaled = (Tensor)new RandomIntensityScale((0.5, 1.5)).Forward(v);
        Torch.ManualSeed(4);
        float f = Torch.Empty(1).Uniform_(0.5, 1.5).Item();
        Assert.Equal(v.Mul(f).ToArray(), scaled.ToArray());
        var shifted = (Tensor)new RandomIntensityShift((-0.1, 0.1), generator: new Generator(2)).Forward(v);
        float s = Torch.Empty(1).Uniform_(-0.1, 0.1, new Generator(2)).Item();
        Assert.Equal(v.Add(s).ToArray(), shifted.ToArray());
        Assert.Throws<ShapeMismatchException>(() => new RandomFlip3d().Forward(Torch.Zeros(3, 4, 4)));
    }
}
