using Lumen.NN;

namespace Lumen.Serialization.Pickle;

/// <summary>
/// The allow-list of Python globals a PyTorch state dict or checkpoint may name, and Lumen's own implementation of
/// each (nothing is looked up or called in Python's sense):
/// <list type="bullet">
/// <item><c>collections.OrderedDict</c> — an empty ordered dict;</item>
/// <item><c>torch._utils._rebuild_tensor_v2</c> / <c>_rebuild_tensor</c> — a strided view (offset, size, stride)
/// onto a storage, so views and storages shared between keys come back as views sharing one buffer;</item>
/// <item><c>torch._utils._rebuild_parameter</c> / <c>_rebuild_parameter_with_state</c> — an <see cref="Parameter"/>;</item>
/// <item><c>torch._tensor._rebuild_from_type_v2</c> with type <c>torch.Tensor</c> or <c>torch.nn.parameter.Parameter</c>
/// (attribute state is dropped);</item>
/// <item>storage types <c>torch.{Float,Double,Half,BFloat16,Long,Int,Short,Char,Byte,Bool}Storage</c>, only as
/// markers inside persistent ids (Double/Half/BFloat16 are widened to float32, Int/Short/Char to int64).</item>
/// </list>
/// Anything else throws <see cref="UnsafePickleException"/> when the GLOBAL opcode is read.
/// </summary>
internal static class TorchGlobals
{
    private static readonly Dictionary<string, ElementType> StorageTypes = new()
    {
        ["FloatStorage"] = ElementType.F32, ["DoubleStorage"] = ElementType.F64, ["HalfStorage"] = ElementType.F16,
        ["BFloat16Storage"] = ElementType.BF16, ["LongStorage"] = ElementType.I64, ["IntStorage"] = ElementType.I32,
        ["ShortStorage"] = ElementType.I16, ["CharStorage"] = ElementType.I8, ["ByteStorage"] = ElementType.U8,
        ["BoolStorage"] = ElementType.Bool,
    };

    private static readonly HashSet<string> Callables = new()
    {
        "collections.OrderedDict",
        "torch._utils._rebuild_tensor_v2",
        "torch._utils._rebuild_tensor",
        "torch._utils._rebuild_parameter",
        "torch._utils._rebuild_parameter_with_state",
        "torch._tensor._rebuild_from_type_v2",
    };

    /// <summary>Most elements, summed over a file, of views that repeat elements (more elements than their storage):
    /// 2^24, 64 MB as float32. A view that does not repeat elements is bounded by its storage, which the file holds.</summary>
    public const int MaxExpandedElements = 1 << 24;

    private static readonly HashSet<string> TypeMarkers = new() { "torch.Tensor", "torch.nn.parameter.Parameter" };

    /// <summary>The GLOBAL opcode: returns a name token for an allow-listed global, else throws.</summary>
    public static PyGlobal Resolve(string file, string module, string name)
    {
        var full = module + "." + name;
        if (Callables.Contains(full) || TypeMarkers.Contains(full) || (module == "torch" && StorageTypes.ContainsKey(name)))
            return new PyGlobal(module, name);
        throw new UnsafePickleException(file, module, name);
    }

    /// <summary>The element type named by a storage-type global (<c>torch.FloatStorage</c>), or null.</summary>
    public static ElementType? StorageType(object? g) =>
        g is PyGlobal { Module: "torch" } p && StorageTypes.TryGetValue(p.Name, out var t) ? t : null;

    /// <summary>The REDUCE opcode: Lumen's implementation of an allow-listed callable. <paramref name="expandedLeft"/> is
    /// what remains of the file's budget of repeated elements (see <see cref="MaxExpandedElements"/>).</summary>
    public static object Call(string file, PyGlobal fn, object?[] args, ref long expandedLeft)
    {
        switch (fn.ToString())
        {
            case "collections.OrderedDict":
                if (args.Length != 0) throw Bad(file, $"collections.OrderedDict is called with {args.Length} arguments; Lumen expects none.");
                return new OrderedDictionary<object, object?>(PyKeyComparer.Instance);
            case "torch._utils._rebuild_tensor_v2":
                // (storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
                if (args.Length is < 6 or > 7) throw Bad(file, $"_rebuild_tensor_v2 takes 6 or 7 arguments, the pickle passes {args.Length}.");
                return RebuildTensor(file, args[0], args[1], args[2], args[3], args[4], ref expandedLeft);
            case "torch._utils._rebuild_tensor":
                // (storage, storage_offset, size, stride): the format before requires_grad was saved
                if (args.Length != 4) throw Bad(file, $"_rebuild_tensor takes 4 arguments, the pickle passes {args.Length}.");
                return RebuildTensor(file, args[0], args[1], args[2], args[3], false, ref expandedLeft);
            case "torch._utils._rebuild_parameter":
            case "torch._utils._rebuild_parameter_with_state":
            {
                // (data, requires_grad, backward_hooks[, state])
                int expected = fn.Name == "_rebuild_parameter" ? 3 : 4;
                if (args.Length != expected) throw Bad(file, $"{fn.Name} takes {expected} arguments, the pickle passes {args.Length}.");
                if (args[0] is not Tensor data) throw Bad(file, $"{fn.Name} gets a {Unpickler.TypeName(args[0])} instead of a tensor.");
                if (args[1] is not bool rg) throw Bad(file, $"{fn.Name}'s requires_grad is a {Unpickler.TypeName(args[1])}, not a bool.");
                return new Parameter(data, rg && data.DType.IsFloatingPoint());
            }
            case "torch._tensor._rebuild_from_type_v2":
            {
                // (func, new_type, args, state)
                if (args.Length != 4) throw Bad(file, $"_rebuild_from_type_v2 takes 4 arguments, the pickle passes {args.Length}.");
                // PyTorch wraps _rebuild_tensor_v2 or _rebuild_parameter here, never _rebuild_from_type_v2 itself: refusing
                // that keeps this call from recursing (a chain of 10,000 nested wrappers overflowed the stack).
                if (args[0] is not PyGlobal inner || !Callables.Contains(inner.ToString()) || inner.Module == "collections" || inner.Name == fn.Name)
                    throw Bad(file, $"_rebuild_from_type_v2 wraps a {Unpickler.TypeName(args[0])}, not a tensor-rebuilding function.");
                if (args[1] is not PyGlobal type || !TypeMarkers.Contains(type.ToString()))
                    throw Bad(file, $"_rebuild_from_type_v2 asks for type {Unpickler.TypeName(args[1])}; Lumen rebuilds only torch.Tensor and Parameter.");
                if (args[2] is not object?[] innerArgs) throw Bad(file, $"_rebuild_from_type_v2's arguments are a {Unpickler.TypeName(args[2])}, not a tuple.");
                var result = Call(file, inner, innerArgs, ref expandedLeft);
                if (type.Name == "Parameter" && result is Tensor t && result is not Parameter) result = new Parameter(t, t.DType.IsFloatingPoint());
                return result;
            }
            default:
                throw Bad(file, $"the global {fn} is a type marker and cannot be called.");
        }
    }

