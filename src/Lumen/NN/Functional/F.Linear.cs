using Lumen.Autograd;
using Lumen.Kernels;

namespace Lumen.NN;

/// <summary>
/// The functional API, PyTorch's <c>torch.nn.functional</c>: stateless forms of the layers, taking their weights as
/// arguments (<c>F.Linear(x, w, b)</c>, <c>F.Relu(x)</c>, <c>F.BatchNorm(...)</c>). Modules call these.
/// </summary>
public static partial class F
{
    /// <summary>
    /// y = x·Wᵀ + b, PyTorch's <c>F.linear</c>. <paramref name="input"/> is [*, in_features] (any number of leading
    /// dims, including none), <paramref name="weight"/> [out_features, in_features], <paramref name="bias"/>
    /// [out_features] or null; the result is [*, out_features]. The leading dims are flattened into the rows of one SGEMM
    /// that reads the weight transposed in place (no copy) and accumulates onto rows prefilled with the bias.
    /// grad_fn: AddmmBackward0 (2-D input with bias), MmBackward0 (2-D without), ViewBackward0 (contiguous 3-D with
    /// bias), AddBackward0 / UnsafeViewBackward0 otherwise, as PyTorch 1.13 names them.
    /// </summary>
    /// <exception cref="ShapeMismatchException">The input's last dim is not in_features, or the bias is not [out_features].</exception>
    public static Tensor Linear(Tensor input, Tensor weight, Tensor? bias = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(weight);
        if (weight.Ndim != 2)
            throw new ShapeMismatchException($"linear: weight must be 2-D [out_features, in_features], got {weight.Shape}.");
        int outF = weight.Size(0), inF = weight.Size(1);
        if (input.Ndim == 0 || input.Size(-1) != inF)
            throw new ShapeMismatchException($"linear: input {input.Shape} and weight {weight.Shape}: expected the input's last dimension to be {inF}.");
        if (bias != null && (bias.Ndim != 1 || bias.Size(0) != outF))
            throw new ShapeMismatchException($"linear: bias {bias.Shape} does not match weight {weight.Shape}: expected [{outF}].");
        if (input.DType != DType.Float32 || weight.DType != DType.Float32 || (bias != null && bias.DType != DType.Float32))
            throw new ArgumentException($"linear: expected float32 input, weight and bias, got {input.DType.TorchName()}, {weight.DType.TorchName()}" +
                                        (bias != null ? $" and {bias.DType.TorchName()}." : "."));

        int[] inShape = input._shape;
        var outShape = (int[])inShape.Clone();
        outShape[^1] = outF;
        int rows = 1;
        for (int i = 0; i < inShape.Length - 1; i++) rows *= inShape[i];

        var x = input.IsContiguous() ? input.Detach() : input.Detach().Contiguous();
        var w = weight.Detach();
        bool wT; int ldw;
        if (w.IsContiguous()) { wT = true; ldw = Math.Max(inF, 1); }                              // W row-major: read Wᵀ
        else if (w.T().IsContiguous()) { wT = false; ldw = Math.Max(outF, 1); }                    // W is a transposed view
        else { w = w.Contiguous(); wT = true; ldw = Math.Max(inF, 1); }

        if (input.Ndim >= 2 && Torch.AreSplitInvariantReductionsEnabled())
            return LinearSplitInvariant(input, weight, bias, x, w, wT, ldw, rows, outF, inF, outShape);
        var r = Tensor.Empty(outShape, DType.Float32, zero: false);
        if (rows > 0 && outF > 0)
        {
            float[] c = r.F32;
            float beta = 0f;
            if (bias != null)
            {
                var (bd, bo) = bias.ContiguousF32();
                ParallelFor.Run(rows, Math.Max(1, 32768 / outF), (a, b) =>
                {
                    var src = bd.AsSpan(bo, outF);
                    for (int i = a; i < b; i++) src.CopyTo(c.AsSpan(i * outF, outF));
                });
                beta = 1f;
            }
            Gemm.Sgemm(false, wT, rows, outF, inF, 1f, x.F32.AsSpan(x._offset), Math.Max(inF, 1),
                       w.F32.AsSpan(w._offset), ldw, beta, c, outF);
        }

        string gradFn = input.Ndim == 2 ? (bias != null ? "AddmmBackward0" : "MmBackward0")
                      : bias == null ? "UnsafeViewBackward0"
                      : input.Ndim == 3 && input.IsContiguous() ? "ViewBackward0" : "AddBackward0";
        var x2 = new Tensor(x.Storage, new[] { rows, inF }, new[] { inF, 1 }, x._offset);
        return Graph.Record(r, gradFn, new[] { input, weight, bias }, g =>
        {
            // dX = dY·W, dW = dYᵀ·X, db = Σ_rows dY, with dY seen as [rows, out].
            var g2 = g.Contiguous().Reshape(rows, outF);
            var gx = input.RequiresGrad ? g2.Mm(w).Reshape(inShape) : null;
            var gw = weight.RequiresGrad ? g2.T().Mm(x2) : null;
            var gb = bias != null && bias.RequiresGrad ? g2.Sum(0) : null;
            return new[] { gx, gw, gb };
        }, input, weight);
    }

    /// <summary>
    /// y = x1ᵀ·A·x2 + b, PyTorch's <c>F.bilinear</c>: <paramref name="input1"/> [*, in1], <paramref name="input2"/>
    /// [*, in2] (same leading dims), <paramref name="weight"/> [out, in1, in2], <paramref name="bias"/> [out] or null
    /// → [*, out]. Composed of differentiable ops (y[n, o] = Σ_ij x1[n, i]·A[o, i, j]·x2[n, j]).
    /// </summary>
    public static Tensor Bilinear(Tensor input1, Tensor input2, Tensor weight, Tensor? bias = null)
    {
        if (weight.Ndim != 3)
            throw new ShapeMismatchException($"bilinear: weight must be 3-D [out, in1, in2], got {weight.Shape}.");
        int outF = weight.Size(0), in1 = weight.Size(1), in2 = weight.Size(2);
        if (input1.Ndim == 0 || input1.Size(-1) != in1 || input2.Ndim == 0 || input2.Size(-1) != in2 ||
            !input1._shape.AsSpan(0, input1.Ndim - 1).SequenceEqual(input2._shape.AsSpan(0, Math.Max(input2.Ndim - 1, 0))))
            throw new ShapeMismatchException($"bilinear: inputs {input1.Shape} and {input2.Shape} do not fit weight {weight.Shape} " +
                                             $"(expected [*, {in1}] and [*, {in2}] with the same leading dims).");
        var lead = input1._shape[..^1];
        int rows = 1; foreach (var d in lead) rows *= d;
        var a = input1.Reshape(rows, in1);
        var b = input2.Reshape(rows, in2);
        // t[n, o·in2 + j] = Σ_i x1[n, i]·A[o, i, j]: one matmul against A permuted to [in1, out·in2].
        var t = a.Matmul(weight.Permute(1, 0, 2).Reshape(in1, outF * in2)).Reshape(rows, outF, in2);
        var y = t.Mul(b.Unsqueeze(1)).Sum(2);
        if (bias != null) y = y.Add(bias);
        return y.Reshape(lead.Append(outF).ToArray());
    }
}
