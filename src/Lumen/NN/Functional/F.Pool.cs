using Lumen.Autograd;
using Lumen.Kernels;
using Lumen.Tracing;

namespace Lumen.NN;

/// <summary>
/// The functional API, PyTorch's <c>torch.nn.functional</c>. This file: max, average, adaptive pooling and max
/// unpooling. Every pool accepts a batched (N, C, *spatial) or unbatched (C, *spatial) input; 2-d and 3-d pools share one
/// kernel per kind (Kernels/PoolKernels.cs) run over the N·C planes in parallel, and the 1-d pools are the 2-d pools
/// on an unsqueezed input, exactly as PyTorch builds them (so their grad_fn is <c>SqueezeBackward1</c>).
/// </summary>
public static partial class F
{
    // ================================================================== max pool

    /// <summary>1-d max pooling, PyTorch's <c>F.max_pool1d</c>. Input (N, C, L) or (C, L); output length
    /// ⌊(L + 2·padding − dilation·(kernelSize − 1) − 1) / stride⌋ + 1 (⌈⌉ with <paramref name="ceilMode"/>, the last window
    /// starting inside the input or the left padding). <paramref name="stride"/> defaults to <paramref name="kernelSize"/>.</summary>
    public static Tensor MaxPool1d(Tensor input, PoolSize kernelSize, PoolSize? stride = null, PoolSize? padding = null,
                                   PoolSize? dilation = null, bool ceilMode = false)
    {
        if (Tracer.Recording) return Tracer.Record("max_pool1d", new[] { input }, () => MaxPool1d(input, kernelSize, stride, padding, dilation, ceilMode),
            ("kernel_size", kernelSize), ("stride", stride ?? kernelSize), ("padding", padding ?? 0), ("dilation", dilation ?? 1), ("ceil_mode", ceilMode));
        return MaxPool1dCore(input, kernelSize, stride, padding, dilation, ceilMode, wantIndices: false).Values;
    }

    /// <summary><see cref="MaxPool1d"/> that also returns the argmax of each window (int64, index along L),
    /// PyTorch's <c>F.max_pool1d(..., return_indices=True)</c>.</summary>
    public static ValuesIndices MaxPool1dWithIndices(Tensor input, PoolSize kernelSize, PoolSize? stride = null, PoolSize? padding = null,
                                                     PoolSize? dilation = null, bool ceilMode = false) =>
        MaxPool1dCore(input, kernelSize, stride, padding, dilation, ceilMode, wantIndices: true);

    private static ValuesIndices MaxPool1dCore(Tensor input, PoolSize kernelSize, PoolSize? stride, PoolSize? padding,
                                               PoolSize? dilation, bool ceilMode, bool wantIndices)
    {
        const string op = "max_pool1d";
        CheckRank(input, 1, op);
        var (k, s, p, d) = PoolArgs(1, kernelSize, stride, padding ?? 0, dilation ?? 1, op);
        var (values, indices) = MaxPoolCore(input.Unsqueeze(-2), 2, new[] { 1, k[0] }, new[] { 1, s[0] }, new[] { 0, p[0] },
                                            new[] { 1, d[0] }, ceilMode, wantIndices, op);
        return new ValuesIndices(values.Squeeze(-2), wantIndices ? indices!.Squeeze(-2) : null!);
    }

    /// <summary>2-d max pooling, PyTorch's <c>F.max_pool2d</c> (grad_fn MaxPool2DWithIndicesBackward0). Input
    /// (N, C, H, W) or (C, H, W). Each output size is ⌊(in + 2·padding − dilation·(kernel − 1) − 1) / stride⌋ + 1, or with
    /// <paramref name="ceilMode"/> the ceiling, dropping a last window that would start in the right padding.
    /// Padding must be at most half the kernel. The gradient goes to the first maximum of each window.</summary>
    public static Tensor MaxPool2d(Tensor input, PoolSize kernelSize, PoolSize? stride = null, PoolSize? padding = null,
                                   PoolSize? dilation = null, bool ceilMode = false)
    {
        if (Tracer.Recording) return Tracer.Record("max_pool2d", new[] { input }, () => MaxPool2d(input, kernelSize, stride, padding, dilation, ceilMode),
            ("kernel_size", kernelSize), ("stride", stride ?? kernelSize), ("padding", padding ?? 0), ("dilation", dilation ?? 1), ("ceil_mode", ceilMode));
        return MaxPoolNd(input, 2, kernelSize, stride, padding, dilation, ceilMode, false, "max_pool2d").Values;
    }

