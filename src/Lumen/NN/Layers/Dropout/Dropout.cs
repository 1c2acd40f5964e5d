namespace Lumen.NN;

/// <summary>
/// During training zeroes each element with probability <see cref="P"/> and scales the rest by 1/(1 − p); in eval mode
/// returns the input unchanged. PyTorch's <c>nn.Dropout(p=0.5, inplace=False)</c>; any shape. The mask is drawn from the
/// global generator exactly as PyTorch 1.13 draws it, so a seeded run drops the same elements.
/// </summary>
public sealed class Dropout : Module
{
    public double P { get; }
    public bool Inplace { get; }

    public Dropout(double p = 0.5, bool inplace = false)
    {
        DropoutCheck.P(p);
        P = p; Inplace = inplace;
    }

    public override Tensor Forward(Tensor input) => F.Dropout(input, P, Training, Inplace);
    public override string ExtraRepr() => DropoutCheck.Repr(P, Inplace);
}

/// <summary>Shared argument check and repr of the dropout modules.</summary>
internal static class DropoutCheck
{
    public static void P(double p)
    {
        if (!(p >= 0 && p <= 1)) throw new ArgumentException($"dropout probability has to be between 0 and 1, but got {p}.");
    }

    public static string Repr(double p, bool inplace) => $"p={PyFormat.Float(p)}, inplace={PyFormat.Bool(inplace)}";
}
