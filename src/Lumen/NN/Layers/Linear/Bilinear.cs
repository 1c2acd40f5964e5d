namespace Lumen.NN;

/// <summary>
/// y = x1ᵀ·A·x2 + b, PyTorch's <c>nn.Bilinear(in1_features, in2_features, out_features, bias=True)</c>. Inputs
/// [*, in1] and [*, in2] → [*, out]. Weight [out, in1, in2] and bias [out] start as U(±1/√in1), weight first.
/// Call it with <see cref="Forward(Tensor, Tensor)"/>.
/// </summary>
public sealed class Bilinear : Module
{
    public int In1Features { get; }
    public int In2Features { get; }
    public int OutFeatures { get; }
    public Parameter Weight { get; }
    public Parameter? Bias { get; }

    public Bilinear(int in1Features, int in2Features, int outFeatures, bool bias = true)
    {
        In1Features = in1Features; In2Features = in2Features; OutFeatures = outFeatures;
        Weight = RegisterParameter("weight", Torch.Empty(outFeatures, in1Features, in2Features));
        Bias = bias ? RegisterParameter("bias", Torch.Empty(outFeatures)) : RegisterParameter("bias", (Parameter?)null);
        ResetParameters();
    }

    /// <summary>Both parameters ~ U(±1/√in1_features), PyTorch's <c>reset_parameters()</c>.</summary>
    public void ResetParameters()
    {
        double bound = 1 / Math.Sqrt(Weight.Size(1));
        Init.Uniform_(Weight, -bound, bound);
        if (Bias != null) Init.Uniform_(Bias, -bound, bound);
    }

    /// <summary>[*, in1] and [*, in2] → [*, out].</summary>
    public Tensor Forward(Tensor input1, Tensor input2) => F.Bilinear(input1, input2, Weight, Bias);

    public override string ExtraRepr() =>
        $"in1_features={In1Features}, in2_features={In2Features}, out_features={OutFeatures}, bias={PyFormat.Bool(Bias != null)}";
}
