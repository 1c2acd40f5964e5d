namespace Lumen.Vision.Transforms;

/// <summary>A user function as a transform, torchvision's <c>transforms.Lambda(lambd)</c>.</summary>
public sealed class Lambda : Transform
{
    private readonly Func<object, object> _f;

    public Lambda(Func<object, object> lambd)
    {
        ArgumentNullException.ThrowIfNull(lambd);
        _f = lambd;
    }

    protected override object ForwardImage(Codecs.Image image) => _f(image);
    protected override object ForwardTensor(Tensor tensor) => _f(tensor);
    public override string ToString() => "Lambda()";
}