    /// <summary><see cref="MaxPool2d"/> that also returns the argmax of each window as an int64 flat index h·W + w
    /// into its (H, W) plane, PyTorch's <c>F.max_pool2d(..., return_indices=True)</c>.</summary>
    public static ValuesIndices MaxPool2dWithIndices(Tensor input, PoolSize kernelSize, PoolSize? stride = null, PoolSize? padding = null,
                                                     PoolSize? dilation = null, bool ceilMode = false) =>
        MaxPoolNd(input, 2, kernelSize, stride, padding, dilation, ceilMode, true, "max_pool2d");

    /// <summary>3-d max pooling, PyTorch's <c>F.max_pool3d</c> (grad_fn MaxPool3DWithIndicesBackward0). Input
    /// (N, C, D, H, W) or (C, D, H, W); output sizes as <see cref="MaxPool2d"/>.</summary>
    public static Tensor MaxPool3d(Tensor input, PoolSize kernelSize, PoolSize? stride = null, PoolSize? padding = null,
                                   PoolSize? dilation = null, bool ceilMode = false)
    {
        if (Tracer.Recording) return Tracer.Record("max_pool3d", new[] { input }, () => MaxPool3d(input, kernelSize, stride, padding, dilation, ceilMode),
            ("kernel_size", kernelSize), ("stride", stride ?? kernelSize), ("padding", padding ?? 0), ("dilation", dilation ?? 1), ("ceil_mode", ceilMode));
        return MaxPoolNd(input, 3, kernelSize, stride, padding, dilation, ceilMode, false, "max_pool3d").Values;
    }

    /// <summary><see cref="MaxPool3d"/> with int64 flat indices d·H·W + h·W + w into each (D, H, W) plane.</summary>
    public static ValuesIndices MaxPool3dWithIndices(Tensor input, PoolSize kernelSize, PoolSize? stride = null, PoolSize? padding = null,
                                                     PoolSize? dilation = null, bool ceilMode = false) =>
        MaxPoolNd(input, 3, kernelSize, stride, padding, dilation, ceilMode, true, "max_pool3d");

    private static ValuesIndices MaxPoolNd(Tensor input, int nd, PoolSize kernelSize, PoolSize? stride, PoolSize? padding,
                                           PoolSize? dilation, bool ceilMode, bool wantIndices, string op)
    {
        CheckRank(input, nd, op);
        var (k, s, p, d) = PoolArgs(nd, kernelSize, stride, padding ?? 0, dilation ?? 1, op);
        var (values, indices) = MaxPoolCore(input, nd, k, s, p, d, ceilMode, wantIndices, op);
        return new ValuesIndices(values, indices!);
    }

    /// <summary>Max pool over the last <paramref name="nd"/> (2 or 3) dimensions of a checked input.</summary>
    private static (Tensor Values, Tensor? Indices) MaxPoolCore(Tensor input, int nd, int[] k, int[] s, int[] p, int[] d,
                                                                bool ceilMode, bool wantIndices, string op)
    {
        CheckFloat(input, op);
        for (int i = 0; i < nd; i++)
            if (p[i] > k[i] / 2)
                throw new ArgumentException($"{op}: pad should be at most half of kernel size, but got pad={p[i]} and kernel_size={k[i]} " +
                                            $"(input shape {input.Shape}).");
        var (geom, planes, outShape) = Geometry(input, nd, k, s, p, d, ceilMode, op);
        var x = input.Contiguous();
        float[] xs = x.F32; int xo = x._offset, inPlane = geom.InPlane, outPlane = geom.OutPlane;
        var y = Tensor.Empty(outShape, DType.Float32, zero: false);
        float[] ys = y.F32;
        var idx = DisposeScope.RentArray<int>(planes * outPlane);   // read by backward; pooled inside a DisposeScope
        ParallelFor.Run(planes, Grain(inPlane + outPlane), (a, b) =>
        {
            for (int c = a; c < b; c++)
                PoolKernels.MaxPool(xs.AsSpan(xo + c * inPlane, inPlane), ys.AsSpan(c * outPlane, outPlane), idx.AsSpan(c * outPlane, outPlane), geom);
        });
        var inShape = input._shape;
        Graph.Record(y, nd == 2 ? "MaxPool2DWithIndicesBackward0" : "MaxPool3DWithIndicesBackward0", new[] { input },
            g => new[] { ScatterToArgmax(g, idx, inShape, planes, inPlane, outPlane) }, input);
        return (y, wantIndices ? IndicesTensor(idx, outShape) : null);
    }

