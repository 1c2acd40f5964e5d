using Lumen.Autograd;

namespace Lumen.NN;

/// <summary>
/// Weight initialisation, PyTorch's <c>torch.nn.init</c>. Every function fills the tensor in place without recording a
/// graph and returns it. Because Lumen's generator reproduces PyTorch's, the same seed gives the same initial weights.
/// </summary>
public static class Init
{
    /// <summary>The recommended gain for a nonlinearity, PyTorch's <c>calculate_gain</c>: 1 for linear/conv/sigmoid,
    /// 5/3 for tanh, √2 for relu, √(2/(1+a²)) for leaky_relu (a defaults to 0.01), 3/4 for selu.</summary>
    public static double CalculateGain(string nonlinearity, double? param = null)
    {
        switch (nonlinearity)
        {
            case "linear": case "conv1d": case "conv2d": case "conv3d": case "conv_transpose1d":
            case "conv_transpose2d": case "conv_transpose3d": case "sigmoid":
                return 1;
            case "tanh": return 5.0 / 3;
            case "relu": return Math.Sqrt(2.0);
            case "leaky_relu":
                double slope = param ?? 0.01;
                return Math.Sqrt(2.0 / (1 + slope * slope));
            case "selu": return 3.0 / 4;
            default: throw new ArgumentException($"calculate_gain: unsupported nonlinearity '{nonlinearity}'.");
        }
    }

    /// <summary>(fan_in, fan_out) of a weight: dims 1 and 0 times the receptive-field size (the product of dims 2…).</summary>
    public static (int FanIn, int FanOut) CalculateFanInAndFanOut(Tensor tensor)
    {
        if (tensor.Ndim < 2)
            throw new ArgumentException($"Fan in and fan out can not be computed for a tensor with fewer than 2 dimensions (shape {tensor.Shape}).");
        int receptive = 1;
        for (int i = 2; i < tensor.Ndim; i++) receptive *= tensor.Size(i);
        return (tensor.Size(1) * receptive, tensor.Size(0) * receptive);
    }

    private static int Fan(Tensor t, string mode)
    {
        var (fanIn, fanOut) = CalculateFanInAndFanOut(t);
        return mode switch
        {
            "fan_in" => fanIn,
            "fan_out" => fanOut,
            _ => throw new ArgumentException($"Mode {mode} not supported, please use one of fan_in, fan_out."),
        };
    }

    public static Tensor Uniform_(Tensor tensor, double a = 0, double b = 1, Generator? generator = null)
    { using (Autograd.Autograd.NoGrad()) return tensor.Uniform_(a, b, generator); }

    public static Tensor Normal_(Tensor tensor, double mean = 0, double std = 1, Generator? generator = null)
    { using (Autograd.Autograd.NoGrad()) return tensor.Normal_(mean, std, generator); }

    public static Tensor Constant_(Tensor tensor, double value)
    { using (Autograd.Autograd.NoGrad()) return tensor.Fill_(value); }

    public static Tensor Zeros_(Tensor tensor) => Constant_(tensor, 0f);
    public static Tensor Ones_(Tensor tensor) => Constant_(tensor, 1f);

    /// <summary>U(−a, a) with a = gain·√(6/(fan_in + fan_out)) (Glorot).</summary>
    public static Tensor XavierUniform_(Tensor tensor, double gain = 1, Generator? generator = null)
    {
        var (fanIn, fanOut) = CalculateFanInAndFanOut(tensor);
        double std = gain * Math.Sqrt(2.0 / (fanIn + fanOut));
        double a = Math.Sqrt(3.0) * std;
        return Uniform_(tensor, -a, a, generator);
    }

    /// <summary>N(0, std²) with std = gain·√(2/(fan_in + fan_out)).</summary>
    public static Tensor XavierNormal_(Tensor tensor, double gain = 1, Generator? generator = null)
    {
        var (fanIn, fanOut) = CalculateFanInAndFanOut(tensor);
        double std = gain * Math.Sqrt(2.0 / (fanIn + fanOut));
        return Normal_(tensor, 0, std, generator);
    }

