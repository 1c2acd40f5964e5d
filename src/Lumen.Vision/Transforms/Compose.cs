namespace Lumen.Vision.Transforms;

/// <summary>Applies transforms one after another, torchvision's <c>transforms.Compose([...])</c>.</summary>
public sealed class Compose : Transform
{
    /// <summary>The transforms, in order.</summary>
    public IReadOnlyList<Transform> Transforms { get; }

    public Compose(params Transform[] transforms)
    {
        ArgumentNullException.ThrowIfNull(transforms);
        foreach (var t in transforms) ArgumentNullException.ThrowIfNull(t);
        Transforms = transforms.ToArray();
    }

    protected override object ForwardImage(Codecs.Image image) => Run(image);
    protected override object ForwardTensor(Tensor tensor) => Run(tensor);

    private object Run(object x)
    {
        foreach (var t in Transforms) x = t.Forward(x);
        return x;
    }

    public override string ToString() =>
        "Compose(\n" + string.Concat(Transforms.Select(t => "    " + t + "\n")) + ")";
}