    /// <summary>The BUILD opcode. PyTorch's state dicts set <c>_metadata</c> (module versions) on the OrderedDict this
    /// way; Lumen accepts and drops such dict state. Anything else is rejected.</summary>
    public static void Build(string file, object? obj, object? state)
    {
        if (obj is OrderedDictionary<object, object?> && state is OrderedDictionary<object, object?> or object?[] or null) return;
        throw Bad(file, $"BUILD sets state on a {Unpickler.TypeName(obj)}, which Lumen does not support.");
    }

    private static Tensor RebuildTensor(string file, object? storageObj, object? offsetObj, object? sizeObj, object? strideObj, object? requiresGrad,
                                        ref long expandedLeft)
    {
        if (storageObj is not Storage storage) throw Bad(file, $"a tensor is rebuilt from a {Unpickler.TypeName(storageObj)}, not a storage.");
        int offset = Int(file, offsetObj, "storage_offset");
        var size = Ints(file, sizeObj, "size");
        var stride = Ints(file, strideObj, "stride");
        if (size.Length != stride.Length)
            throw Bad(file, $"a tensor has size {ShapeUtil.Str(size)} but stride {ShapeUtil.Str(stride)} (different ranks).");
        if (requiresGrad is not bool rg) throw Bad(file, $"a tensor's requires_grad is a {Unpickler.TypeName(requiresGrad)}, not a bool.");
        // The view must stay inside its storage: offset + Σ (size_i − 1)·stride_i < length.
        long last = offset, numel = 1;
        for (int i = 0; i < size.Length; i++) { numel *= size[i]; if (numel > int.MaxValue) numel = int.MaxValue + 1L; last = Math.Min(last + (long)(size[i] - 1) * stride[i], long.MaxValue / 4); }
        if (numel > int.MaxValue) throw Bad(file, $"a tensor of size {ShapeUtil.Str(size)} has more elements than Lumen supports.");
        if (offset > storage.Length || (numel > 0 && last >= storage.Length))
            throw Bad(file, $"a tensor view (offset {offset}, size {ShapeUtil.Str(size)}, stride {ShapeUtil.Str(stride)}) reaches past " +
                            $"the end of its {storage.Length}-element storage.");
        // PyTorch's own check (above) lets a stride-0 view of 6 elements claim 2^31 − 1 of them; reading it would then
        // allocate 8 GB. A view may repeat its storage's elements (torch.expand does) only up to MaxExpandedElements.
        if (numel > storage.Length)
        {
            if (numel > expandedLeft)
                throw Bad(file, $"a tensor view of size {ShapeUtil.Str(size)} (stride {ShapeUtil.Str(stride)}) has {numel} elements over a " +
                                $"{storage.Length}-element storage; Lumen accepts views that repeat elements (stride 0) up to " +
                                $"{MaxExpandedElements} elements per file.");
            expandedLeft -= numel;
        }
        var t = new Tensor(storage, size, stride, offset);
        if (rg && t.DType.IsFloatingPoint()) t.RequiresGrad = true;
        return t;
    }

    private static int Int(string file, object? v, string what) =>
        v is long l && l >= 0 && l <= int.MaxValue ? (int)l : throw Bad(file, $"a tensor's {what} is {Show(v)}, not a non-negative 32-bit int.");

    private static int[] Ints(string file, object? v, string what)
    {
        if (v is not object?[] tuple) throw Bad(file, $"a tensor's {what} is a {Unpickler.TypeName(v)}, not a tuple.");
        var r = new int[tuple.Length];
        for (int i = 0; i < r.Length; i++) r[i] = Int(file, tuple[i], what + " entry");
        return r;
    }

    private static string Show(object? v) => v is long or double or bool ? v.ToString()! : Unpickler.TypeName(v);

    private static CheckpointFormatException Bad(string file, string problem) => new(file, problem);
}
