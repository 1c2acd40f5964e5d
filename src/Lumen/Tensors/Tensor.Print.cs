namespace Lumen;

public partial class Tensor
{
    /// <summary>PyTorch's repr of this tensor, e.g. <c>tensor([[ 0.1000, -1.2000],\n        [ 3.0000,  4.0000]])</c>,
    /// <c>tensor([1, 2, 3])</c>, <c>tensor(3.5000, grad_fn=&lt;MulBackward0&gt;)</c>: same digits, widths, wrapping at 80
    /// columns, summarising with <c>...</c> above 1000 elements, and suffixes as <c>torch/_tensor_str.py</c> (see
    /// <see cref="Torch.SetPrintOptions"/>).</summary>
    public override string ToString() => TensorFormatter.Repr(this);
}
