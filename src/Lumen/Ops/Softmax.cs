using Lumen.Autograd;
using Lumen.Kernels;

namespace Lumen;

// Softmax and log-softmax along any dimension; forward and backward kernels in Kernels/ActivationSoftmax.cs.
public partial class Tensor
{
    /// <summary>exp(x − max)/Σ exp(x − max) along <paramref name="dim"/> (negative counts from the end), PyTorch's
    /// <c>softmax(dim)</c> (grad_fn SoftmaxBackward0). Any rank; shape unchanged. Backward: y·(g − Σ g·y).</summary>
    public Tensor Softmax(int dim) => SoftmaxCore(dim, log: false);

    /// <summary>x − max − log Σ exp(x − max) along <paramref name="dim"/>, PyTorch's <c>log_softmax(dim)</c>
    /// (grad_fn LogSoftmaxBackward0). Backward: g − exp(y)·Σ g.</summary>
    public Tensor LogSoftmax(int dim) => SoftmaxCore(dim, log: true);

    private Tensor SoftmaxCore(int dim, bool log)
    {
        string op = log ? "log_softmax" : "softmax";
        if (DType != DType.Float32)
            throw new ArgumentException($"{op}: not implemented for {DType.TorchName()} tensors (shape {Shape}); convert with Float() first.");
        int d = ShapeUtil.NormalizeDim(dim, Ndim);
        var r = Empty(_shape, DType.Float32, zero: false);
        using (var xr = ReadF32Temp()) SoftmaxKernel.Forward(Kernels.View<float>.Contiguous(xr.Data, xr.Offset, _shape), r.ViewF32(), d, log);
        if (!Graph.Needs(this)) return r;
        var y = r.ViewF32();
        var shape = _shape;
        return Graph.Record(r, log ? "LogSoftmaxBackward0" : "SoftmaxBackward0", new[] { this }, g =>
        {
            using var gr = g.ReadF32Temp();
            var dx = Empty(shape, DType.Float32, zero: false);
            SoftmaxKernel.Backward(y, Kernels.View<float>.Contiguous(gr.Data, gr.Offset, shape), dx.ViewF32(), d, log);
            return new[] { dx };
        }, r);
    }
}
