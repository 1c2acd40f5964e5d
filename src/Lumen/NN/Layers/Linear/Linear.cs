namespace Lumen.NN;

/// <summary>
/// Fully connected layer y = x·Wᵀ + b, PyTorch's <c>nn.Linear(in_features, out_features, bias=True)</c>.
/// Input [*, in_features] → output [*, out_features]. Weight [out_features, in_features] and bias [out_features]
/// start as PyTorch's: <c>kaiming_uniform_(W, a=√5)</c> (U(±1/√in_features)), then b ~ U(±1/√in_features), drawn in
/// that order so a seeded run gives PyTorch's numbers.
/// </summary>
public class Linear : Module
{
    /// <summary>Size of each input sample (0 for a <see cref="LazyLinear"/> that has not seen an input yet).</summary>
    public int InFeatures { get; private protected set; }

    /// <summary>Size of each output sample.</summary>
    public int OutFeatures { get; }

    /// <summary>The learnable weight, [out_features, in_features].</summary>
    public Parameter Weight { get; private protected set; }

    /// <summary>The learnable bias, [out_features], or null when built with <c>bias: false</c>.</summary>
    public Parameter? Bias { get; private protected set; }

    /// <param name="inFeatures">size of each input sample (the input's last dimension)</param>
    /// <param name="outFeatures">size of each output sample</param>
    /// <param name="bias">whether to learn an additive bias</param>
    public Linear(int inFeatures, int outFeatures, bool bias = true)
    {
        if (inFeatures < 0) throw new ArgumentException($"Linear: inFeatures ({inFeatures}) must be non-negative.");
        if (outFeatures < 0) throw new ArgumentException($"Linear: outFeatures ({outFeatures}) must be non-negative.");
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        Weight = RegisterParameter("weight", Torch.Empty(outFeatures, inFeatures));
        Bias = bias ? RegisterParameter("bias", Torch.Empty(outFeatures)) : RegisterParameter("bias", (Parameter?)null);
        ResetParameters();
    }

    /// <summary>For <see cref="LazyLinear"/>: registers empty placeholders and draws nothing.</summary>
    private protected Linear(int outFeatures, bool bias, bool lazy)
    {
        if (outFeatures < 0) throw new ArgumentException($"LazyLinear: outFeatures ({outFeatures}) must be non-negative.");
        _ = lazy;
        OutFeatures = outFeatures;
        Weight = RegisterParameter("weight", Torch.Empty(0));
        Bias = bias ? RegisterParameter("bias", Torch.Empty(0)) : RegisterParameter("bias", (Parameter?)null);
    }

    /// <summary>Re-draws the weight and bias as the constructor does, PyTorch's <c>reset_parameters()</c>.</summary>
    public virtual void ResetParameters()
    {
        // a = √5 turns kaiming_uniform_'s bound √6/√((1 + a²)·fan_in) into 1/√fan_in, PyTorch's historical default.
        Init.KaimingUniform_(Weight, a: Math.Sqrt(5));
        if (Bias != null)
        {
            var (fanIn, _) = Init.CalculateFanInAndFanOut(Weight);
            double bound = fanIn > 0 ? 1 / Math.Sqrt(fanIn) : 0;
            Init.Uniform_(Bias, -bound, bound);
        }
    }

    /// <summary>[*, in_features] → [*, out_features].</summary>
    /// <exception cref="ShapeMismatchException">The input's last dimension is not in_features.</exception>
    public override Tensor Forward(Tensor input)
    {
        if (input.Ndim == 0 || input.Size(-1) != InFeatures)
            throw new ShapeMismatchException($"{this} got input {input.Shape}: expected last dimension {InFeatures}");
        return F.Linear(input, Weight, Bias);
    }

    public override string ExtraRepr() =>
        $"in_features={InFeatures}, out_features={OutFeatures}, bias={PyFormat.Bool(Bias != null)}";
}
