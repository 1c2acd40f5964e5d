namespace Lumen.NN;

/// <summary>Flattens dims startDim..endDim into one, PyTorch's <c>nn.Flatten(start_dim=1, end_dim=-1)</c>: [N, C, H, W]
/// → [N, C·H·W] by default (the batch dim is kept). A view when the strides allow, else a copy.</summary>
public sealed class Flatten : Module
{
    public int StartDim { get; }
    public int EndDim { get; }

    public Flatten(int startDim = 1, int endDim = -1) { StartDim = startDim; EndDim = endDim; }

    public override Tensor Forward(Tensor input) => input.Flatten(StartDim, EndDim);

    public override string ExtraRepr() => $"start_dim={StartDim}, end_dim={EndDim}";
}
