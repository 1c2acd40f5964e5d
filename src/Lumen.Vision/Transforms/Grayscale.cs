using Lumen.Vision.Codecs;

namespace Lumen.Vision.Transforms;

/// <summary>Converts to grayscale with PIL's luma weights, torchvision's <c>transforms.Grayscale(num_output_channels=1)</c>.</summary>
public sealed class Grayscale : Transform
{
    /// <summary>1 or 3 output channels.</summary>
    public int NumOutputChannels { get; }

    public Grayscale(int numOutputChannels = 1)
    {
        if (numOutputChannels is not (1 or 3)) throw new ArgumentException($"Grayscale: num_output_channels should be either 1 or 3, got {numOutputChannels}.");
        NumOutputChannels = numOutputChannels;
    }

    protected override object ForwardImage(Image image) => TF.RgbToGrayscale(image, NumOutputChannels);
    public override string ToString() => $"Grayscale(num_output_channels={NumOutputChannels})";
}
