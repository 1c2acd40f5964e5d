using Lumen.NN;

namespace Lumen.Onnx;

// Conv and ConvTranspose. ONNX pads list every spatial dimension's start, then every end; PyTorch pads both ends
// alike, so asymmetric pads (CNTK's ResNet stem has [3, 3, 2, 2]) are applied by F.Pad before the convolution.
internal static partial class Ops
{
    private static OpFn Conv(ImportNode n)
    {
        var geometry = Geometry.Read(n);
        int group = n.IntAttr("group", 1);
        return (x, _) =>
        {
            Tensor input = x[0]!, weight = x[1]!;
            int nd = weight.Ndim - 2;
            CheckSpatial(n, nd, input);
            var k = weight.Shape.ToArray()[2..];
            var (s, d) = (geometry.Strides(nd), geometry.Dilations(nd));
            var (before, after) = geometry.Pads(n, input, k, s, d);
            if (!before.SequenceEqual(after)) { input = F.Pad(input, TorchPad(before, after)); before = new int[nd]; }
            return new Tensor?[] { nd switch
            {
                1 => F.Conv1d(input, weight, x.Length > 2 ? x[2] : null, s, before, d, group),
                2 => F.Conv2d(input, weight, x.Length > 2 ? x[2] : null, s, before, d, group),
                _ => F.Conv3d(input, weight, x.Length > 2 ? x[2] : null, s, before, d, group),
            } };
        };
    }

    private static OpFn ConvTranspose(ImportNode n)
    {
        var geometry = Geometry.Read(n);
        int group = n.IntAttr("group", 1);
        var outputPadding = n.IntArray("output_padding");
        var outputShape = n.IntArray("output_shape");
        return (x, _) =>
        {
            Tensor input = x[0]!, weight = x[1]!;
            Tensor? bias = x.Length > 2 ? x[2] : null;
            int nd = weight.Ndim - 2;
            CheckSpatial(n, nd, input);
            var k = weight.Shape.ToArray()[2..];
            var (s, d) = (geometry.Strides(nd), geometry.Dilations(nd));
            var op = outputPadding ?? new int[nd];
            int[] before, after;
            if (outputShape != null)
            {
                // ONNX: the pads that give output_shape; SAME_UPPER puts the odd element at the end, else the start.
                var want = outputShape.Length == nd ? outputShape : outputShape[^nd..];
                before = new int[nd]; after = new int[nd];
                for (int i = 0; i < nd; i++)
                {
                    int total = s[i] * (input.Size(2 + i) - 1) + op[i] + (k[i] - 1) * d[i] + 1 - want[i];
                    if (geometry.AutoPad == "SAME_UPPER") { before[i] = total / 2; after[i] = total - total / 2; }
                    else { before[i] = total - total / 2; after[i] = total / 2; }
                }
            }
            else if (geometry.AutoPad is "SAME_UPPER" or "SAME_LOWER")
            {
                before = new int[nd]; after = new int[nd];
                for (int i = 0; i < nd; i++)
                {
                    int total = Math.Max(0, s[i] * (input.Size(2 + i) - 1) + op[i] + (k[i] - 1) * d[i] + 1 - input.Size(2 + i) * s[i]);
                    if (geometry.AutoPad == "SAME_UPPER") { before[i] = total / 2; after[i] = total - total / 2; }
                    else { before[i] = total - total / 2; after[i] = total / 2; }
                }
            }
            else (before, after) = geometry.Explicit(n, nd);
            bool symmetric = before.SequenceEqual(after) && op.Select((p, i) => p < Math.Max(s[i], d[i])).All(b => b);
            if (symmetric) return new Tensor?[] { ConvTransposeNd(nd, input, weight, bias, s, before, op, group, d) };
            // The general case: the full transposed convolution, then F.Pad with negative sizes crops each side (and a
            // positive end adds output_padding's zeros), then the bias.
            var full = ConvTransposeNd(nd, input, weight, null, s, new int[nd], new int[nd], group, d);
            var y = F.Pad(full, TorchPad(before.Select(b => -b).ToArray(), after.Select((a, i) => op[i] - a).ToArray()));
            if (bias != null) y = y.Add(bias.Reshape(new[] { bias.Size(0) }.Concat(Enumerable.Repeat(1, nd)).ToArray()));
            return new Tensor?[] { y };
        };
    }

