namespace Lumen.NN;

/// <summary>
/// Layer normalisation over the last dims, PyTorch's <c>nn.LayerNorm(normalized_shape, eps=1e-05,
/// elementwise_affine=True)</c>: each [*normalizedShape] block of the input is normalised by its own mean and biased
/// variance, then multiplied by weight (ones) and shifted by bias (zeros), both of shape normalizedShape.
/// <c>new LayerNorm(10)</c> normalises the last dim of size 10.
/// </summary>
public sealed class LayerNorm : Module
{
    public IReadOnlyList<int> NormalizedShape { get; }
    public double Eps { get; }
    public bool ElementwiseAffine { get; }
    public Parameter? Weight { get; }
    public Parameter? Bias { get; }

    /// <summary>Normalises over the last dim of size <paramref name="normalizedShape"/>.</summary>
    public LayerNorm(int normalizedShape, double eps = 1e-5, bool elementwiseAffine = true)
        : this(new[] { normalizedShape }, eps, elementwiseAffine) { }

    /// <summary>Normalises over the trailing dims <paramref name="normalizedShape"/>.</summary>
    public LayerNorm(int[] normalizedShape, double eps = 1e-5, bool elementwiseAffine = true)
    {
        if (normalizedShape.Length == 0 || normalizedShape.Any(d => d < 0))
            throw new ArgumentException($"LayerNorm: normalizedShape {ShapeUtil.Str(normalizedShape)} must be non-empty with non-negative sizes.");
        NormalizedShape = (int[])normalizedShape.Clone();
        Eps = eps; ElementwiseAffine = elementwiseAffine;
        if (elementwiseAffine)
        {
            Weight = RegisterParameter("weight", Torch.Ones(normalizedShape));
            Bias = RegisterParameter("bias", Torch.Zeros(normalizedShape));
        }
        else
        {
            RegisterParameter("weight", (Parameter?)null);
            RegisterParameter("bias", (Parameter?)null);
        }
    }

    public override Tensor Forward(Tensor input)
    {
        int k = NormalizedShape.Count;
        if (input.Ndim < k || !input.Shape.Skip(input.Ndim - k).SequenceEqual(NormalizedShape))
            throw new ShapeMismatchException($"{this} got input {input.Shape}: expected [*, {string.Join(", ", NormalizedShape)}]");
        return F.LayerNorm(input, NormalizedShape.ToArray(), Weight, Bias, Eps);
    }

    public override string ExtraRepr() =>
        $"{PyFormat.Tuple(NormalizedShape)}, eps={PyFormat.Float(Eps)}, elementwise_affine={PyFormat.Bool(ElementwiseAffine)}";
}
