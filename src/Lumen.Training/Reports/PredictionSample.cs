namespace Lumen.Training.Reports;

/// <summary>One example shown in a report's prediction grid.</summary>
/// <param name="Image">the network's input image, (C, H, W) float32 as it entered the network (normalised or not;
/// see <see cref="PredictionSamples.Mean"/>); C = 1 draws gray, C = 3 RGB, other C the first channel in gray.</param>
/// <param name="Label">true class index.</param>
/// <param name="Predicted">predicted class index.</param>
public sealed record PredictionSample(TensorData Image, int Label, int Predicted)
{
    /// <summary>Whether the prediction is right.</summary>
    public bool Correct => Label == Predicted;
}
