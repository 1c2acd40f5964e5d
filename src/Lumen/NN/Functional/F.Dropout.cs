using Lumen.Tracing;

namespace Lumen.NN;

// Dropout, PyTorch 1.13's CPU path (ATen native/Dropout.cpp, _dropout_impl): noise = empty(shape).bernoulli_(1 − p),
// then noise /= (1 − p), then input · noise (grad_fn MulBackward0). Feature dropout draws the noise as [N, C, 1, …] so
// whole channels drop. With the same seed the masks are PyTorch's, element for element.
public static partial class F
{
    /// <summary>Zeroes each element with probability <paramref name="p"/> and scales the rest by 1/(1 − p), PyTorch's
    /// <c>F.dropout(input, p=0.5, training=True, inplace=False)</c>. Returns <paramref name="input"/> itself when not
    /// training, when p = 0 or when it is empty.</summary>
    public static Tensor Dropout(Tensor input, double p = 0.5, bool training = true, bool inplace = false)
    {
        if (Tracer.Recording) return Tracer.Record("dropout", new[] { input }, () => Dropout(input, p, training, inplace), ("p", p), ("training", training));
        return DropoutImpl(input, p, training, inplace, feature: false, alpha: false, "dropout");
    }

    /// <summary>Channel-wise dropout of an (N, C, L) or (C, L) input, PyTorch's <c>F.dropout1d</c>.</summary>
    public static Tensor Dropout1d(Tensor input, double p = 0.5, bool training = true, bool inplace = false)
    {
        if (Tracer.Recording) return Tracer.Record("dropout1d", new[] { input }, () => Dropout1d(input, p, training, inplace), ("p", p), ("training", training));
        if (input.Ndim is not (2 or 3))
            throw new ShapeMismatchException($"dropout1d: expected a 2-D (C, L) or 3-D (N, C, L) input, got {input.Shape}.");
        return Unbatched(input, 2, p, training, inplace, "dropout1d");
    }

    /// <summary>Channel-wise dropout of an (N, C, H, W) input, PyTorch's <c>F.dropout2d</c>. As in PyTorch 1.13, a 3-D
    /// input is read as (N, C, L) (1-D channel dropout), not as an unbatched (C, H, W).</summary>
    public static Tensor Dropout2d(Tensor input, double p = 0.5, bool training = true, bool inplace = false)
    {
        if (Tracer.Recording) return Tracer.Record("dropout2d", new[] { input }, () => Dropout2d(input, p, training, inplace), ("p", p), ("training", training));
        return DropoutImpl(input, p, training, inplace, feature: true, alpha: false, "dropout2d");
    }

    /// <summary>Channel-wise dropout of an (N, C, D, H, W) or (C, D, H, W) input, PyTorch's <c>F.dropout3d</c>.</summary>
    public static Tensor Dropout3d(Tensor input, double p = 0.5, bool training = true, bool inplace = false)
    {
        if (Tracer.Recording) return Tracer.Record("dropout3d", new[] { input }, () => Dropout3d(input, p, training, inplace), ("p", p), ("training", training));
        return Unbatched(input, 4, p, training, inplace, "dropout3d");
    }

    /// <summary>Dropout that keeps SELU's zero mean and unit variance, PyTorch's <c>F.alpha_dropout(input, p=0.5,
    /// training=False)</c>: dropped elements become −α·scale·a + b rather than 0 (a, b fixed by p).</summary>
    public static Tensor AlphaDropout(Tensor input, double p = 0.5, bool training = false, bool inplace = false)
    {
        if (Tracer.Recording) return Tracer.Record("alpha_dropout", new[] { input }, () => AlphaDropout(input, p, training, inplace), ("p", p), ("training", training));
        return DropoutImpl(input, p, training, inplace, feature: false, alpha: true, "alpha_dropout");
    }

    /// <summary>Feature dropout of an input that may lack the batch dim (<paramref name="unbatchedRank"/> dims): its
    /// noise is then [C, 1, …], the same C draws PyTorch makes for the unsqueezed [1, C, 1, …].</summary>
    private static Tensor Unbatched(Tensor input, int unbatchedRank, double p, bool training, bool inplace, string op) =>
        DropoutImpl(input, p, training, inplace, feature: true, alpha: false, op, noBatch: input.Ndim == unbatchedRank);

    private static Tensor DropoutImpl(Tensor input, double p, bool training, bool inplace, bool feature, bool alpha, string op,
                                      bool noBatch = false)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (!(p >= 0 && p <= 1)) throw new ArgumentException($"{op}: dropout probability has to be between 0 and 1, but got {p}.");
        if (p == 0 || !training || input.Numel() == 0) return input;
        if (input.DType != DType.Float32) throw new ArgumentException($"{op}: expected a float32 input, got {input.DType.TorchName()}.");
        if (feature && input.Ndim < (noBatch ? 1 : 2))
            throw new ShapeMismatchException($"{op}: feature dropout requires at least 2 dimensions in the input, got {input.Shape}.");
        if (p == 1)
        {
            var zero = Torch.Scalar(0f);
            return inplace ? input.Mul_(zero) : input.Mul(zero);
        }
        Tensor noise;
        if (feature)
        {
            var shape = new int[input.Ndim];
            Array.Fill(shape, 1);
            if (noBatch) shape[0] = input.Size(0);
            else { shape[0] = input.Size(0); shape[1] = input.Size(1); }
            noise = Torch.Empty(shape);
        }
        else noise = Torch.Empty(input._shape);
        noise.Bernoulli_(1 - p);
        if (!alpha)
        {
            noise.Div_((float)(1 - p));
            return inplace ? input.Mul_(noise) : input.Mul(noise);
        }
        const double A = 1.7580993408473766;  // SELU's α·scale
        double a = 1.0 / Math.Sqrt((A * A * p + 1) * (1 - p));
        var b = noise.Add(-1f).Mul_((float)(A * a)).Add_((float)(A * a * p));
        noise.Mul_((float)a);
        return (inplace ? input.Mul_(noise) : input.Mul(noise)).Add_(b);
    }
}
