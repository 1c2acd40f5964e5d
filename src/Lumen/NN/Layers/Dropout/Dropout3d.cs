namespace Lumen.NN;

/// <summary>PyTorch's <c>nn.Dropout3d(p=0.5, inplace=False)</c>, active only in training mode. Input (N, C, D, H, W) or (C, D, H, W): each channel (a 3-D feature map) is zeroed as a whole.
/// Kept elements are scaled so the expectation is unchanged.</summary>
public sealed class Dropout3d : Module
{
    public double P { get; }
    public bool Inplace { get; }

    public Dropout3d(double p = 0.5, bool inplace = false)
    {
        DropoutCheck.P(p);
        P = p; Inplace = inplace;
    }

    public override Tensor Forward(Tensor input) => F.Dropout3d(input, P, Training, Inplace);
    public override string ExtraRepr() => DropoutCheck.Repr(P, Inplace);
}