    private static Tensor ConvTransposeNd(int nd, Tensor x, Tensor w, Tensor? b, int[] s, int[] p, int[] op, int g, int[] d) => nd switch
    {
        1 => F.ConvTranspose1d(x, w, b, s, p, op, g, d),
        2 => F.ConvTranspose2d(x, w, b, s, p, op, g, d),
        _ => F.ConvTranspose3d(x, w, b, s, p, op, g, d),
    };

    private static void CheckSpatial(ImportNode n, int nd, Tensor input)
    {
        if (nd < 1 || nd > 3) throw new ArgumentException($"{n.Describe()}: {nd}-d kernels are not supported (1, 2 or 3 spatial dimensions).");
        if (input.Ndim != nd + 2)
            throw new ShapeMismatchException($"{n.Describe()}: expected an input (N, C, {nd} spatial dims) of rank {nd + 2}, got {input.Shape}.");
    }

    /// <summary>F.Pad's list (last dimension first, before then after) for per-dimension pads.</summary>
    internal static int[] TorchPad(int[] before, int[] after)
    {
        var p = new int[2 * before.Length];
        for (int i = 0; i < before.Length; i++)
        {
            int dim = before.Length - 1 - i;
            p[2 * i] = before[dim]; p[2 * i + 1] = after[dim];
        }
        return p;
    }

    /// <summary>The spatial attributes Conv, ConvTranspose and the pools share: strides, dilations, pads, auto_pad.</summary>
    private sealed record Geometry(int[]? StridesAttr, int[]? DilationsAttr, int[]? PadsAttr, string AutoPad, int[]? Kernel)
    {
        public static Geometry Read(ImportNode n)
        {
            var autoPad = n.String("auto_pad", "NOTSET");
            if (autoPad is not ("NOTSET" or "VALID" or "SAME_UPPER" or "SAME_LOWER" or ""))
                throw n.Error($"auto_pad '{autoPad}' is not one of NOTSET, VALID, SAME_UPPER, SAME_LOWER");
            var g = new Geometry(n.IntArray("strides"), n.IntArray("dilations"), n.IntArray("pads"), autoPad == "" ? "NOTSET" : autoPad,
                                 n.IntArray("kernel_shape"));
            if (g.StridesAttr?.Any(v => v < 1) == true) throw n.Error($"strides [{string.Join(", ", g.StridesAttr)}] must be positive");
            if (g.DilationsAttr?.Any(v => v < 1) == true) throw n.Error($"dilations [{string.Join(", ", g.DilationsAttr)}] must be positive");
            if (g.PadsAttr?.Any(v => v < 0) == true) throw n.Error($"pads [{string.Join(", ", g.PadsAttr)}] must not be negative");
            return g;
        }

        public int[] Strides(int nd) => Fit(StridesAttr, nd, "strides");
        public int[] Dilations(int nd) => Fit(DilationsAttr, nd, "dilations");

        private static int[] Fit(int[]? v, int nd, string name) =>
            v == null ? Enumerable.Repeat(1, nd).ToArray()
            : v.Length == nd ? v : throw new ArgumentException($"{name} [{string.Join(", ", v)}] has {v.Length} values for {nd} spatial dimensions.");

        public (int[] Before, int[] After) Explicit(ImportNode n, int nd)
        {
            if (PadsAttr == null) return (new int[nd], new int[nd]);
            if (PadsAttr.Length != 2 * nd)
                throw new ArgumentException($"{n.Describe()}: pads [{string.Join(", ", PadsAttr)}] need 2 × {nd} values (starts, then ends).");
            return (PadsAttr[..nd], PadsAttr[nd..]);
        }

        /// <summary>The pads before and after each spatial dimension of <paramref name="input"/>; SAME_* pads so
        /// that the output is ⌈in / stride⌉, the odd element at the end (UPPER) or the start (LOWER).</summary>
        public (int[] Before, int[] After) Pads(ImportNode n, Tensor input, int[] k, int[] s, int[] d)
        {
            int nd = k.Length;
            if (AutoPad == "VALID") return (new int[nd], new int[nd]);
            if (AutoPad == "NOTSET") return Explicit(n, nd);
            var before = new int[nd]; var after = new int[nd];
            for (int i = 0; i < nd; i++)
            {
                int size = input.Size(2 + i), output = (size + s[i] - 1) / s[i];
                int total = Math.Max(0, (output - 1) * s[i] + (k[i] - 1) * d[i] + 1 - size);
                int small = total / 2, large = total - small;
                (before[i], after[i]) = AutoPad == "SAME_UPPER" ? (small, large) : (large, small);
            }
            return (before, after);
        }
    }
}
