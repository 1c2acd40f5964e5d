using Lumen.Vision.Codecs;

namespace Lumen.Vision.Utils;

/// <summary>Turning tensors back into pictures: de-normalise (seed 002's <c>imshow</c>: x·std + mean, clipped to [0, 1]) and
/// save as PNG.</summary>
public static class ImageUtils
{
    /// <summary>A float image tensor (C, H, W) with values in [0, 1] → an 8-bit image (values clipped, × 255, rounded).</summary>
    public static Image ToImage(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        var t = tensor.Ndim == 2 ? tensor.Unsqueeze(0) : tensor;
        if (t.Ndim != 3 || t.Size(0) is < 1 or > 4) throw new ShapeMismatchException($"ToImage: expected an image tensor (C, H, W) with 1 to 4 channels, got {tensor.Shape}.");
        if (t.DType == DType.UInt8) return Transforms.TF.ToPILImage(t);
        int c = t.Size(0), h = t.Size(1), w = t.Size(2), hw = h * w;
        var d = t.ToArray<float>();
        var img = new Image(w, h, c);
        for (int ch = 0; ch < c; ch++)
            for (int i = 0; i < hw; i++)
            {
                float v = d[ch * hw + i];
                v = float.IsNaN(v) ? 0 : Math.Clamp(v, 0f, 1f);
                img.Pixels[i * c + ch] = (byte)MathF.Round(v * 255f);
            }
        return img;
    }

    /// <summary>Undoes <c>Normalize(mean, std)</c>: x·std[c] + mean[c], clipped to [0, 1], as an 8-bit image.</summary>
    public static Image Denormalize(Tensor tensor, IReadOnlyList<float> mean, IReadOnlyList<float> std)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (tensor.Ndim != 3) throw new ShapeMismatchException($"Denormalize: expected an image tensor (C, H, W), got {tensor.Shape}.");
        int c = tensor.Size(0);
        if ((mean.Count != 1 && mean.Count != c) || (std.Count != 1 && std.Count != c))
            throw new ShapeMismatchException($"Denormalize: mean ({mean.Count}) and std ({std.Count}) must have 1 or C = {c} values (input {tensor.Shape}).");
        var m = Torch.Tensor(Enumerable.Range(0, c).Select(i => mean[mean.Count == 1 ? 0 : i]).ToArray()).Reshape(c, 1, 1);
        var s = Torch.Tensor(Enumerable.Range(0, c).Select(i => std[std.Count == 1 ? 0 : i]).ToArray()).Reshape(c, 1, 1);
        using (Autograd.Autograd.NoGrad()) return ToImage(tensor.Detach().Mul(s).Add(m));
    }

    /// <summary>Saves a float image tensor (C, H, W) in [0, 1] as a PNG file.</summary>
    public static void SavePng(Tensor tensor, string path) => Png.Save(ToImage(tensor), path);

    /// <summary>De-normalises a tensor and saves it as a PNG file (seed 002's imshow, to a file).</summary>
    public static void SaveDenormalized(Tensor tensor, IReadOnlyList<float> mean, IReadOnlyList<float> std, string path) =>
        Png.Save(Denormalize(tensor, mean, std), path);
}
