using Lumen.Vision.Codecs;

namespace Lumen.Vision.Utils;

/// <summary>Turning tensors back into pictures, torchvision's <c>utils</c>: tile a batch (<see cref="MakeGrid(Tensor, int, int, bool, ValueTuple{float, float}?, bool, float)"/>),
/// de-normalise (seed 002's <c>imshow</c>: x·std + mean, clipped to [0, 1]) and save as PNG.</summary>
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

    /// <summary>
    /// Tiles a batch of images into one image tensor, torchvision's <c>utils.make_grid</c>: <paramref name="tensor"/> is
    /// (B, C, H, W) (or one (C, H, W) / (H, W) image); one-channel images are repeated to three channels; the result is
    /// (C, rows·(H + padding) + padding, cols·(W + padding) + padding) with <paramref name="nrow"/> images per row on a
    /// background of <paramref name="padValue"/>. With <paramref name="normalize"/> the values are first clamped to
    /// <paramref name="valueRange"/> (default: the batch's min and max, or each image's with <paramref name="scaleEach"/>)
    /// and shifted and scaled to [0, 1]. A batch of one returns that image (normalised) without padding, as torchvision.
    /// </summary>
    public static Tensor MakeGrid(Tensor tensor, int nrow = 8, int padding = 2, bool normalize = false,
                                  (float Low, float High)? valueRange = null, bool scaleEach = false, float padValue = 0f)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (nrow < 1 || padding < 0) throw new ArgumentException($"MakeGrid: nrow ({nrow}) must be positive and padding ({padding}) non-negative.");
        var t = tensor.Detach().To(DType.Float32);
        if (t.Ndim == 2) t = t.Unsqueeze(0);
        if (t.Ndim == 3)
        {
            if (t.Size(0) == 1) t = Torch.Cat(new[] { t, t, t }, 0);
            t = t.Unsqueeze(0);
        }
        if (t.Ndim != 4) throw new ShapeMismatchException($"MakeGrid: expected (B, C, H, W), (C, H, W) or (H, W), got {tensor.Shape}.");
        if (t.Size(1) == 1) t = Torch.Cat(new[] { t, t, t }, 1);
        int b = t.Size(0), c = t.Size(1), h = t.Size(2), w = t.Size(3);
        var data = t.ToArray<float>();   // a copy: normalising never touches the caller's tensor
        if (normalize)
        {
            int per = c * h * w;
            if (scaleEach) for (int k = 0; k < b; k++) NormalizeRange(data.AsSpan(k * per, per), valueRange);
            else NormalizeRange(data, valueRange);
        }
        if (b == 1) return Torch.Tensor(data, c, h, w);
        int cols = Math.Min(nrow, b), rows = (b + cols - 1) / cols;
        int cellH = h + padding, cellW = w + padding;
        int gh = cellH * rows + padding, gw = cellW * cols + padding;
        var grid = new float[c * gh * gw];
        Array.Fill(grid, padValue);
        for (int k = 0; k < b; k++)
        {
            int oy = (k / cols) * cellH + padding, ox = (k % cols) * cellW + padding;
            for (int ch = 0; ch < c; ch++)
                for (int y = 0; y < h; y++)
                    data.AsSpan(((k * c + ch) * h + y) * w, w).CopyTo(grid.AsSpan((ch * gh + oy + y) * gw + ox, w));
        }
        return Torch.Tensor(grid, c, gh, gw);
    }

    /// <summary>torchvision's <c>make_grid</c> of a list of equally shaped images (stacked first).</summary>
    public static Tensor MakeGrid(IReadOnlyList<Tensor> images, int nrow = 8, int padding = 2, bool normalize = false,
                                  (float Low, float High)? valueRange = null, bool scaleEach = false, float padValue = 0f)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.Count == 0) throw new ArgumentException("MakeGrid: no images.");
        return MakeGrid(Torch.Stack(images), nrow, padding, normalize, valueRange, scaleEach, padValue);
    }

    /// <summary>torchvision's <c>norm_ip</c>: clamp to [low, high], subtract low, divide by max(high − low, 1e-5) (the
    /// range is a Python float, the arithmetic float32 as in PyTorch).</summary>
    private static void NormalizeRange(Span<float> v, (float Low, float High)? range)
    {
        float low, high;
        if (range is { } r) (low, high) = r;
        else
        {
            low = float.PositiveInfinity; high = float.NegativeInfinity;
            foreach (var x in v) { if (x < low) low = x; if (x > high) high = x; }
        }
        float div = (float)Math.Max((double)high - low, 1e-5);
        for (int i = 0; i < v.Length; i++) v[i] = (Math.Clamp(v[i], low, high) - low) / div;
    }

    /// <summary>Saves a float image tensor (C, H, W) in [0, 1] as a PNG file.</summary>
    public static void SavePng(Tensor tensor, string path) => Png.Save(ToImage(tensor), path);

    /// <summary>De-normalises a tensor and saves it as a PNG file (seed 002's imshow, to a file).</summary>
    public static void SaveDenormalized(Tensor tensor, IReadOnlyList<float> mean, IReadOnlyList<float> std, string path) =>
        Png.Save(Denormalize(tensor, mean, std), path);
}
