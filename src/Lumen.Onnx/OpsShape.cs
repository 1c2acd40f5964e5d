using Lumen.NN;
using Lumen.Onnx.Protobuf;
using DataType = Lumen.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Lumen.Onnx;

// Shape manipulation, constants and the small integer ops exporters emit around Flatten (Shape → Gather → Unsqueeze
// → Concat → Reshape). Integer tensors are Lumen int64 tensors, so a batch size read by Shape flows through.
internal static partial class Ops
{
    private static OpFn Flatten(ImportNode n)
    {
        long axisAttr = n.Int("axis", 1);
        return (x, _) =>
        {
            var input = x[0]!;
            int axis = axisAttr < 0 ? (int)(axisAttr + input.Ndim) : (int)axisAttr;
            if (axis < 0 || axis > input.Ndim) throw new ArgumentException($"{n.Describe()}: axis {axisAttr} is out of range for input {input.Shape}.");
            var shape = input.Shape.ToArray();
            int outer = shape[..axis].Aggregate(1, (p, v) => p * v), inner = shape[axis..].Aggregate(1, (p, v) => p * v);
            return new Tensor?[] { input.Reshape(outer, inner) };
        };
    }

    /// <summary>Reshape: the shape is input 1 (opset 5 on) or the 'shape' attribute (older files); 0 copies the input's
    /// dimension (unless allowzero = 1, opset 14), −1 is inferred.</summary>
    private static OpFn Reshape(ImportNode n)
    {
        bool allowZero = n.Int("allowzero", 0) != 0;
        return (x, _) =>
        {
            var input = x[0]!;
            var spec = InputOrAttribute(x, 1, n, "shape") ?? throw new ArgumentException($"{n.Describe()}: no target shape (input 1 or attribute 'shape').");
            var target = new int[spec.Length];
            for (int i = 0; i < spec.Length; i++)
            {
                if (spec[i] == 0 && !allowZero)
                {
                    if (i >= input.Ndim) throw new ShapeMismatchException($"{n.Describe()}: shape [{string.Join(", ", spec)}] copies dimension {i} of the rank-{input.Ndim} input {input.Shape}.");
                    target[i] = input.Size(i);
                }
                else target[i] = spec[i] < -1 ? throw new ArgumentException($"{n.Describe()}: shape [{string.Join(", ", spec)}] has the invalid size {spec[i]}.")
                                              : ToInt(spec[i], n, "shape size");
            }
            try { return new Tensor?[] { input.Reshape(target) }; }
            catch (Exception e) when (e is ShapeMismatchException or ArgumentException)
            {
                throw new ShapeMismatchException($"{n.Describe()}: cannot reshape {input.Shape} to [{string.Join(", ", spec)}] ({e.Message})", e);
            }
        };
    }

    private static OpFn Concat(ImportNode n)
    {
        if (!n.Has("axis")) throw n.Error("attribute 'axis' is required");
        long axis = n.Int("axis", 0);
        return (x, _) =>
        {
            var parts = x.Where(t => t != null).Select(t => t!).ToArray();
            return new Tensor?[] { Torch.Cat(parts, Axis(axis, parts[0].Ndim, n)) };
        };
    }

    private static OpFn Transpose(ImportNode n)
    {
        var perm = n.IntArray("perm");
        return Unary(x => x.Permute(perm ?? Enumerable.Range(0, x.Ndim).Reverse().ToArray()));
    }

    private static OpFn ShapeOp(ImportNode n)
    {
        long? start = n.Has("start") ? n.Int("start", 0) : null, end = n.Has("end") ? n.Int("end", 0) : null;
        return Unary(x =>
        {
            var dims = x.Shape.ToArray().Select(d => (long)d).ToArray();
            int r = dims.Length;
            int s = (int)Math.Clamp(start is { } a ? (a < 0 ? a + r : a) : 0, 0, r);
            int e = (int)Math.Clamp(end is { } b ? (b < 0 ? b + r : b) : r, 0, r);
            return ImportTensors.Long(dims[s..Math.Max(s, e)], new[] { Math.Max(0, e - s) });
        });
    }

