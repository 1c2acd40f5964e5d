namespace Lumen.Vision.Models.Video;

/// <summary>torchvision's <c>R3D_18_Weights</c>: the pretrained weights it publishes for <see cref="Lumen.Vision.Models.Models.R3D18"/> (<c>models.video.r3d_18</c>).</summary>
public static class R3D18Weights
{
    /// <summary>Kinetics-400, 400 classes, acc@1 63.2.</summary>
    public static readonly Weights KINETICS400_V1 = new("R3D_18_Weights", "KINETICS400_V1", Weights.TorchvisionBaseUrl + "r3d_18-b3b3357e.pth", 400, 33_371_472, resizeSize: new[] { 128, 171 }, cropSize: new[] { 112, 112 }, mean: new[] { 0.43216f, 0.394666f, 0.37645f }, std: new[] { 0.22803f, 0.22145f, 0.216989f });
    /// <summary>torchvision's <c>DEFAULT</c>: <see cref="KINETICS400_V1"/>.</summary>
    public static Weights DEFAULT => KINETICS400_V1;
    /// <summary>Every member, in torchvision's order.</summary>
    public static IReadOnlyList<Weights> All { get; } = new[] { KINETICS400_V1 };
}