    /// <summary>dL/dx of a max pool: each output's gradient added at its argmax, plane by plane.</summary>
    private static Tensor ScatterToArgmax(Tensor g, int[] idx, int[] inShape, int planes, int inPlane, int outPlane)
    {
        var gc = g.Contiguous();
        float[] gs = gc.F32; int go = gc._offset;
        var gx = Tensor.Empty(inShape, DType.Float32, zero: false);
        float[] gxs = gx.F32;
        ParallelFor.Run(planes, Grain(inPlane + outPlane), (a, b) =>
        {
            for (int c = a; c < b; c++)
                PoolKernels.ScatterAdd(gs.AsSpan(go + c * outPlane, outPlane), idx.AsSpan(c * outPlane, outPlane), gxs.AsSpan(c * inPlane, inPlane));
        });
        return gx;
    }

    private static Tensor IndicesTensor(int[] idx, int[] shape)
    {
        var t = Tensor.Empty(shape, DType.Int64, zero: false);
        var dst = t.I64;
        for (int i = 0; i < idx.Length; i++) dst[i] = idx[i];
        return t;
    }

    // ================================================================== max unpool

    /// <summary>Inverse of <see cref="MaxPool1dWithIndices(Tensor, PoolSize, PoolSize?, PoolSize?, PoolSize?, bool)"/>,
    /// PyTorch's <c>F.max_unpool1d</c>: zeros except each value placed at its index. Output length
    /// (L − 1)·stride − 2·padding + kernelSize unless <paramref name="outputSize"/> (the last 1, or all 2–3, sizes) says otherwise.</summary>
    public static Tensor MaxUnpool1d(Tensor input, Tensor indices, PoolSize kernelSize, PoolSize? stride = null, PoolSize? padding = null,
                                     int[]? outputSize = null)
    {
        const string op = "max_unpool1d";
        CheckRank(input, 1, op);
        var size = UnpoolSize(input, 1, kernelSize, stride, padding, outputSize, op);
        return MaxUnpoolCore(input.Unsqueeze(-1), indices.Unsqueeze(-1), 2, new[] { size[0], 1 }, op).Squeeze(-1);
    }

    /// <summary>Inverse of <see cref="MaxPool2dWithIndices"/>, PyTorch's <c>F.max_unpool2d</c> (grad_fn MaxUnpool2DBackward0):
    /// input and indices (N, C, H, W) or (C, H, W); output (…, H_out, W_out) with H_out = (H − 1)·stride − 2·padding + kernel
    /// unless <paramref name="outputSize"/> gives it (within ±stride of that).</summary>
    public static Tensor MaxUnpool2d(Tensor input, Tensor indices, PoolSize kernelSize, PoolSize? stride = null, PoolSize? padding = null,
                                     int[]? outputSize = null)
    {
        const string op = "max_unpool2d";
        CheckRank(input, 2, op);
        return MaxUnpoolCore(input, indices, 2, UnpoolSize(input, 2, kernelSize, stride, padding, outputSize, op), op);
    }

    /// <summary>Inverse of <see cref="MaxPool3dWithIndices"/>, PyTorch's <c>F.max_unpool3d</c> (grad_fn MaxUnpool3DBackward0).</summary>
    public static Tensor MaxUnpool3d(Tensor input, Tensor indices, PoolSize kernelSize, PoolSize? stride = null, PoolSize? padding = null,
                                     int[]? outputSize = null)
    {
        const string op = "max_unpool3d";
        CheckRank(input, 3, op);
        return MaxUnpoolCore(input, indices, 3, UnpoolSize(input, 3, kernelSize, stride, padding, outputSize, op), op);
    }

    private static int[] UnpoolSize(Tensor input, int nd, PoolSize kernelSize, PoolSize? stride, PoolSize? padding, int[]? outputSize, string op)
    {
        var k = kernelSize.Expand(nd, op, "kernel_size");
        var s = (stride ?? kernelSize).Expand(nd, op, "stride");
        var p = (padding ?? 0).Expand(nd, op, "padding");
        int rank = input.Ndim;
        var def = new int[nd];
        for (int i = 0; i < nd; i++) def[i] = (input._shape[rank - nd + i] - 1) * s[i] - 2 * p[i] + k[i];
        if (outputSize == null) return def;
        int[] given = outputSize.Length == nd ? outputSize
            : outputSize.Length == rank ? outputSize[^nd..]
            : throw new ArgumentException($"{op}: output_size should be a sequence containing {nd} or {rank} elements, but it has a length of {outputSize.Length}.");
        for (int i = 0; i < nd; i++)
            if (given[i] <= def[i] - s[i] || given[i] >= def[i] + s[i])
                throw new ArgumentException($"{op}: invalid output_size \"({string.Join(", ", given)})\" (dim {i} must be between {def[i] - s[i]} and {def[i] + s[i]}).");
        return (int[])given.Clone();
    }

