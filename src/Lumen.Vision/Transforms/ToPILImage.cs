namespace Lumen.Vision.Transforms;

/// <summary>Tensor (C, H, W) → Image (floats × 255 truncated), torchvision's <c>transforms.ToPILImage()</c>.</summary>
public sealed class ToPILImage : Transform
{
    protected override object ForwardTensor(Tensor tensor) => TF.ToPILImage(tensor);
    protected override object ForwardImage(Codecs.Image image) => image;
    public override string ToString() => "ToPILImage()";
}
