namespace Lumen.NN;

/// <summary>
/// Parametric ReLU, PyTorch's <c>nn.PReLU(num_parameters=1, init=0.25)</c>: x for x &gt; 0, else a·x with a learnable
/// slope a, one shared by all channels (numParameters = 1) or one per channel (numParameters = C of an [N, C, *] input).
/// The weight [numParameters] starts at the constructor's init value (no random draw).
/// </summary>
public sealed class PReLU : Module
{
    /// <summary>PyTorch's <c>num_parameters</c>: how many slopes (1, or the channel count). It hides
    /// <see cref="Module.NumParameters(bool)"/> on a <c>PReLU</c>-typed reference; through <see cref="Module"/> that method
    /// still counts the parameters' elements, which for a PReLU is the same number.</summary>
    public new int NumParameters { get; }
    /// <summary>The learnable slopes, [num_parameters].</summary>
    public Parameter Weight { get; }

    public PReLU(int numParameters = 1, double init = 0.25)
    {
        if (numParameters < 1) throw new ArgumentException($"PReLU: numParameters ({numParameters}) must be at least 1.");
        NumParameters = numParameters;
        Weight = RegisterParameter("weight", Torch.Full(new[] { numParameters }, init));
    }

    public override Tensor Forward(Tensor input) => F.Prelu(input, Weight);
    public override string ExtraRepr() => $"num_parameters={NumParameters}";
}