    private static Tensor MaxUnpoolCore(Tensor input, Tensor indices, int nd, int[] outSpatial, string op)
    {
        CheckFloat(input, op);
        if (indices.DType != DType.Int64)
            throw new ArgumentException($"{op}: indices must be an int64 tensor, got {indices.DType.TorchName()}.");
        if (indices.Shape != input.Shape)
            throw new ShapeMismatchException($"{op}: expected indices of the input's shape {input.Shape}, got {indices.Shape}.");
        int rank = input.Ndim, inPlane = 1, outPlane = 1;
        for (int i = 0; i < nd; i++) { inPlane *= input._shape[rank - nd + i]; outPlane *= outSpatial[i]; }
        var outShape = input._shape[..(rank - nd)].Concat(outSpatial).ToArray();
        int planes = inPlane == 0 ? 0 : input.Numel() / inPlane;
        var x = input.Contiguous(); float[] xs = x.F32; int xo = x._offset;
        var ix = indices.Contiguous(); long[] ids = ix.I64; int io = ix._offset;
        var y = Tensor.Empty(outShape);
        float[] ys = y.F32;
        long bad = -1;
        ParallelFor.Run(planes, Grain(inPlane + outPlane), (a, b) =>
        {
            for (int c = a; c < b; c++)
            {
                long r = PoolKernels.MaxUnpool(xs.AsSpan(xo + c * inPlane, inPlane), ids.AsSpan(io + c * inPlane, inPlane), ys.AsSpan(c * outPlane, outPlane));
                if (r >= 0) Interlocked.CompareExchange(ref bad, r, -1);
            }
        });
        if (bad >= 0)
            throw new ArgumentException($"{op}: Found an invalid max index: {bad} (output volumes are of size {string.Join("x", outSpatial)}).");
        return Graph.Record(y, nd == 2 ? "MaxUnpool2DBackward0" : "MaxUnpool3DBackward0", new[] { input }, g =>
        {
            var gc = g.Contiguous(); float[] gs = gc.F32; int go = gc._offset;
            var gx = Tensor.Empty(input._shape, DType.Float32, zero: false);
            float[] gxs = gx.F32;
            ParallelFor.Run(planes, Grain(inPlane + outPlane), (a, b) =>
            {
                for (int c = a; c < b; c++)
                    PoolKernels.MaxUnpoolBackward(gs.AsSpan(go + c * outPlane, outPlane), ids.AsSpan(io + c * inPlane, inPlane), gxs.AsSpan(c * inPlane, inPlane));
            });
            return new[] { gx };
        }, ix);
    }

    // ================================================================== average pool

    /// <summary>1-d average pooling, PyTorch's <c>F.avg_pool1d</c>: <see cref="AvgPool2d"/> on (…, 1, L).</summary>
    public static Tensor AvgPool1d(Tensor input, PoolSize kernelSize, PoolSize? stride = null, PoolSize? padding = null,
                                   bool ceilMode = false, bool countIncludePad = true)
    {
        if (Tracer.Recording) return Tracer.Record("avg_pool1d", new[] { input }, () => AvgPool1d(input, kernelSize, stride, padding, ceilMode, countIncludePad),
            ("kernel_size", kernelSize), ("stride", stride ?? kernelSize), ("padding", padding ?? 0), ("ceil_mode", ceilMode), ("count_include_pad", countIncludePad), ("divisor_override", null));
        const string op = "avg_pool1d";
        CheckRank(input, 1, op);
        var (k, s, p, _) = PoolArgs(1, kernelSize, stride, padding ?? 0, 1, op);
        return AvgPoolCore(input.Unsqueeze(-2), 2, new[] { 1, k[0] }, new[] { 1, s[0] }, new[] { 0, p[0] }, ceilMode, countIncludePad, null, op)
            .Squeeze(-2);
    }

