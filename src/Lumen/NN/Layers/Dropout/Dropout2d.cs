namespace Lumen.NN;

/// <summary>PyTorch's <c>nn.Dropout2d(p=0.5, inplace=False)</c>, active only in training mode. Input (N, C, H, W): each channel (a 2-D feature map) is zeroed as a whole; as in PyTorch 1.13 a 3-D input is read as (N, C, L).
/// Kept elements are scaled so the expectation is unchanged.</summary>
public sealed class Dropout2d : Module
{
    public double P { get; }
    public bool Inplace { get; }

    public Dropout2d(double p = 0.5, bool inplace = false)
    {
        DropoutCheck.P(p);
        P = p; Inplace = inplace;
    }

    public override Tensor Forward(Tensor input) => F.Dropout2d(input, P, Training, Inplace);
    public override string ExtraRepr() => DropoutCheck.Repr(P, Inplace);
}
