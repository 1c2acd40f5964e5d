using Lumen.Vision.Codecs;

namespace Lumen.Vision.Transforms;

/// <summary>Functional transforms, torchvision's <c>transforms.functional</c> (imported as TF): the deterministic
/// operations the transform classes use, on <see cref="Image"/>s (PIL's results, byte for byte) and, where torchvision
/// has them, on tensors (…, C, H, W).</summary>
public static class TF
{
    // ------------------------------------------------------------------ conversion

    /// <summary>HWC bytes → CHW float32 in [0, 1] (each byte / 255), torchvision's <c>to_tensor</c>.</summary>
    public static Tensor ToTensor(Image image)
    {
        ArgumentNullException.ThrowIfNull(image);
        int c = image.Channels, hw = image.Width * image.Height;
        var data = new float[c * hw];
        var px = image.Pixels;
        if (c == 1)
            for (int i = 0; i < hw; i++) data[i] = px[i] / 255f;
        else
            for (int i = 0; i < hw; i++)
                for (int ch = 0; ch < c; ch++) data[ch * hw + i] = px[i * c + ch] / 255f;
        return Torch.FromArray(data, c, image.Height, image.Width);
    }

    /// <summary>HWC bytes → CHW uint8, torchvision's <c>pil_to_tensor</c>.</summary>
    public static Tensor PILToTensor(Image image)
    {
        ArgumentNullException.ThrowIfNull(image);
        int c = image.Channels, hw = image.Width * image.Height;
        var data = new byte[c * hw];
        for (int i = 0; i < hw; i++)
            for (int ch = 0; ch < c; ch++) data[ch * hw + i] = image.Pixels[i * c + ch];
        return Torch.FromArray(data, c, image.Height, image.Width);
    }

    /// <summary>A (C, H, W) or (H, W) tensor → image, torchvision's <c>to_pil_image</c>: float values are multiplied by 255 and
    /// truncated to bytes (<c>pic.mul(255).byte()</c>); uint8 tensors are taken as they are. C must be 1–4.</summary>
    public static Image ToPILImage(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        var t = tensor.Ndim == 2 ? tensor.Unsqueeze(0) : tensor;
        if (t.Ndim != 3) throw new ShapeMismatchException($"to_pil_image: expected a (C, H, W) or (H, W) tensor, got shape {tensor.Shape}.");
        int c = t.Size(0), h = t.Size(1), w = t.Size(2);
        if (c < 1 || c > 4) throw new ShapeMismatchException($"to_pil_image: expected 1 to 4 channels, got shape {tensor.Shape}.");
        byte[] chw;
        if (t.DType == DType.UInt8) chw = t.ToArray<byte>();
        else if (t.DType == DType.Float32)
        {
            var f = t.ToArray<float>();
            chw = new byte[f.Length];
            for (int i = 0; i < f.Length; i++) chw[i] = unchecked((byte)(long)(f[i] * 255f));
        }
        else throw new ArgumentException($"to_pil_image: unsupported dtype {t.DType.TorchName()}.");
        var img = new Image(w, h, c);
        int hw = h * w;
        for (int i = 0; i < hw; i++)
            for (int ch = 0; ch < c; ch++) img.Pixels[i * c + ch] = chw[ch * hw + i];
        return img;
    }

