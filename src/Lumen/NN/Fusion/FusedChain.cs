namespace Lumen.NN;

/// <summary>One Conv→BatchNorm(→ReLU) chain that <see cref="ModuleFusionExtensions.FuseForInference"/> folded, by the
/// modules' dotted paths from the model (<c>layer1.0.conv1</c>, <c>layer1.0.bn1</c>, <c>layer1.0.relu</c>); <see cref="ReLU"/>
/// is null when the batch norm's output goes elsewhere than to one ReLU module.</summary>
public sealed record FusedChain(string Conv, string BatchNorm, string? ReLU);
