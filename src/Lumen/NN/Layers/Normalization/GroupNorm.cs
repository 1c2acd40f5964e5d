namespace Lumen.NN;

/// <summary>
/// Group normalisation, PyTorch's <c>nn.GroupNorm(num_groups, num_channels, eps=1e-05, affine=True)</c>: the channels of
/// an (N, C, *) input are split into numGroups groups, each normalised per sample by its own mean and biased variance,
/// then scaled and shifted per channel by weight (ones) and bias (zeros), both [C]. Same in training and eval.
/// </summary>
public sealed class GroupNorm : Module
{
    public int NumGroups { get; }
    public int NumChannels { get; }
    public double Eps { get; }
    public bool Affine { get; }
    public Parameter? Weight { get; }
    public Parameter? Bias { get; }

    public GroupNorm(int numGroups, int numChannels, double eps = 1e-5, bool affine = true)
    {
        if (numGroups <= 0 || numChannels % numGroups != 0)
            throw new ArgumentException($"GroupNorm: numChannels ({numChannels}) must be divisible by numGroups ({numGroups}).");
        NumGroups = numGroups; NumChannels = numChannels; Eps = eps; Affine = affine;
        if (affine)
        {
            Weight = RegisterParameter("weight", Torch.Ones(numChannels));
            Bias = RegisterParameter("bias", Torch.Zeros(numChannels));
        }
        else
        {
            RegisterParameter("weight", (Parameter?)null);
            RegisterParameter("bias", (Parameter?)null);
        }
    }

    public override Tensor Forward(Tensor input)
    {
        if (input.Ndim < 2 || input.Size(1) != NumChannels)
            throw new ShapeMismatchException($"{this} got input {input.Shape}: expected (N, C, *) with C = {NumChannels}");
        return F.GroupNorm(input, NumGroups, Weight, Bias, Eps);
    }

    public override string ExtraRepr() => $"{NumGroups}, {NumChannels}, eps={PyFormat.Float(Eps)}, affine={PyFormat.Bool(Affine)}";
}