    /// <summary>Gather(data, indices, axis): data's entries along axis picked by indices (negative counts from the end);
    /// the output shape is data.shape[:axis] + indices.shape + data.shape[axis+1:].</summary>
    private static OpFn Gather(ImportNode n)
    {
        long axisAttr = n.Int("axis", 0);
        return (x, _) =>
        {
            Tensor data = x[0]!, indices = x[1]!;
            int axis = Axis(axisAttr, data.Ndim, n), size = data.Size(axis);
            var idx = Longs(indices);
            for (int i = 0; i < idx.Length; i++)
            {
                if (idx[i] < -size || idx[i] >= size)
                    throw new ArgumentOutOfRangeException(nameof(indices), $"{n.Describe()}: index {idx[i]} is out of range for axis {axis} of size {size}.");
                if (idx[i] < 0) idx[i] += size;
            }
            var picked = data.IndexSelect(axis, ImportTensors.Long(idx, new[] { idx.Length }));
            var shape = data.Shape.ToArray();
            var outShape = shape[..axis].Concat(indices.Shape.ToArray()).Concat(shape[(axis + 1)..]).ToArray();
            return new Tensor?[] { picked.Reshape(outShape) };
        };
    }

    /// <summary>Unsqueeze: axes are an attribute before opset 13, input 1 from 13; they index the output.</summary>
    private static OpFn Unsqueeze(ImportNode n) => (x, _) =>
    {
        var input = x[0]!;
        var axes = InputOrAttribute(x, 1, n, "axes") ?? throw new ArgumentException($"{n.Describe()}: no axes (input 1 or attribute 'axes').");
        int rank = input.Ndim + axes.Length;
        var y = input;
        foreach (var a in axes.Select(a => Axis(a, rank, n)).Order()) y = y.Unsqueeze(a);
        return new Tensor?[] { y };
    };

    /// <summary>Squeeze: axes as for Unsqueeze (indexing the input); none squeezes every size-1 dimension.</summary>
    private static OpFn Squeeze(ImportNode n) => (x, _) =>
    {
        var input = x[0]!;
        var axes = InputOrAttribute(x, 1, n, "axes");
        if (axes == null) return new Tensor?[] { input.Squeeze() };
        var y = input;
        foreach (var a in axes.Select(a => Axis(a, input.Ndim, n)).OrderDescending())
        {
            if (input.Size(a) != 1) throw new ShapeMismatchException($"{n.Describe()}: cannot squeeze axis {a} of size {input.Size(a)} (input {input.Shape}).");
            y = y.Squeeze(a);
        }
        return new Tensor?[] { y };
    };

    private static OpFn Cast(ImportNode n)
    {
        var to = (DataType)n.Int("to", 0);
        return to switch
        {
            DataType.Float or DataType.Double or DataType.Float16 or DataType.Bfloat16 => Unary(x => x.Float()),
            DataType.Int64 or DataType.Int32 or DataType.Int16 or DataType.Int8 or DataType.Uint8 or DataType.Uint16
                or DataType.Uint32 or DataType.Uint64 => Unary(x => x.Long()),
            DataType.Bool => Unary(x => x.Bool()),
            _ => throw n.Unsupported($"casting to {to} is not supported"),
        };
    }

    /// <summary>Constant: 'value' (a tensor), or from opset 12 value_float(s)/value_int(s). Decoded once, at load.</summary>
    private static OpFn Constant(ImportNode n)
    {
        Tensor value;
        if (n.TensorAttr("value") is { } t) value = ImportTensors.ToTensor(t, m => n.Error($"its value: {m}"));
        else if (n.Has("value_float")) value = Torch.Scalar(n.Float("value_float", 0f));
        else if (n.Floats("value_floats") is { } fs) value = Torch.Tensor(fs, fs.Length);
        else if (n.Has("value_int")) value = Torch.Scalar(n.Int("value_int", 0));
        else if (n.Ints("value_ints") is { } ls) value = ImportTensors.Long(ls, new[] { ls.Length });
        else throw n.Unsupported("only tensor, float(s) and int(s) constants are supported (not sparse or string ones)");
        return (_, _) => new Tensor?[] { value };
    }

    /// <summary>Dropout: active in training mode only, as nn.Dropout. The ratio is an attribute before opset 12, input 1
    /// from 12 (default 0.5); the optional mask output is not supported.</summary>
    private static OpFn Dropout(ImportNode n)
    {
        if (n.HasOutput(1)) throw n.Unsupported("the mask output is not supported");
        float ratioAttr = n.Float("ratio", 0.5f);
        return (x, ctx) =>
        {
            float ratio = x.Length > 1 && x[1] is { } r ? r.Float().Item() : ratioAttr;
            return new Tensor?[] { ctx.Training && ratio > 0 ? F.Dropout(x[0]!, ratio, training: true) : x[0] };
        };
    }

