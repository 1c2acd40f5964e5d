namespace Lumen;

// torch.* function forms of tensor methods, so tutorial lines port word for word:
// `_, preds = torch.max(outputs.data, 1)` → `var (_, preds) = Torch.Max(outputs.Data, 1);`
// `torch.tanh(self.fc1(out))` → `Torch.Tanh(Fc1.Call(out))`. Each forwards to the method of the same name.
public static partial class Torch
{
    public static Tensor Abs(Tensor x) => x.Abs();
    public static Tensor Exp(Tensor x) => x.Exp();
    public static Tensor Log(Tensor x) => x.Log();
    public static Tensor Sqrt(Tensor x) => x.Sqrt();
    public static Tensor Expm1(Tensor x) => x.Expm1();
    public static Tensor Log1p(Tensor x) => x.Log1p();
    public static Tensor Log2(Tensor x) => x.Log2();
    public static Tensor Log10(Tensor x) => x.Log10();
    public static Tensor Rsqrt(Tensor x) => x.Rsqrt();
    public static Tensor Sin(Tensor x) => x.Sin();
    public static Tensor Cos(Tensor x) => x.Cos();
    public static Tensor Sign(Tensor x) => x.Sign();
    public static Tensor Neg(Tensor x) => x.Neg();
    public static Tensor Pow(Tensor x, double exponent) => x.Pow(exponent);
    public static Tensor Pow(Tensor x, Tensor exponent) => x.Pow(exponent);
    public static Tensor Clamp(Tensor x, double? min = null, double? max = null) => x.Clamp(min, max);
    public static Tensor Round(Tensor x, int decimals = 0) => x.Round(decimals);
    public static Tensor Floor(Tensor x) => x.Floor();
    public static Tensor Ceil(Tensor x) => x.Ceil();
    public static Tensor Trunc(Tensor x) => x.Trunc();
    public static Tensor Maximum(Tensor a, Tensor b) => a.Maximum(b);
    public static Tensor Minimum(Tensor a, Tensor b) => a.Minimum(b);

    public static Tensor Relu(Tensor x) => x.Relu();
    public static Tensor Sigmoid(Tensor x) => x.Sigmoid();
    public static Tensor Tanh(Tensor x) => x.Tanh();
    public static Tensor Softmax(Tensor x, int dim) => x.Softmax(dim);
    public static Tensor LogSoftmax(Tensor x, int dim) => x.LogSoftmax(dim);

    public static Tensor Sum(Tensor x) => x.Sum();
    public static Tensor Sum(Tensor x, int dim, bool keepDim = false) => x.Sum(dim, keepDim);
    public static Tensor Mean(Tensor x) => x.Mean();
    public static Tensor Mean(Tensor x, int dim, bool keepDim = false) => x.Mean(dim, keepDim);
    public static Tensor Max(Tensor x) => x.Max();
    public static ValuesIndices Max(Tensor x, int dim, bool keepDim = false) => x.Max(dim, keepDim);
    public static Tensor Min(Tensor x) => x.Min();
    public static ValuesIndices Min(Tensor x, int dim, bool keepDim = false) => x.Min(dim, keepDim);
    public static Tensor Argmax(Tensor x, int? dim = null, bool keepDim = false) => x.Argmax(dim, keepDim);
    public static Tensor Argmin(Tensor x, int? dim = null, bool keepDim = false) => x.Argmin(dim, keepDim);
    public static ValuesIndices Topk(Tensor x, int k, int dim = -1, bool largest = true, bool sorted = true) => x.Topk(k, dim, largest, sorted);
    public static ValuesIndices Sort(Tensor x, int dim = -1, bool descending = false, bool stable = false) => x.Sort(dim, descending, stable);
    public static Tensor Std(Tensor x, int dim, bool unbiased = true, bool keepDim = false) => x.Std(dim, unbiased, keepDim);
    public static Tensor Var(Tensor x, int dim, bool unbiased = true, bool keepDim = false) => x.Var(dim, unbiased, keepDim);

    public static Tensor Matmul(Tensor a, Tensor b) => a.Matmul(b);
    public static Tensor Mm(Tensor a, Tensor b) => a.Mm(b);
    public static Tensor Bmm(Tensor a, Tensor b) => a.Bmm(b);
    public static Tensor Flatten(Tensor x, int startDim = 0, int endDim = -1) => x.Flatten(startDim, endDim);
    public static Tensor Reshape(Tensor x, params int[] shape) => x.Reshape(shape);
    public static Tensor Transpose(Tensor x, int dim0, int dim1) => x.Transpose(dim0, dim1);
    public static Tensor Permute(Tensor x, params int[] dims) => x.Permute(dims);
    public static Tensor Unsqueeze(Tensor x, int dim) => x.Unsqueeze(dim);
    public static Tensor Squeeze(Tensor x, int dim) => x.Squeeze(dim);
    public static Tensor[] Split(Tensor x, int splitSize, int dim = 0) => x.Split(splitSize, dim);
    public static Tensor[] Chunk(Tensor x, int chunks, int dim = 0) => x.Chunk(chunks, dim);

    /// <summary>True when both have the same shape and elements, PyTorch's <c>torch.equal</c>.</summary>
    public static bool Equal(Tensor a, Tensor b) => a.ValueEquals(b);
    /// <summary>PyTorch's <c>torch.allclose</c>.</summary>
    public static bool AllClose(Tensor a, Tensor b, double rtol = 1e-5, double atol = 1e-8) => a.AllClose(b, rtol, atol);
    /// <summary>Number of elements, PyTorch's <c>torch.numel</c>.</summary>
    public static int Numel(Tensor x) => x.Numel();
}
