namespace Lumen.Vision.Transforms;

/// <summary>Erases a random rectangle of a tensor image with probability p, torchvision's <c>transforms.RandomErasing(p=0.5,
/// scale=(0.02, 0.33), ratio=(0.3, 3.3), value=0, inplace=False)</c>, with its draws in order: <c>torch.rand(1) &lt; p</c>, then up
/// to ten (area, log-aspect) tries, the random fill (with <c>random: true</c>) and the position.</summary>
public sealed class RandomErasing : Transform
{
    private readonly Generator? _g;
    private readonly float[]? _value;

    public double P { get; }
    public (double Min, double Max) Scale { get; }
    public (double Min, double Max) Ratio { get; }
    public bool Inplace { get; }

    /// <param name="p">probability of erasing.</param>
    /// <param name="scale">range of the erased area as a fraction of the image.</param>
    /// <param name="ratio">range of the aspect ratio (height / width) of the erased area.</param>
    /// <param name="value">fill: one value, or one per channel; ignored when <paramref name="random"/>.</param>
    /// <param name="random">fill with N(0, 1) noise, torchvision's <c>value="random"</c>.</param>
    /// <param name="inplace">erase in the input tensor.</param>
    /// <param name="generator">generator to draw from; the global one when null.</param>
    public RandomErasing(double p = 0.5, (double Min, double Max)? scale = null, (double Min, double Max)? ratio = null,
        float[]? value = null, bool random = false, bool inplace = false, Generator? generator = null)
    {
        if (!(p >= 0 && p <= 1)) throw new ArgumentException($"RandomErasing: probability p ({p}) should be between 0 and 1.");
        P = p;
        Scale = scale ?? (0.02, 0.33);
        Ratio = ratio ?? (0.3, 3.3);
        if (Scale.Min > Scale.Max || Ratio.Min > Ratio.Max) throw new ArgumentException("RandomErasing: scale and ratio should be of kind (min, max).");
        if (Scale.Min < 0 || Scale.Max > 1) throw new ArgumentException("RandomErasing: scale should be between 0 and 1.");
        _value = random ? null : value ?? new[] { 0f };
        Inplace = inplace;
        _g = generator;
    }

    /// <summary>torchvision's <c>RandomErasing.get_params</c>: (top, left, height, width, fill) — the whole image and itself when
    /// ten tries find no fitting rectangle.</summary>
    public (int Top, int Left, int Height, int Width, Tensor Value) GetParams(Tensor img)
    {
        int c = img.Size(-3), h = img.Size(-2), w = img.Size(-1);
        double area = (double)h * w;
        float logR0 = MathF.Log((float)Ratio.Min), logR1 = MathF.Log((float)Ratio.Max);
        for (int attempt = 0; attempt < 10; attempt++)
        {
            double eraseArea = area * Uniform1(Scale.Min, Scale.Max, _g);
            double aspect = MathF.Exp((float)Uniform1(logR0, logR1, _g));
            int eh = (int)Math.Round(Math.Sqrt(eraseArea * aspect), MidpointRounding.ToEven);
            int ew = (int)Math.Round(Math.Sqrt(eraseArea / aspect), MidpointRounding.ToEven);
            if (!(eh < h && ew < w)) continue;
            Tensor v = _value is null
                ? Torch.Empty(c, eh, ew).Normal_(0, 1, _g)
                : Torch.Tensor(_value).Reshape(_value.Length, 1, 1);
            int i = RandInt1(0, h - eh + 1, _g);
            int j = RandInt1(0, w - ew + 1, _g);
            return (i, j, eh, ew, v);
        }
        return (0, 0, h, w, img);
    }

    protected override object ForwardTensor(Tensor tensor)
    {
        if (tensor.Ndim < 3) throw new ShapeMismatchException($"RandomErasing: expected a tensor image (..., C, H, W), got {tensor.Shape}.");
        if (_value is not null && _value.Length != 1 && _value.Length != tensor.Size(-3))
            throw new ArgumentException($"RandomErasing: if value is a sequence, it should have either a single value or {tensor.Size(-3)} (number of input channels), got {_value.Length}.");
        if (!(Rand1(_g) < (float)P)) return tensor;
        var (i, j, h, w, v) = GetParams(tensor);
        return TF.Erase(tensor, i, j, h, w, v, Inplace);
    }

    public override string ToString() =>
        $"RandomErasing(p={F(P)}, scale=({F(Scale.Min)}, {F(Scale.Max)}), ratio=({F(Ratio.Min)}, {F(Ratio.Max)}), value={(_value is null ? "random" : string.Join(", ", _value))}, inplace={(Inplace ? "True" : "False")})";
}
