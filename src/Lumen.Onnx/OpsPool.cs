using Lumen.NN;

namespace Lumen.Onnx;

// MaxPool and AveragePool. Symmetric pads within half the kernel run PyTorch's pools directly (same ceil_mode and
// count_include_pad rules); other pads are applied explicitly: -inf for max, and for average a pooled mask of ones
// divides the pooled sum when padding is not counted.
internal static partial class Ops
{
    private static OpFn MaxPool(ImportNode n)
    {
        var (g, k) = PoolGeometry(n);
        bool ceil = n.Int("ceil_mode", 0) != 0;
        if (n.HasOutput(1)) throw n.Unsupported("the Indices output (the argmax of each window) is not supported");
        if (n.Int("storage_order", 0) != 0) throw n.Unsupported("storage_order = 1 is only used by the Indices output, which is not supported");
        return (x, _) =>
        {
            var input = x[0]!;
            int nd = k.Length;
            CheckSpatial(n, nd, input);
            var (s, d) = (g.Strides(nd), g.Dilations(nd));
            var (before, after) = g.Pads(n, input, k, s, d);
            if (!(before.SequenceEqual(after) && before.Select((p, i) => p <= k[i] / 2).All(b => b)))
            {
                input = F.Pad(input, TorchPad(before, after), value: float.NegativeInfinity);
                before = new int[nd];
            }
            return new Tensor?[] { nd switch
            {
                1 => F.MaxPool1d(input, k, s, before, d, ceil),
                2 => F.MaxPool2d(input, k, s, before, d, ceil),
                _ => F.MaxPool3d(input, k, s, before, d, ceil),
            } };
        };
    }

    private static OpFn AveragePool(ImportNode n)
    {
        var (g, k) = PoolGeometry(n);
        if (g.DilationsAttr?.Any(v => v != 1) == true) throw n.Unsupported("dilated average pooling is not supported");
        bool ceil = n.Int("ceil_mode", 0) != 0;
        bool countPad = n.Int("count_include_pad", 0) != 0;
        return (x, _) =>
        {
            var input = x[0]!;
            int nd = k.Length;
            CheckSpatial(n, nd, input);
            var s = g.Strides(nd);
            var (before, after) = g.Pads(n, input, k, s, Enumerable.Repeat(1, nd).ToArray());
            if (before.SequenceEqual(after) && before.Select((p, i) => p <= k[i] / 2).All(b => b))
                return new Tensor?[] { AvgPoolNd(nd, input, k, s, before, ceil, countPad) };
            var pad = TorchPad(before, after);
            var sum = AvgPoolNd(nd, F.Pad(input, pad), k, s, new int[nd], ceil, true);
            if (countPad) return new Tensor?[] { sum };
            // Both poolings divide by the same window sizes, so their ratio is the sum over input elements / their count.
            var ones = Torch.Ones(new[] { 1, 1 }.Concat(input.Shape.ToArray()[2..]).ToArray());
            var count = AvgPoolNd(nd, F.Pad(ones, pad), k, s, new int[nd], ceil, true);
            return new Tensor?[] { sum.Div(count) };
        };
    }

    private static Tensor AvgPoolNd(int nd, Tensor x, int[] k, int[] s, int[] p, bool ceil, bool countPad) => nd switch
    {
        1 => F.AvgPool1d(x, k, s, p, ceil, countPad),
        2 => F.AvgPool2d(x, k, s, p, ceil, countPad),
        _ => F.AvgPool3d(x, k, s, p, ceil, countPad),
    };

    private static (Geometry, int[]) PoolGeometry(ImportNode n)
    {
        var g = Geometry.Read(n);
        var k = g.Kernel ?? throw n.Error("attribute 'kernel_shape' is required");
        if (k.Length is < 1 or > 3 || k.Any(v => v < 1)) throw n.Error($"kernel_shape [{string.Join(", ", k)}] must hold 1 to 3 positive sizes");
        return (g, k);
    }
}