    /// <summary>Pad: pads (all starts, then all ends) are an attribute before opset 11, input 1 from 11; modes
    /// constant, reflect and edge (PyTorch's replicate).</summary>
    private static OpFn Pad(ImportNode n)
    {
        var mode = n.String("mode", "constant");
        var torchMode = mode switch
        {
            "constant" => "constant", "reflect" => "reflect", "edge" => "replicate",
            _ => throw n.Unsupported($"mode '{mode}' is not supported (constant, reflect, edge are)"),
        };
        float valueAttr = n.Float("value", 0f);
        return (x, _) =>
        {
            var input = x[0]!;
            int r = input.Ndim;
            var pads = InputOrAttribute(x, 1, n, "pads") ?? throw new ArgumentException($"{n.Describe()}: no pads (input 1 or attribute 'pads').");
            if (pads.Length != 2 * r) throw new ArgumentException($"{n.Describe()}: {pads.Length} pads for a rank-{r} input (need {2 * r}).");
            float value = x.Length > 2 && x[2] is { } v ? v.Float().Item() : valueAttr;
            int first = Enumerable.Range(0, r).FirstOrDefault(i => pads[i] != 0 || pads[r + i] != 0, r);
            if (first == r) return new Tensor?[] { input };
            var before = pads[first..r].Select(p => ToInt(p, n, "pad")).ToArray();
            var after = pads[(r + first)..].Select(p => ToInt(p, n, "pad")).ToArray();
            return new Tensor?[] { F.Pad(input, TorchPad(before, after), torchMode, torchMode == "constant" ? value : 0f) };
        };
    }

    /// <summary>Split: sizes are an attribute before opset 13, input 1 from 13; without them, equal parts, one per output.</summary>
    private static OpFn Split(ImportNode n)
    {
        long axisAttr = n.Int("axis", 0);
        int outputs = n.Proto.Output.Count;
        return (x, _) =>
        {
            var input = x[0]!;
            int axis = Axis(axisAttr, input.Ndim, n), size = input.Size(axis);
            var sizes = InputOrAttribute(x, 1, n, "split")?.Select(s => ToInt(s, n, "split size")).ToArray();
            if (sizes == null)
            {
                if (size % outputs != 0) throw new ShapeMismatchException($"{n.Describe()}: axis {axis} of size {size} does not split into {outputs} equal parts.");
                sizes = Enumerable.Repeat(size / outputs, outputs).ToArray();
            }
            if (sizes.Length != outputs || sizes.Sum() != size || sizes.Any(s => s < 0))
                throw new ShapeMismatchException($"{n.Describe()}: split [{string.Join(", ", sizes)}] does not divide axis {axis} of size {size} into {outputs} outputs.");
            return input.Split(sizes, axis).Select(t => (Tensor?)t).ToArray();
        };
    }

    /// <summary>Slice: starts/ends/axes are attributes before opset 10, inputs (with steps) from 10. Positive steps only.</summary>
    private static OpFn Slice(ImportNode n) => (x, _) =>
    {
        var input = x[0]!;
        long[] starts, ends;
        long[]? axes, steps = null;
        if (n.Opset < 10)
        {
            starts = n.Ints("starts") ?? throw new ArgumentException($"{n.Describe()}: attribute 'starts' is required.");
            ends = n.Ints("ends") ?? throw new ArgumentException($"{n.Describe()}: attribute 'ends' is required.");
            axes = n.Ints("axes");
        }
        else
        {
            starts = Longs(x[1]!); ends = Longs(x[2]!);
            axes = x.Length > 3 && x[3] is { } a ? Longs(a) : null;
            steps = x.Length > 4 && x[4] is { } s ? Longs(s) : null;
        }
        if (ends.Length != starts.Length || axes?.Length is { } al && al != starts.Length || steps?.Length is { } sl && sl != starts.Length)
            throw new ArgumentException($"{n.Describe()}: starts, ends, axes and steps must have the same length.");
        var y = input;
        for (int i = 0; i < starts.Length; i++)
        {
            int axis = Axis(axes?[i] ?? i, input.Ndim, n), size = input.Size(axis);
            long step = steps?[i] ?? 1;
            if (step <= 0) throw new ArgumentException($"{n.Describe()}: step {step} is not supported (positive steps only).");
            static int Clamp(long v, int size) => (int)Math.Clamp(v < 0 ? v + size : v, 0, size);
            y = y.Slice(axis, Clamp(starts[i], size), Clamp(ends[i], size), ToInt(step, n, "step"));
        }
        return new Tensor?[] { y };
    };
}