    /// <summary>U(−b, b) with b = gain·√(3/fan) (He). Linear and Conv layers call it with a = √5, which gives
    /// U(±1/√fan_in).</summary>
    public static Tensor KaimingUniform_(Tensor tensor, double a = 0, string mode = "fan_in", string nonlinearity = "leaky_relu",
                                         Generator? generator = null)
    {
        if (tensor.Numel() == 0) return tensor;
        double std = CalculateGain(nonlinearity, a) / Math.Sqrt(Fan(tensor, mode));
        double bound = Math.Sqrt(3.0) * std;
        return Uniform_(tensor, -bound, bound, generator);
    }

    /// <summary>N(0, std²) with std = gain/√fan (He).</summary>
    public static Tensor KaimingNormal_(Tensor tensor, double a = 0, string mode = "fan_in", string nonlinearity = "leaky_relu",
                                        Generator? generator = null)
    {
        if (tensor.Numel() == 0) return tensor;
        double std = CalculateGain(nonlinearity, a) / Math.Sqrt(Fan(tensor, mode));
        return Normal_(tensor, 0, std, generator);
    }

    /// <summary>A (semi-)orthogonal matrix from the QR decomposition of a normal sample, signs fixed by diag(R), times
    /// <paramref name="gain"/>; tensors of rank &gt; 2 are flattened to [size(0), rest].</summary>
    public static Tensor Orthogonal_(Tensor tensor, double gain = 1, Generator? generator = null)
    {
        if (tensor.Ndim < 2) throw new ArgumentException($"Only tensors with 2 or more dimensions are supported (shape {tensor.Shape}).");
        if (tensor.Numel() == 0) return tensor;
        int rows = tensor.Size(0), cols = tensor.Numel() / rows;
        var flat = Torch.Zeros(rows, cols).Normal_(0, 1, generator);
        if (rows < cols) flat = flat.T();
        int m = flat.Size(0), n = flat.Size(1);
        var a = flat.ToArray<float>().Select(v => (double)v).ToArray();
        var q = HouseholderQ(a, m, n); // m×n with Q·diag(sign(diag R)) applied
        var data = new float[m * n];
        for (int i = 0; i < m * n; i++) data[i] = (float)q[i];
        var qt = Torch.Tensor(data, m, n);
        if (rows < cols) qt = qt.T();
        using (Autograd.Autograd.NoGrad())
        {
            tensor.View(rows, cols).Copy_(qt);
            tensor.Mul_((float)gain);
        }
        return tensor;
    }

    /// <summary>Reduced Q (m×n, m ≥ n) of a row-major m×n matrix by Householder reflections, with each column
    /// multiplied by the sign of R's diagonal, as PyTorch's orthogonal_ does.</summary>
    private static double[] HouseholderQ(double[] a, int m, int n)
    {
        var r = (double[])a.Clone();
        var vs = new double[n][];
        for (int k = 0; k < n; k++)
        {
            double norm = 0;
            for (int i = k; i < m; i++) norm += r[i * n + k] * r[i * n + k];
            norm = Math.Sqrt(norm);
            var v = new double[m];
            if (norm == 0) { vs[k] = v; continue; }
            double alpha = r[k * n + k] > 0 ? -norm : norm;
            for (int i = k; i < m; i++) v[i] = r[i * n + k];
            v[k] -= alpha;
            double vn = 0; for (int i = k; i < m; i++) vn += v[i] * v[i];
            if (vn == 0) { vs[k] = new double[m]; continue; }
            for (int j = k; j < n; j++)
            {
                double dot = 0; for (int i = k; i < m; i++) dot += v[i] * r[i * n + j];
                double f = 2 * dot / vn;
                for (int i = k; i < m; i++) r[i * n + j] -= f * v[i];
            }
            for (int i = k; i < m; i++) v[i] /= Math.Sqrt(vn);
            vs[k] = v;
        }
        // Q = H0 H1 … H(n−1) applied to the first n columns of the identity.
        var q = new double[m * n];
        for (int i = 0; i < n; i++) q[i * n + i] = 1;
        for (int k = n - 1; k >= 0; k--)
        {
            var v = vs[k];
            for (int j = 0; j < n; j++)
            {
                double dot = 0; for (int i = k; i < m; i++) dot += v[i] * q[i * n + j];
                for (int i = k; i < m; i++) q[i * n + j] -= 2 * dot * v[i];
            }
        }
        for (int j = 0; j < n; j++)
        {
            double s = Math.Sign(r[j * n + j]); // sign(0) = 0, as torch.sign
            for (int i = 0; i < m; i++) q[i * n + j] *= s;
        }
        return q;
    }
}
