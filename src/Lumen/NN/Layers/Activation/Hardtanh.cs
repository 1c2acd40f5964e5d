namespace Lumen.NN;

/// <summary>Clamps into [minVal, maxVal], PyTorch's <c>nn.Hardtanh(min_val=-1.0, max_val=1.0, inplace=False)</c>.</summary>
public sealed class Hardtanh : Module
{
    public float MinVal { get; }
    public float MaxVal { get; }
    public bool Inplace { get; }
    public Hardtanh(double minVal = -1, double maxVal = 1, bool inplace = false)
    {
        if (minVal > maxVal) throw new ArgumentException($"Hardtanh: minVal ({minVal}) must not exceed maxVal ({maxVal}).");
        MinVal = (float)minVal; MaxVal = (float)maxVal; Inplace = inplace;
    }
    public override Tensor Forward(Tensor input) => F.Hardtanh(input, MinVal, MaxVal, Inplace);
    public override string ExtraRepr() =>
        $"min_val={PyFormat.Float(MinVal)}, max_val={PyFormat.Float(MaxVal)}" + (Inplace ? ", inplace=True" : "");
}