    /// <summary>2-d average pooling, PyTorch's <c>F.avg_pool2d</c> (grad_fn AvgPool2DBackward0). Input (N, C, H, W) or
    /// (C, H, W); output sizes as <see cref="MaxPool2d"/> with dilation 1. Each window's sum is divided by
    /// <paramref name="divisorOverride"/> if given, else by the window's size including padding (but not the part of a
    /// ceil-mode window beyond the padding) when <paramref name="countIncludePad"/>, else by its number of input elements.</summary>
    public static Tensor AvgPool2d(Tensor input, PoolSize kernelSize, PoolSize? stride = null, PoolSize? padding = null,
                                   bool ceilMode = false, bool countIncludePad = true, int? divisorOverride = null)
    {
        if (Tracer.Recording) return Tracer.Record("avg_pool2d", new[] { input }, () => AvgPool2d(input, kernelSize, stride, padding, ceilMode, countIncludePad, divisorOverride),
            ("kernel_size", kernelSize), ("stride", stride ?? kernelSize), ("padding", padding ?? 0), ("ceil_mode", ceilMode), ("count_include_pad", countIncludePad), ("divisor_override", divisorOverride));
        const string op = "avg_pool2d";
        CheckRank(input, 2, op);
        var (k, s, p, _) = PoolArgs(2, kernelSize, stride, padding ?? 0, 1, op);
        return AvgPoolCore(input, 2, k, s, p, ceilMode, countIncludePad, divisorOverride, op);
    }

    /// <summary>3-d average pooling, PyTorch's <c>F.avg_pool3d</c> (grad_fn AvgPool3DBackward0); rules as <see cref="AvgPool2d"/>.</summary>
    public static Tensor AvgPool3d(Tensor input, PoolSize kernelSize, PoolSize? stride = null, PoolSize? padding = null,
                                   bool ceilMode = false, bool countIncludePad = true, int? divisorOverride = null)
    {
        if (Tracer.Recording) return Tracer.Record("avg_pool3d", new[] { input }, () => AvgPool3d(input, kernelSize, stride, padding, ceilMode, countIncludePad, divisorOverride),
            ("kernel_size", kernelSize), ("stride", stride ?? kernelSize), ("padding", padding ?? 0), ("ceil_mode", ceilMode), ("count_include_pad", countIncludePad), ("divisor_override", divisorOverride));
        const string op = "avg_pool3d";
        CheckRank(input, 3, op);
        var (k, s, p, _) = PoolArgs(3, kernelSize, stride, padding ?? 0, 1, op);
        return AvgPoolCore(input, 3, k, s, p, ceilMode, countIncludePad, divisorOverride, op);
    }

    private static Tensor AvgPoolCore(Tensor input, int nd, int[] k, int[] s, int[] p, bool ceilMode, bool countIncludePad,
                                      int? divisorOverride, string op)
    {
        CheckFloat(input, op);
        if (divisorOverride == 0) throw new ArgumentException($"{op}: divisor must be not zero.");
        for (int i = 0; i < nd; i++)
            if (p[i] > k[i] / 2)
                throw new ArgumentException($"{op}: pad should be at most half of kernel size, but got pad={p[i]} and kernel_size={k[i]} " +
                                            $"(input shape {input.Shape}).");
        var (geom, planes, outShape) = Geometry(input, nd, k, s, p, Enumerable.Repeat(1, nd).ToArray(), ceilMode, op);
        int divisor = divisorOverride ?? 0, inPlane = geom.InPlane, outPlane = geom.OutPlane;
        var x = input.Contiguous(); float[] xs = x.F32; int xo = x._offset;
        var y = Tensor.Empty(outShape, DType.Float32, zero: false);
        float[] ys = y.F32;
        ParallelFor.Run(planes, Grain(inPlane + outPlane), (a, b) =>
        {
            for (int c = a; c < b; c++)
                PoolKernels.AvgPool(xs.AsSpan(xo + c * inPlane, inPlane), ys.AsSpan(c * outPlane, outPlane), geom, countIncludePad, divisor);
        });
        var inShape = input._shape;
        return Graph.Record(y, nd == 2 ? "AvgPool2DBackward0" : "AvgPool3DBackward0", new[] { input }, g =>
        {
            var gc = g.Contiguous(); float[] gs = gc.F32; int go = gc._offset;
            var gx = Tensor.Empty(inShape, DType.Float32, zero: false);
            float[] gxs = gx.F32;
            ParallelFor.Run(planes, Grain(inPlane + outPlane), (a, b) =>
            {
                for (int c = a; c < b; c++)
                    PoolKernels.AvgPoolBackward(gs.AsSpan(go + c * outPlane, outPlane), gxs.AsSpan(c * inPlane, inPlane), geom, countIncludePad, divisor);
            });
            return new[] { gx };
        }, input);
    }

    // ================================================================== adaptive pools

