using Lumen.Autograd;
using Lumen.Kernels;
using Lumen.Tracing;

namespace Lumen.NN;

// Interpolation (upsampling and downsampling): nearest, nearest-exact, linear, bilinear, trilinear.
public static partial class F
{
    /// <summary>
    /// Resizes the spatial dimensions of a (N, C, L), (N, C, H, W) or (N, C, D, H, W) input, PyTorch's
    /// <c>F.interpolate</c>. Give either <paramref name="size"/> (the output's spatial size) or
    /// <paramref name="scaleFactor"/> (output size ⌊in·scale⌋). Modes:
    /// <list type="bullet">
    /// <item><c>"nearest"</c> (any rank): output o reads input min(⌊o·s⌋, in − 1) with s = 1/scaleFactor when a factor is
    /// given (and not recomputed), else in/out — PyTorch's legacy rule (grad_fn UpsampleNearest{1,2,3}DBackward1). As in
    /// PyTorch 1.13, backward, and forward on a channels-last-contiguous input (e.g. one channel), take shortcuts: an
    /// output of the input's size copies, one of twice its size reads o/2.</item>
    /// <item><c>"nearest-exact"</c>: min(⌊(o + 0.5)·s⌋, in − 1) (UpsampleNearestExact{1,2,3}DBackward1).</item>
    /// <item><c>"linear"</c> (3-D input), <c>"bilinear"</c> (4-D), <c>"trilinear"</c> (5-D): with
    /// <paramref name="alignCorners"/> the corner pixels' centres map onto each other (source = o·(in − 1)/(out − 1));
    /// without (the default) source = max((o + 0.5)·s − 0.5, 0) (UpsampleLinear1D / Bilinear2D / Trilinear3D Backward1).</item>
    /// </list>
    /// <paramref name="recomputeScaleFactor"/> = true forgets the factor after computing the output size, so s = in/out.
    /// </summary>
    public static Tensor Interpolate(Tensor input, PoolSize? size = null, ScaleFactor? scaleFactor = null, string mode = "nearest",
                                     bool? alignCorners = null, bool? recomputeScaleFactor = null)
    {
        if (Tracer.Recording) return Tracer.Record("interpolate", new[] { input }, () => Interpolate(input, size, scaleFactor, mode, alignCorners, recomputeScaleFactor),
            ("size", size), ("scale_factor", scaleFactor), ("mode", mode), ("align_corners", alignCorners), ("recompute_scale_factor", recomputeScaleFactor));
        const string op = "interpolate";
        int nd = input.Ndim - 2;
        if (nd < 1 || nd > 3)
            throw new ShapeMismatchException($"{op}: Only 3D, 4D and 5D input Tensors supported (got {input.Ndim}D, shape {input.Shape}) " +
                                             $"for the modes: nearest | linear | bilinear | trilinear | nearest-exact (got {mode}).");
        bool linear = mode is "linear" or "bilinear" or "trilinear";
        if (!linear && mode is not ("nearest" or "nearest-exact"))
            throw new ArgumentException($"{op}: mode '{mode}' is not supported; use nearest, nearest-exact, linear, bilinear or trilinear.");
        if (!linear && alignCorners != null)
            throw new ArgumentException($"{op}: align_corners option can only be set with the interpolating modes: linear | bilinear | bicubic | trilinear.");
        bool corners = alignCorners ?? false;
        if (size != null && scaleFactor != null) throw new ArgumentException($"{op}: only one of size or scale_factor should be defined.");
        if (size == null && scaleFactor == null) throw new ArgumentException($"{op}: either size or scale_factor should be defined.");
        if (recomputeScaleFactor == true && size != null)
            throw new ArgumentException($"{op}: recompute_scale_factor is not meaningful with an explicit size.");

        var inSize = input._shape[2..];
        int[] outSize;
        double[]? scales = null;
        if (size is { } sz)
        {
            if (sz.IsTuple && sz.Values.Count != nd)
                throw new ShapeMismatchException($"{op}: Input and output must have the same number of spatial dimensions, but got input with spatial " +
                                                 $"dimensions of {ShapeUtil.Str(inSize)} and output size of {sz}.");
            outSize = sz.Expand(nd, op, "size");
        }
        else
        {
            scales = scaleFactor!.Value.Expand(nd, op);
            outSize = new int[nd];
            for (int i = 0; i < nd; i++) outSize[i] = (int)Math.Floor(inSize[i] * scales[i]);
            if (recomputeScaleFactor == true) scales = null;
        }
        if (outSize.Any(o => o <= 0))
            throw new ArgumentException($"{op}: Input and output sizes should be greater than 0, but got input {ShapeUtil.Str(inSize)} output {ShapeUtil.Str(outSize)}.");
        CheckFloat(input, op);

        if (linear)
        {
            int need = mode == "linear" ? 1 : mode == "bilinear" ? 2 : 3;
            if (need != nd) throw new ArgumentException($"{op}: Got {input.Ndim}D input, but {mode} mode needs {need + 2}D input (shape {input.Shape}).");
            var axes = new LinearAxis[nd];
            for (int i = 0; i < nd; i++)
            {
                float scale = corners ? (outSize[i] > 1 ? (float)(inSize[i] - 1) / (outSize[i] - 1) : 0f) : ScaleValue(scales, i, inSize[i], outSize[i]);
                axes[i] = LinearSources(inSize[i], outSize[i], scale, corners);
            }
            return UpsampleLinear(input, nd, inSize, outSize, axes);
        }
        // PyTorch 1.13's legacy nearest has two forward kernels: the generic one reads floor(o·s) everywhere, the
        // channels-last one (taken whenever the input's strides are channels-last contiguous, as a contiguous input with
        // one channel is) first applies shortcuts: an output of the input's size copies, one of twice its size reads o/2.
        // Backward always applies them. So with a factor of 2.1 on width 3, a 2-channel input reads columns 0,0,0,1,1,2
        // and a 1-channel input 0,0,1,1,2,2, while both send gradients to 0,0,1,1,2,2. Reproduced as is.
        var fwd = new int[3][]; var bwd = new int[3][];
        for (int j = 0; j < 3; j++) fwd[j] = bwd[j] = new[] { 0 };
        bool exact = mode == "nearest-exact";
        for (int i = 0; i < nd; i++)
        {
            float scale = ScaleValue(scales, i, inSize[i], outSize[i]);
            bwd[3 - nd + i] = NearestIndices(inSize[i], outSize[i], scale, exact, shortcuts: true);
            fwd[3 - nd + i] = IsChannelsLastContiguous(input) ? bwd[3 - nd + i] : NearestIndices(inSize[i], outSize[i], scale, exact, shortcuts: false);
        }
        string name = $"Upsample{(exact ? "NearestExact" : "Nearest")}{nd}DBackward1";
        return UpsampleNearest(input, nd, inSize, outSize, fwd, bwd, name);
    }

