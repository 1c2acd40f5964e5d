using Lumen.Vision.Codecs;

namespace Lumen.Vision.Transforms;

/// <summary>Image (H, W, C bytes) → float32 tensor (C, H, W) in [0, 1], torchvision's <c>transforms.ToTensor()</c>.</summary>
public sealed class ToTensor : Transform
{
    protected override object ForwardImage(Image image) => TF.ToTensor(image);
    public override string ToString() => "ToTensor()";
}