    /// <summary>1-d adaptive average pooling, PyTorch's <c>F.adaptive_avg_pool1d</c>: input (N, C, L) or (C, L), output
    /// (…, outputSize); window i covers [⌊i·L/out⌋, ⌈(i+1)·L/out⌉).</summary>
    public static Tensor AdaptiveAvgPool1d(Tensor input, PoolSize outputSize)
    {
        if (Tracer.Recording) return Tracer.Record("adaptive_avg_pool1d", new[] { input }, () => AdaptiveAvgPool1d(input, outputSize), ("output_size", outputSize));
        const string op = "adaptive_avg_pool1d";
        CheckRank(input, 1, op);
        var o = OutputSizes(outputSize, 1, op);
        return AdaptiveAvgPoolCore(input.Unsqueeze(-2), 2, new[] { 1, o[0] }, op).Squeeze(-2);
    }

    /// <summary>2-d adaptive average pooling, PyTorch's <c>F.adaptive_avg_pool2d</c> (grad_fn AdaptiveAvgPool2DBackward0;
    /// for an output of (1, 1) it is a mean over H and W, grad_fn MeanBackward1, as in PyTorch). Input (N, C, H, W) or
    /// (C, H, W); window (i, j) covers rows [⌊i·H/outH⌋, ⌈(i+1)·H/outH⌉) and likewise columns.</summary>
    public static Tensor AdaptiveAvgPool2d(Tensor input, PoolSize outputSize)
    {
        if (Tracer.Recording) return Tracer.Record("adaptive_avg_pool2d", new[] { input }, () => AdaptiveAvgPool2d(input, outputSize), ("output_size", outputSize));
        const string op = "adaptive_avg_pool2d";
        CheckRank(input, 2, op);
        return AdaptiveAvgPoolCore(input, 2, OutputSizes(outputSize, 2, op), op);
    }

    /// <summary>3-d adaptive average pooling, PyTorch's <c>F.adaptive_avg_pool3d</c> (grad_fn AdaptiveAvgPool3DBackward0,
    /// MeanBackward1 for an output of (1, 1, 1)).</summary>
    public static Tensor AdaptiveAvgPool3d(Tensor input, PoolSize outputSize)
    {
        if (Tracer.Recording) return Tracer.Record("adaptive_avg_pool3d", new[] { input }, () => AdaptiveAvgPool3d(input, outputSize), ("output_size", outputSize));
        const string op = "adaptive_avg_pool3d";
        CheckRank(input, 3, op);
        return AdaptiveAvgPoolCore(input, 3, OutputSizes(outputSize, 3, op), op);
    }

    private static Tensor AdaptiveAvgPoolCore(Tensor input, int nd, int[] outSize, string op)
    {
        CheckFloat(input, op);
        if (outSize.All(o => o == 1))
            return input.Mean(nd == 2 ? new[] { -1, -2 } : new[] { -1, -2, -3 }, keepDim: true);
        var (inS, outS, planes, outShape) = AdaptiveShapes(input, nd, outSize);
        var geom = PoolGeometry.Adaptive(inS, outS);
        int inPlane = geom.InPlane, outPlane = geom.OutPlane;
        var x = input.Contiguous(); float[] xs = x.F32; int xo = x._offset;
        var y = Tensor.Empty(outShape, DType.Float32, zero: false);
        float[] ys = y.F32;
        ParallelFor.Run(planes, Grain(inPlane + outPlane), (a, b) =>
        {
            for (int c = a; c < b; c++)
                PoolKernels.AdaptiveAvgPool(xs.AsSpan(xo + c * inPlane, inPlane), ys.AsSpan(c * outPlane, outPlane), geom);
        });
        var inShape = input._shape;
        return Graph.Record(y, nd == 2 ? "AdaptiveAvgPool2DBackward0" : "AdaptiveAvgPool3DBackward0", new[] { input }, g =>
        {
            var gc = g.Contiguous(); float[] gs = gc.F32; int go = gc._offset;
            var gx = Tensor.Empty(inShape, DType.Float32, zero: false);
            float[] gxs = gx.F32;
            ParallelFor.Run(planes, Grain(inPlane + outPlane), (a, b) =>
            {
                for (int c = a; c < b; c++)
                    PoolKernels.AdaptiveAvgPoolBackward(gs.AsSpan(go + c * outPlane, outPlane), gxs.AsSpan(c * inPlane, inPlane), geom);
            });
            return new[] { gx };
        }, input);
    }

    /// <summary>1-d adaptive max pooling, PyTorch's <c>F.adaptive_max_pool1d</c> (2-d on (…, 1, L)).</summary>
    public static Tensor AdaptiveMaxPool1d(Tensor input, PoolSize outputSize) => AdaptiveMaxPool1dWithIndices(input, outputSize).Values;