    /// <summary>PyTorch's <c>is_contiguous(channels_last)</c> for a 4-D or 5-D tensor: walking C, then the spatial dims
    /// from last to first, then N, the strides of the dims larger than 1 are the running products of the sizes.</summary>
    private static bool IsChannelsLastContiguous(Tensor t)
    {
        if (t.Ndim != 4 && t.Ndim != 5) return false;
        var order = t.Ndim == 4 ? new[] { 1, 3, 2, 0 } : new[] { 1, 4, 3, 2, 0 };
        long expected = 1;
        foreach (var d in order)
        {
            if (t._shape[d] == 1) continue;
            if (t._strides[d] != expected) return false;
            expected *= t._shape[d];
        }
        return true;
    }

    /// <summary>PyTorch's <c>compute_scales_value</c>: 1/scaleFactor (as float) when a positive factor was given, else in/out.</summary>
    private static float ScaleValue(double[]? scales, int i, int inSize, int outSize) =>
        scales != null && scales[i] > 0 ? (float)(1.0 / scales[i]) : (float)inSize / outSize;

    /// <summary>Linear-interpolation sources along one axis, PyTorch's rule in float: when sizes are equal, a copy; else
    /// the source coordinate is scale·o (alignCorners) or max(scale·(o + 0.5) − 0.5, 0); its integer part is I0, the next
    /// index (if any) I1, and the fraction the weight of I1.</summary>
    private static LinearAxis LinearSources(int inSize, int outSize, float scale, bool alignCorners)
    {
        var i0s = new int[outSize]; var i1s = new int[outSize]; var l0s = new float[outSize]; var l1s = new float[outSize];
        for (int o = 0; o < outSize; o++)
        {
            if (inSize == outSize) { i0s[o] = i1s[o] = o; l0s[o] = 1f; l1s[o] = 0f; continue; }
            // As PyTorch: scale·(o + 0.5) − 0.5 is evaluated in double (its 0.5s are double literals), then rounded to float.
            float src = alignCorners ? scale * o : Math.Max((float)(scale * (o + 0.5) - 0.5), 0f);
            int i0 = (int)src;
            i0s[o] = i0;
            i1s[o] = i0 + (i0 < inSize - 1 ? 1 : 0);
            float l1 = Math.Min(Math.Max(src - i0, 0f), 1f);
            l1s[o] = l1;
            l0s[o] = 1f - l1;
        }
        return new LinearAxis(i0s, i1s, l0s, l1s);
    }

