using Lumen.Vision.Codecs;

namespace Lumen.Vision.Transforms;

/// <summary>Image → uint8 tensor (C, H, W) with the bytes unchanged, torchvision's <c>transforms.PILToTensor()</c>.</summary>
public sealed class PILToTensor : Transform
{
    protected override object ForwardImage(Image image) => TF.PILToTensor(image);
    public override string ToString() => "PILToTensor()";
}