    /// <summary>(x − mean[c]) / std[c] per channel of a float (…, C, H, W) tensor, in float32 as torchvision's <c>normalize</c>
    /// (<c>tensor.sub_(mean).div_(std)</c>). Returns a new tensor unless <paramref name="inplace"/>.</summary>
    public static Tensor Normalize(Tensor tensor, IReadOnlyList<float> mean, IReadOnlyList<float> std, bool inplace = false)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (tensor.DType != DType.Float32) throw new ArgumentException($"normalize: input tensor should be a float tensor, got {tensor.DType.TorchName()}.");
        if (tensor.Ndim < 3) throw new ShapeMismatchException($"normalize: expected a tensor image of size (..., C, H, W), got {tensor.Shape}.");
        int c = tensor.Size(-3), hw = tensor.Size(-1) * tensor.Size(-2);
        if ((mean.Count != 1 && mean.Count != c) || (std.Count != 1 && std.Count != c))
            throw new ShapeMismatchException($"normalize: mean ({mean.Count} values) and std ({std.Count} values) must have 1 or C = {c} values (input {tensor.Shape}).");
        foreach (var s in std)
            if (s == 0) throw new ArgumentException($"normalize: std evaluated to zero after conversion to float32, leading to division by zero (std = [{string.Join(", ", std)}]).");
        var r = inplace && tensor.IsContiguous() ? tensor : tensor.Contiguous();
        if (!inplace && ReferenceEquals(r, tensor)) r = tensor.Clone();
        var d = r.AsSpan<float>();
        for (int i = 0, n = d.Length / hw; i < n; i++)
        {
            int ch = i % c;
            float m = mean[mean.Count == 1 ? 0 : ch], s = std[std.Count == 1 ? 0 : ch];
            var plane = d.Slice(i * hw, hw);
            for (int k = 0; k < plane.Length; k++) plane[k] = (plane[k] - m) / s;
        }
        if (inplace && !ReferenceEquals(r, tensor)) tensor.Copy_(r);
        return inplace ? tensor : r;
    }

    // ------------------------------------------------------------------ geometry

    /// <summary>torchvision's <c>_compute_resized_output_size</c>: an int size scales the shorter edge to it (the longer one
    /// to int(size · long / short)); <paramref name="maxSize"/> caps the longer edge.</summary>
    public static (int Height, int Width) ResizedSize(int height, int width, int size, int? maxSize = null)
    {
        bool wShort = width <= height;
        int shortE = wShort ? width : height, longE = wShort ? height : width;
        int newShort = size, newLong = (int)(size * (double)longE / shortE);
        if (maxSize is int m)
        {
            if (m <= size) throw new ArgumentException($"resize: max_size = {m} must be strictly greater than the requested size for the smaller edge size = {size}.");
            if (newLong > m) { newShort = (int)(m * (double)newShort / newLong); newLong = m; }
        }
        return wShort ? (newLong, newShort) : (newShort, newLong);
    }

    /// <summary>Resizes to exactly (height, width) with PIL's filter (bilinear/bicubic antialiased as PIL does),
    /// torchvision's <c>resize(img, [h, w])</c>.</summary>
    public static Image Resize(Image image, int height, int width, InterpolationMode interpolation = InterpolationMode.Bilinear)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (height == image.Height && width == image.Width) return image;
        return PilOps.Resize(image, width, height, interpolation);
    }

    /// <summary>The (height, width) region at (top, left) (zero outside the image), torchvision's <c>crop</c>.</summary>
    public static Image Crop(Image image, int top, int left, int height, int width) => PilOps.Crop(image, top, left, height, width);

    /// <summary>The (height, width) region at (top, left) of a (…, H, W) tensor (zero outside), torchvision's <c>crop</c>.</summary>
    public static Tensor Crop(Tensor tensor, int top, int left, int height, int width)
    {
        int h = tensor.Size(-2), w = tensor.Size(-1);
        return MapSpatial(tensor, height, width, y => y + top < 0 || y + top >= h ? -1 : y + top, x => x + left < 0 || x + left >= w ? -1 : x + left, 0);
    }

    /// <summary>The centred (height, width) crop (zero-padded when larger than the image), torchvision's <c>center_crop</c>.</summary>
    public static Image CenterCrop(Image image, int height, int width)
    {
        var (top, left) = CenterOffsets(image.Height, image.Width, height, width);
        return PilOps.Crop(image, top, left, height, width);
    }

    /// <inheritdoc cref="CenterCrop(Image, int, int)"/>
    public static Tensor CenterCrop(Tensor tensor, int height, int width)
    {
        var (top, left) = CenterOffsets(tensor.Size(-2), tensor.Size(-1), height, width);
        return Crop(tensor, top, left, height, width);
    }

    private static (int, int) CenterOffsets(int ih, int iw, int ch, int cw)
    {
        // torchvision pads first (left/top get the floor half), then crops at round((size - crop) / 2) (half to even).
        int padL = cw > iw ? (cw - iw) / 2 : 0, padT = ch > ih ? (ch - ih) / 2 : 0;
        int padR = cw > iw ? (cw - iw + 1) / 2 : 0, padB = ch > ih ? (ch - ih + 1) / 2 : 0;
        int ph = ih + padT + padB, pw = iw + padL + padR;
        int top = (int)Math.Round((ph - ch) / 2.0, MidpointRounding.ToEven) - padT;
        int left = (int)Math.Round((pw - cw) / 2.0, MidpointRounding.ToEven) - padL;
        return (top, left);
    }

    /// <summary>Pads the borders, torchvision's <c>pad(img, [left, top, right, bottom], fill, padding_mode)</c>.</summary>
    public static Image Pad(Image image, int left, int top, int right, int bottom, byte fill = 0, PaddingMode mode = PaddingMode.Constant) =>
        PilOps.Pad(image, left, top, right, bottom, mode, new[] { fill });

    /// <inheritdoc cref="Pad(Image, int, int, int, int, byte, PaddingMode)"/>
    public static Tensor Pad(Tensor tensor, int left, int top, int right, int bottom, double fill = 0, PaddingMode mode = PaddingMode.Constant)
    {
        int h = tensor.Size(-2), w = tensor.Size(-1);
        return MapSpatial(tensor, h + top + bottom, w + left + right, y => PilOps.MapIndex(y - top, h, mode), x => PilOps.MapIndex(x - left, w, mode), (float)fill);
    }

    /// <summary>Mirror left–right, torchvision's <c>hflip</c>.</summary>
    public static Image HFlip(Image image) => PilOps.Flip(image, horizontal: true);

    /// <inheritdoc cref="HFlip(Image)"/>
    public static Tensor HFlip(Tensor tensor) => tensor.Flip(-1).Contiguous();

    /// <summary>Mirror top–bottom, torchvision's <c>vflip</c>.</summary>
    public static Image VFlip(Image image) => PilOps.Flip(image, horizontal: false);

    /// <inheritdoc cref="VFlip(Image)"/>
    public static Tensor VFlip(Tensor tensor) => tensor.Flip(-2).Contiguous();

    /// <summary>Rotates by <paramref name="angle"/> degrees counter-clockwise about the centre (nearest neighbour, same size,
    /// <paramref name="fill"/> outside), torchvision's <c>rotate(img, angle)</c> through PIL's <c>Image.rotate</c>.</summary>
    public static Image Rotate(Image image, double angle, byte fill = 0) =>
        PilOps.Rotate(image, angle, Enumerable.Repeat(fill, image.Channels).ToArray());

    /// <summary>Affine transform about the centre (rotation <paramref name="angle"/> degrees, integer translation, scale, shear
    /// degrees), nearest neighbour, torchvision's <c>affine(img, angle, translate, scale, shear)</c> on a PIL image.</summary>
    public static Image Affine(Image image, double angle, (int X, int Y) translate, double scale, (double X, double Y) shear, byte fill = 0)
    {
        if (!(scale > 0)) throw new ArgumentException($"affine: scale ({scale}) must be positive.");
        var m = InverseAffineMatrix(image.Width * 0.5, image.Height * 0.5, angle, translate.X, translate.Y, scale, shear.X, shear.Y);
        return PilOps.AffineNearest(image, image.Width, image.Height, m, Enumerable.Repeat(fill, image.Channels).ToArray());
    }

    /// <summary>torchvision's <c>_get_inverse_affine_matrix</c> (output → input coordinates, 2×3 row-major).</summary>
    internal static double[] InverseAffineMatrix(double cx, double cy, double angle, double tx, double ty, double scale, double shearX, double shearY)
    {
        const double DegToRad = Math.PI / 180.0;
        double rot = angle * DegToRad, sx = shearX * DegToRad, sy = shearY * DegToRad;
        double a = Math.Cos(rot - sy) / Math.Cos(sy);
        double b = -Math.Cos(rot - sy) * Math.Tan(sx) / Math.Cos(sy) - Math.Sin(rot);
        double c = Math.Sin(rot - sy) / Math.Cos(sy);
        double d = -Math.Sin(rot - sy) * Math.Tan(sx) / Math.Cos(sy) + Math.Cos(rot);
        var m = new[] { d, -b, 0.0, -c, a, 0.0 };
        for (int i = 0; i < 6; i++) m[i] /= scale;
        m[2] += m[0] * (-cx - tx) + m[1] * (-cy - ty);
        m[5] += m[3] * (-cx - tx) + m[4] * (-cy - ty);
        m[2] += cx;
        m[5] += cy;
        return m;
    }

    // ------------------------------------------------------------------ colour

    /// <summary>PIL's <c>convert("L")</c> (ITU-R 601-2 luma), as 1 or 3 channels, torchvision's <c>rgb_to_grayscale</c>.</summary>
    public static Image RgbToGrayscale(Image image, int numOutputChannels = 1)
    {
        if (numOutputChannels is not (1 or 3)) throw new ArgumentException($"rgb_to_grayscale: num_output_channels should be either 1 or 3, got {numOutputChannels}.");
        var g = PilOps.ToGray(image);
        return numOutputChannels == 1 ? g : PilOps.GrayTo(g, 3);
    }

    /// <summary>Blends with black by <paramref name="factor"/> (0 black, 1 original), torchvision's <c>adjust_brightness</c>
    /// (PIL's ImageEnhance.Brightness).</summary>
    public static Image AdjustBrightness(Image image, double factor)
    {
        CheckFactor(factor, "brightness");
        return PilOps.Blend(new Image(image.Width, image.Height, image.Channels), image, factor);
    }

    /// <summary>Blends with the mean gray level, torchvision's <c>adjust_contrast</c> (PIL's ImageEnhance.Contrast).</summary>
    public static Image AdjustContrast(Image image, double factor)
    {
        CheckFactor(factor, "contrast");
        var gray = PilOps.ToGray(image);
        long sum = 0;
        foreach (var v in gray.Pixels) sum += v;
        int mean = (int)((double)sum / gray.Pixels.Length + 0.5);
        var degenerate = new Image(image.Width, image.Height, 1);
        Array.Fill(degenerate.Pixels, (byte)mean);
        var deg = PilOps.GrayTo(degenerate, image.Channels);
        CopyAlpha(image, deg);
        return PilOps.Blend(deg, image, factor);
    }

    /// <summary>Blends with the grayscale image, torchvision's <c>adjust_saturation</c> (PIL's ImageEnhance.Color).</summary>
    public static Image AdjustSaturation(Image image, double factor)
    {
        CheckFactor(factor, "saturation");
        var deg = PilOps.GrayTo(PilOps.ToGray(image), image.Channels);
        CopyAlpha(image, deg);
        return PilOps.Blend(deg, image, factor);
    }

    /// <summary>Shifts the hue by <paramref name="hueFactor"/> ∈ [−0.5, 0.5] of a turn, torchvision's <c>adjust_hue</c> on a PIL
    /// image: HSV with PIL's conversion, H += uint8(hueFactor · 255) modulo 256. Gray images are returned unchanged.</summary>
    public static Image AdjustHue(Image image, double hueFactor)
    {
        if (!(hueFactor >= -0.5 && hueFactor <= 0.5)) throw new ArgumentException($"adjust_hue: hue_factor ({hueFactor}) is not in [-0.5, 0.5].");
        if (image.Channels < 3) return image;
        // np.uint8(hue_factor * 255): a C float → uint8 cast, which wraps negative values through int on x86-64.
        byte shift = unchecked((byte)(int)(hueFactor * 255));
        int c = image.Channels;
        var dst = new Image(image.Width, image.Height, c);
        var s = image.Pixels; var d = dst.Pixels;
        for (int i = 0; i < s.Length; i += c)
        {
            PilOps.RgbToHsv(s[i], s[i + 1], s[i + 2], out var h, out var sat, out var v);
            h = unchecked((byte)(h + shift));
            PilOps.HsvToRgb(h, sat, v, out d[i], out d[i + 1], out d[i + 2]);
            if (c == 4) d[i + 3] = 255; // PIL's HSV → RGBA conversion drops alpha to opaque
        }
        return dst;
    }

    private static void CheckFactor(double f, string what)
    {
        if (!(f >= 0)) throw new ArgumentException($"adjust_{what}: {what}_factor ({f}) is not non-negative.");
    }

    private static void CopyAlpha(Image from, Image to)
    {
        if (from.Channels is 2 or 4)
            for (int i = from.Channels - 1; i < from.Pixels.Length; i += from.Channels) to.Pixels[i] = from.Pixels[i];
    }

    // ------------------------------------------------------------------ tensors

    /// <summary>Sets the (h, w) region at (i, j) of a (…, C, H, W) tensor to <paramref name="value"/> (broadcast), torchvision's
    /// <c>erase</c>.</summary>
    public static Tensor Erase(Tensor tensor, int i, int j, int h, int w, Tensor value, bool inplace = false)
    {
        var t = inplace ? tensor : tensor.Clone();
        using (Autograd.Autograd.NoGrad())
            t[TensorIndex.Ellipsis, TensorIndex.Slice(i, i + h), TensorIndex.Slice(j, j + w)] = value;
        return t;
    }

    /// <summary>out[…, y, x] = in[…, rows(y), cols(x)], or <paramref name="fill"/> where a map gives −1.</summary>
    internal static Tensor MapSpatial(Tensor tensor, int outH, int outW, Func<int, int> rows, Func<int, int> cols, float fill)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (tensor.Ndim < 2) throw new ShapeMismatchException($"expected a tensor of shape (..., H, W), got {tensor.Shape}.");
        if (outH <= 0 || outW <= 0) throw new ArgumentException($"output size {outH}x{outW} must be positive.");
        int h = tensor.Size(-2), w = tensor.Size(-1), planes = tensor.Numel() / Math.Max(1, h * w);
        var shape = tensor.Shape.ToArray();
        shape[^2] = outH; shape[^1] = outW;
        var rmap = new int[outH]; for (int y = 0; y < outH; y++) rmap[y] = rows(y);
        var cmap = new int[outW]; for (int x = 0; x < outW; x++) cmap[x] = cols(x);
        var src = tensor.Contiguous();
        var dst = Torch.Empty(shape, tensor.DType);
        switch (tensor.DType)
        {
            case DType.Float32: Map(src.AsSpan<float>(), dst.AsSpan<float>(), planes, h, w, rmap, cmap, fill); break;
            case DType.UInt8: Map(src.AsSpan<byte>(), dst.AsSpan<byte>(), planes, h, w, rmap, cmap, (byte)fill); break;
            case DType.Int64: Map(src.AsSpan<long>(), dst.AsSpan<long>(), planes, h, w, rmap, cmap, (long)fill); break;
            default: Map(src.AsSpan<bool>(), dst.AsSpan<bool>(), planes, h, w, rmap, cmap, fill != 0); break;
        }
        return dst;
    }

    private static void Map<T>(Span<T> s, Span<T> d, int planes, int h, int w, int[] rmap, int[] cmap, T fill)
    {
        int oh = rmap.Length, ow = cmap.Length;
        for (int p = 0; p < planes; p++)
            for (int y = 0; y < oh; y++)
            {
                int sy = rmap[y];
                var drow = d.Slice((p * oh + y) * ow, ow);
                if (sy < 0) { drow.Fill(fill); continue; }
                var srow = s.Slice((p * h + sy) * w, w);
                for (int x = 0; x < ow; x++) drow[x] = cmap[x] < 0 ? fill : srow[cmap[x]];
            }
    }

    /// <summary>(…, H, W) of an Image or a tensor.</summary>
    internal static (int Height, int Width) Size(object input) => input switch
    {
        Image i => (i.Height, i.Width),
        Tensor t => (t.Size(-2), t.Size(-1)),
        _ => throw new ArgumentException("expected an Image or a Tensor."),
    };
}