    private static int[] NearestIndices(int inSize, int outSize, float scale, bool exact, bool shortcuts)
    {
        var r = new int[outSize];
        for (int o = 0; o < outSize; o++)
        {
            int i;
            if (exact) i = (int)MathF.Floor((float)((o + 0.5) * scale)); // (o + 0.5)·scale in double, as in PyTorch, then floorf
            else if (shortcuts && outSize == inSize) i = o;
            else if (shortcuts && outSize == 2 * inSize) i = o >> 1;
            else i = (int)MathF.Floor(o * scale);
            r[o] = Math.Min(i, inSize - 1);
        }
        return r;
    }

    private static Tensor UpsampleNearest(Tensor input, int nd, int[] inSize, int[] outSize, int[][] src, int[][] srcBackward, string name)
    {
        int inH = nd >= 2 ? inSize[nd - 2] : 1, inW = inSize[nd - 1];
        int inPlane = inSize.Aggregate(1, (a, b) => a * b), outPlane = outSize.Aggregate(1, (a, b) => a * b);
        int planes = input._shape[0] * input._shape[1];
        var x = input.Contiguous(); float[] xs = x.F32; int xo = x._offset;
        var y = Tensor.Empty(input._shape[..2].Concat(outSize).ToArray(), DType.Float32, zero: false);
        float[] ys = y.F32;
        ParallelFor.Run(planes, Grain(inPlane + outPlane), (a, b) =>
        {
            for (int c = a; c < b; c++)
                PoolKernels.UpsampleNearest(xs.AsSpan(xo + c * inPlane, inPlane), ys.AsSpan(c * outPlane, outPlane), inH, inW, src[0], src[1], src[2]);
        });
        var inShape = input._shape;
        return Graph.Record(y, name, new[] { input }, g =>
        {
            var gc = g.Contiguous(); float[] gs = gc.F32; int go = gc._offset;
            var gx = Tensor.Empty(inShape, DType.Float32, zero: false);
            float[] gxs = gx.F32;
            ParallelFor.Run(planes, Grain(inPlane + outPlane), (a, b) =>
            {
                for (int c = a; c < b; c++)
                    PoolKernels.UpsampleNearestBackward(gs.AsSpan(go + c * outPlane, outPlane), gxs.AsSpan(c * inPlane, inPlane), inH, inW,
                                                        srcBackward[0], srcBackward[1], srcBackward[2]);
            });
            return new[] { gx };
        });
    }

    private static Tensor UpsampleLinear(Tensor input, int nd, int[] inSize, int[] outSize, LinearAxis[] axes)
    {
        int inH = nd >= 2 ? inSize[nd - 2] : 1, inW = inSize[nd - 1];
        int inPlane = inSize.Aggregate(1, (a, b) => a * b), outPlane = outSize.Aggregate(1, (a, b) => a * b);
        int planes = input._shape[0] * input._shape[1];
        var x = input.Contiguous(); float[] xs = x.F32; int xo = x._offset;
        var y = Tensor.Empty(input._shape[..2].Concat(outSize).ToArray(), DType.Float32, zero: false);
        float[] ys = y.F32;
        ParallelFor.Run(planes, Grain(inPlane + outPlane), (a, b) =>
        {
            for (int c = a; c < b; c++)
            {
                var xp = xs.AsSpan(xo + c * inPlane, inPlane); var yp = ys.AsSpan(c * outPlane, outPlane);
                if (nd == 1) PoolKernels.UpsampleLinear1d(xp, yp, axes[0]);
                else if (nd == 2) PoolKernels.UpsampleBilinear2d(xp, yp, inW, axes[0], axes[1]);
                else PoolKernels.UpsampleTrilinear3d(xp, yp, inH, inW, axes[0], axes[1], axes[2]);
            }
        });
        var inShape = input._shape;
        string name = nd == 1 ? "UpsampleLinear1DBackward1" : nd == 2 ? "UpsampleBilinear2DBackward1" : "UpsampleTrilinear3DBackward1";
        LinearAxis? dAxis = nd == 3 ? axes[0] : null, hAxis = nd >= 2 ? axes[nd - 2] : null;
        var wAxis = axes[nd - 1];
        return Graph.Record(y, name, new[] { input }, g =>
        {
            var gc = g.Contiguous(); float[] gs = gc.F32; int go = gc._offset;
            var gx = Tensor.Empty(inShape, DType.Float32, zero: false);
            float[] gxs = gx.F32;
            ParallelFor.Run(planes, Grain(inPlane + outPlane), (a, b) =>
            {
                for (int c = a; c < b; c++)
                    PoolKernels.UpsampleLinearBackward(gs.AsSpan(go + c * outPlane, outPlane), gxs.AsSpan(c * inPlane, inPlane), inH, inW, dAxis, hAxis, wAxis);
            });
            return new[] { gx };
        });
    }
}