    /// <summary><see cref="AdaptiveMaxPool1d"/> with int64 argmax indices along L.</summary>
    public static ValuesIndices AdaptiveMaxPool1dWithIndices(Tensor input, PoolSize outputSize)
    {
        const string op = "adaptive_max_pool1d";
        CheckRank(input, 1, op);
        var o = OutputSizes(outputSize, 1, op);
        var (v, i) = AdaptiveMaxPoolCore(input.Unsqueeze(-2), 2, new[] { 1, o[0] }, op);
        return new ValuesIndices(v.Squeeze(-2), i.Squeeze(-2));
    }

    /// <summary>2-d adaptive max pooling, PyTorch's <c>F.adaptive_max_pool2d</c> (grad_fn AdaptiveMaxPool2DBackward0);
    /// windows as <see cref="AdaptiveAvgPool2d"/>.</summary>
    public static Tensor AdaptiveMaxPool2d(Tensor input, PoolSize outputSize) => AdaptiveMaxPool2dWithIndices(input, outputSize).Values;

    /// <summary><see cref="AdaptiveMaxPool2d"/> with int64 flat argmax indices h·W + w per plane.</summary>
    public static ValuesIndices AdaptiveMaxPool2dWithIndices(Tensor input, PoolSize outputSize)
    {
        const string op = "adaptive_max_pool2d";
        CheckRank(input, 2, op);
        var (v, i) = AdaptiveMaxPoolCore(input, 2, OutputSizes(outputSize, 2, op), op);
        return new ValuesIndices(v, i);
    }

    /// <summary>3-d adaptive max pooling, PyTorch's <c>F.adaptive_max_pool3d</c> (grad_fn AdaptiveMaxPool3DBackward0).</summary>
    public static Tensor AdaptiveMaxPool3d(Tensor input, PoolSize outputSize) => AdaptiveMaxPool3dWithIndices(input, outputSize).Values;

    /// <summary><see cref="AdaptiveMaxPool3d"/> with int64 flat argmax indices d·H·W + h·W + w per plane.</summary>
    public static ValuesIndices AdaptiveMaxPool3dWithIndices(Tensor input, PoolSize outputSize)
    {
        const string op = "adaptive_max_pool3d";
        CheckRank(input, 3, op);
        var (v, i) = AdaptiveMaxPoolCore(input, 3, OutputSizes(outputSize, 3, op), op);
        return new ValuesIndices(v, i);
    }

    private static (Tensor Values, Tensor Indices) AdaptiveMaxPoolCore(Tensor input, int nd, int[] outSize, string op)
    {
        CheckFloat(input, op);
        var (inS, outS, planes, outShape) = AdaptiveShapes(input, nd, outSize);
        var geom = PoolGeometry.Adaptive(inS, outS);
        int inPlane = geom.InPlane, outPlane = geom.OutPlane;
        var x = input.Contiguous(); float[] xs = x.F32; int xo = x._offset;
        var y = Tensor.Empty(outShape, DType.Float32, zero: false);
        float[] ys = y.F32;
        var idx = DisposeScope.RentArray<int>(planes * outPlane);   // read by backward; pooled inside a DisposeScope
        ParallelFor.Run(planes, Grain(inPlane + outPlane), (a, b) =>
        {
            for (int c = a; c < b; c++)
                PoolKernels.AdaptiveMaxPool(xs.AsSpan(xo + c * inPlane, inPlane), ys.AsSpan(c * outPlane, outPlane), idx.AsSpan(c * outPlane, outPlane), geom);
        });
        var inShape = input._shape;
        Graph.Record(y, nd == 2 ? "AdaptiveMaxPool2DBackward0" : "AdaptiveMaxPool3DBackward0", new[] { input },
            g => new[] { ScatterToArgmax(g, idx, inShape, planes, inPlane, outPlane) }, input);
        return (y, IndicesTensor(idx, outShape));
    }

    private static int[] OutputSizes(PoolSize outputSize, int nd, string op)
    {
        var o = outputSize.Expand(nd, op, "output_size");
        if (o.Any(v => v < 1)) throw new ArgumentException($"{op}: output_size must be positive, got {outputSize}.");
        return o;
    }

    /// <summary>(D, H, W) in and out (1 for a missing depth), the plane count and the output shape.</summary>
    private static (int[] In, int[] Out, int Planes, int[] OutShape) AdaptiveShapes(Tensor input, int nd, int[] outSize)
    {
        int rank = input.Ndim;
        var inS = new[] { 1, 1, 1 }; var outS = new[] { 1, 1, 1 };
        for (int i = 0; i < nd; i++) { inS[3 - nd + i] = input._shape[rank - nd + i]; outS[3 - nd + i] = outSize[i]; }
        int inPlane = inS[0] * inS[1] * inS[2];
        return (inS, outS, input.Numel() / inPlane, input._shape[..(rank - nd)].Concat(outSize).ToArray());
    }

