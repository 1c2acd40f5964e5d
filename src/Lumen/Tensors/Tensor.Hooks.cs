using System.Runtime.InteropServices;
using Lumen.NN;

namespace Lumen;

public partial class Tensor
{
    private List<Action<Tensor>>? _postAccumulateGradHooks;

    /// <summary>Calls <paramref name="hook"/> with this leaf each time a backward pass has accumulated a gradient into its
    /// <see cref="Grad"/>, PyTorch 2.1's <c>register_post_accumulate_grad_hook</c>. DistributedDataParallel uses it to start
    /// reducing a bucket of gradients while backward is still computing the others. The hook runs on the thread that runs
    /// backward, under no-grad, after <see cref="Grad"/> holds this pass's contribution.</summary>
    /// <exception cref="InvalidOperationException">this tensor is not a leaf that requires grad.</exception>
    public HookHandle RegisterPostAccumulateGradHook(Action<Tensor> hook)
    {
        ArgumentNullException.ThrowIfNull(hook);
        if (!IsLeaf || !RequiresGrad)
            throw new InvalidOperationException("RegisterPostAccumulateGradHook: only a leaf tensor that requires grad accumulates a gradient.");
        var hooks = _postAccumulateGradHooks ??= new();
        hooks.Add(hook);
        return new HookHandle(() => hooks.Remove(hook));
    }

    internal void RunPostAccumulateGradHooks()
    {
        if (_postAccumulateGradHooks is not { Count: > 0 } hooks) return;
        foreach (var h in hooks.ToArray()) h(this);
    }

    /// <summary>The elements of a contiguous tensor as a span over its own memory (no copy), like PyTorch's
    /// <c>t.numpy()</c>: writes change the tensor. For code outside the library that must hand a tensor's memory to
    /// native code (MPI) or copy it in bulk. <typeparamref name="T"/> must match the dtype (float, long, bool, byte).</summary>
    /// <exception cref="InvalidOperationException">the tensor is not contiguous or <typeparamref name="T"/> is not its element type.</exception>
    public Span<T> AsSpan<T>() where T : unmanaged
    {
        if (!IsContiguous()) throw new InvalidOperationException($"AsSpan: the tensor (shape {Shape}) is not contiguous; call Contiguous() first.");
        Array raw = DType switch
        {
            DType.Float32 => F32,
            DType.Int64 => I64,
            DType.Bool => B8,
            _ => U8,
        };
        if (raw is not T[] typed)
            throw new InvalidOperationException($"AsSpan<{typeof(T).Name}>: the tensor holds {DType.TorchName()} elements.");
        return typed.AsSpan(_offset, Numel());
    }
}
