namespace Lumen.Vision.Transforms;

/// <summary>Per-channel (x − mean) / std of a float tensor (…, C, H, W), torchvision's <c>transforms.Normalize(mean, std)</c>.</summary>
public sealed class Normalize : Transform
{
    /// <summary>Per-channel means.</summary>
    public IReadOnlyList<float> Mean { get; }

    /// <summary>Per-channel standard deviations.</summary>
    public IReadOnlyList<float> Std { get; }

    /// <summary>Whether the input tensor is overwritten.</summary>
    public bool Inplace { get; }

    public Normalize(IReadOnlyList<float> mean, IReadOnlyList<float> std, bool inplace = false)
    {
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(std);
        Mean = mean.ToArray();
        Std = std.ToArray();
        Inplace = inplace;
    }

    protected override object ForwardTensor(Tensor tensor) => TF.Normalize(tensor, Mean, Std, Inplace);

    public override string ToString() =>
        $"Normalize(mean=[{string.Join(", ", Mean.Select(v => F(v)))}], std=[{string.Join(", ", Std.Select(v => F(v)))}])";
}
