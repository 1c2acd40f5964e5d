namespace Lumen.NN;

/// <summary>Splits dimension <see cref="Dim"/> into <see cref="UnflattenedSize"/>, PyTorch's
/// <c>nn.Unflatten(dim, unflattened_size)</c>: <c>new Unflatten(1, 2, 5)</c> turns [N, 10] into [N, 2, 5]. One size may be -1.</summary>
public sealed class Unflatten : Module
{
    public int Dim { get; }
    public IReadOnlyList<int> UnflattenedSize { get; }

    public Unflatten(int dim, params int[] unflattenedSize)
    {
        if (unflattenedSize.Length == 0) throw new ArgumentException("Unflatten: unflattenedSize must name at least one size.");
        Dim = dim;
        UnflattenedSize = (int[])unflattenedSize.Clone();
    }

    public override Tensor Forward(Tensor input) => input.Unflatten(Dim, UnflattenedSize.ToArray());

    public override string ExtraRepr() => $"dim={Dim}, unflattened_size={PyFormat.Tuple(UnflattenedSize)}";
}
