namespace Lumen.NN;

/// <summary>PyTorch's <c>nn.AlphaDropout(p=0.5, inplace=False)</c>, active only in training mode. Input any shape: dropped elements take SELU's negative saturation value, then an affine map keeps zero mean and unit variance.
/// Kept elements are scaled so the expectation is unchanged.</summary>
public sealed class AlphaDropout : Module
{
    public double P { get; }
    public bool Inplace { get; }

    public AlphaDropout(double p = 0.5, bool inplace = false)
    {
        DropoutCheck.P(p);
        P = p; Inplace = inplace;
    }

    public override Tensor Forward(Tensor input) => F.AlphaDropout(input, P, Training, Inplace);
    public override string ExtraRepr() => DropoutCheck.Repr(P, Inplace);
}