    // ================================================================== shared checks and shapes

    /// <summary>Checks for an unbatched (nd + 1 dims) or batched (nd + 2 dims) input with no empty non-batch dimension.</summary>
    private static void CheckRank(Tensor input, int nd, string op)
    {
        int r = input.Ndim;
        if (r != nd + 1 && r != nd + 2)
            throw new ShapeMismatchException($"{op}: expected {nd + 1}-D (unbatched) or {nd + 2}-D (batched) input, got input of shape {input.Shape}.");
        for (int i = r - nd - 1; i < r; i++)
            if (input._shape[i] == 0)
                throw new ShapeMismatchException($"{op}: expected input with non-zero sizes in its non-batch dimensions, got input of shape {input.Shape}.");
    }

    private static void CheckFloat(Tensor input, string op)
    {
        if (input.DType != DType.Float32) throw new ArgumentException($"{op}: expected a float32 input, got {input.DType.TorchName()}.");
    }

    private static (int[] K, int[] S, int[] P, int[] D) PoolArgs(int nd, PoolSize kernelSize, PoolSize? stride, PoolSize padding, PoolSize dilation, string op)
    {
        var k = kernelSize.Expand(nd, op, "kernel_size");
        var s = (stride ?? kernelSize).Expand(nd, op, "stride");
        var p = padding.Expand(nd, op, "padding");
        var d = dilation.Expand(nd, op, "dilation");
        if (k.Any(v => v <= 0)) throw new ArgumentException($"{op}: kernel_size should be greater than zero, but got {kernelSize}.");
        if (s.Any(v => v <= 0)) throw new ArgumentException($"{op}: stride should be greater than zero, but got {stride}.");
        if (p.Any(v => v < 0)) throw new ArgumentException($"{op}: padding should be non-negative, but got {padding}.");
        if (d.Any(v => v <= 0)) throw new ArgumentException($"{op}: dilation should be greater than zero, but got {dilation}.");
        return (k, s, p, d);
    }

    /// <summary>PyTorch's <c>pooling_output_shape</c>: ⌊(in + 2p − d(k − 1) − 1 [+ s − 1 in ceil mode]) / s⌋ + 1, minus one
    /// in ceil mode when the last window would start at or beyond in + p.</summary>
    internal static int PoolOutputSize(int inSize, int kernel, int pad, int stride, int dilation, bool ceilMode)
    {
        long num = inSize + 2L * pad - (long)dilation * (kernel - 1) - 1 + (ceilMode ? stride - 1 : 0);
        long o = (long)Math.Floor((double)num / stride) + 1;
        if (ceilMode && (o - 1) * stride >= inSize + pad) o--;
        return (int)o;
    }

    private static (PoolGeometry Geometry, int Planes, int[] OutShape) Geometry(Tensor input, int nd, int[] k, int[] s, int[] p, int[] d,
                                                                             bool ceilMode, string op)
    {
        int rank = input.Ndim;
        var inS = new[] { 1, 1, 1 }; var outS = new[] { 1, 1, 1 };
        var k3 = new[] { 1, 1, 1 }; var s3 = new[] { 1, 1, 1 }; var p3 = new[] { 0, 0, 0 }; var d3 = new[] { 1, 1, 1 };
        for (int i = 0; i < nd; i++)
        {
            int j = 3 - nd + i;
            inS[j] = input._shape[rank - nd + i];
            k3[j] = k[i]; s3[j] = s[i]; p3[j] = p[i]; d3[j] = d[i];
            outS[j] = PoolOutputSize(inS[j], k[i], p[i], s[i], d[i], ceilMode);
        }
        if (outS.Any(o => o < 1))
        {
            var lead = rank == nd + 2 ? input._shape[1] : input._shape[0];
            throw new ShapeMismatchException($"{op}: Given input size: ({lead}x{string.Join("x", inS[(3 - nd)..])}). Calculated output size: " +
                                             $"({lead}x{string.Join("x", outS[(3 - nd)..])}). Output size is too small (input shape {input.Shape}).");
        }
        var geom = new PoolGeometry(inS, outS, k3, s3, p3, d3);
        var outShape = input._shape[..(rank - nd)].Concat(outS[(3 - nd)..]).ToArray();
        return (geom, input.Numel() / geom.InPlane, outShape);
    }

    /// <summary>Planes per parallel chunk: enough that a chunk touches at least ~32K floats.</summary>
    private static int Grain(int floatsPerPlane) => Math.Max(1, 32768 / Math.Max(1, floatsPerPlane));
}
