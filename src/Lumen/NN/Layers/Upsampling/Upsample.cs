namespace Lumen.NN;

/// <summary>
/// Upsamples a (N, C, L), (N, C, H, W) or (N, C, D, H, W) input, PyTorch's <c>nn.Upsample</c>:
/// <c>new Upsample(scaleFactor: 2)</c>, <c>new Upsample(size: (32, 32), mode: "bilinear", alignCorners: true)</c>.
/// Modes and index rules as <see cref="F.Interpolate"/>. Repr: <c>Upsample(scale_factor=2.0, mode=nearest)</c> or
/// <c>Upsample(size=(3, 4), mode=nearest)</c>.
/// </summary>
public class Upsample : Module
{
    /// <summary>The output's spatial size, or null when <see cref="ScaleFactor"/> is given.</summary>
    public PoolSize? Size { get; }
    /// <summary>The multiplier of the spatial size, or null when <see cref="Size"/> is given.</summary>
    public ScaleFactor? ScaleFactor { get; }
    /// <summary>nearest, nearest-exact, linear, bilinear or trilinear.</summary>
    public string Mode { get; }
    public bool? AlignCorners { get; }
    public bool? RecomputeScaleFactor { get; }

    public Upsample(PoolSize? size = null, ScaleFactor? scaleFactor = null, string mode = "nearest", bool? alignCorners = null,
                    bool? recomputeScaleFactor = null)
    {
        Size = size;
        // PyTorch stores float(scale_factor) only when it is truthy.
        ScaleFactor = scaleFactor is { IsTuple: false } s && s.Values[0] == 0 ? null : scaleFactor;
        Mode = mode; AlignCorners = alignCorners; RecomputeScaleFactor = recomputeScaleFactor;
    }

    public override Tensor Forward(Tensor input) =>
        F.Interpolate(input, Size, ScaleFactor, Mode, AlignCorners, RecomputeScaleFactor);

    public override string ExtraRepr() =>
        (ScaleFactor is { } s ? $"scale_factor={s}" : $"size={(Size is { } z ? z.ToString() : "None")}") + $", mode={Mode}";
}
