namespace Lumen.Autograd;

/// <summary>Entry points of automatic differentiation, PyTorch's <c>torch.autograd</c>.</summary>
public static class Autograd
{
    /// <summary>Disables graph recording until the returned scope is disposed, PyTorch's <c>torch.no_grad()</c>.</summary>
    public static NoGradScope NoGrad() => new(true);

    /// <summary>True when ops record the graph on this thread.</summary>
    public static bool IsGradEnabled => GradMode.Enabled;

    /// <summary>The gradients of <paramref name="outputs"/> with respect to <paramref name="inputs"/>, without touching
    /// any <see cref="Tensor.Grad"/>, PyTorch's <c>torch.autograd.grad</c>. Inputs need not be leaves (seed 003 takes
    /// the gradient of a loss with respect to an input image). An input the outputs do not depend on throws unless
    /// <paramref name="allowUnused"/>, in which case its gradient is null.</summary>
    public static Tensor?[] Grad(Tensor[] outputs, Tensor[] inputs, Tensor[]? gradOutputs = null,
                                 bool retainGraph = false, bool allowUnused = false)
    {
        var result = Engine.Run(outputs, gradOutputs, retainGraph, inputs);
        for (int i = 0; i < inputs.Length; i++)
            if (result[i] == null && !allowUnused)
                throw new InvalidOperationException(
                    $"Input {i} (shape {inputs[i].Shape}) was not used to compute the outputs; pass allowUnused: true to get null for it.");
        return result;
    }

    /// <summary>Single-output, single-input form of <see cref="Grad(Tensor[], Tensor[], Tensor[], bool, bool)"/>.</summary>
    public static Tensor Grad(Tensor output, Tensor input, bool retainGraph = false) =>
        Grad(new[] { output }, new[] { input }, null, retainGraph)[0]!;

    /// <summary>Records a differentiable op whose forward was computed outside the graph, PyTorch's
    /// <c>torch.autograd.Function</c>: when any of <paramref name="inputs"/> requires grad (and grad mode is on),
    /// <paramref name="output"/> gets a grad_fn named <paramref name="name"/> whose <paramref name="backward"/> maps
    /// dL/d(output) to one gradient per input (null where none). Returns <paramref name="output"/>. For ops that live in
    /// other assemblies, such as a collective (all-reduce) whose gradient is another collective.</summary>
    public static Tensor Function(string name, Tensor output, Tensor?[] inputs, Func<Tensor, Tensor?[]> backward)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(backward);
        if (!output.IsLeaf) throw new InvalidOperationException($"Autograd.Function({name}): the output already has a grad_fn; compute it under NoGrad.");
        return Graph.Record(output, name, inputs, g =>
        {
            var r = backward(g);
            if (r.Length != inputs.Length)
                throw new InvalidOperationException($"{name}: backward returned {r.Length} gradients for {inputs.Length} inputs.");
            return r;
        });
    }

    /// <summary>Counts a write to <paramref name="tensor"/>'s memory that no Lumen op made (through <see cref="Tensor.AsSpan{T}"/>,
    /// native code, an array given to <c>Torch.FromArray</c>), PyTorch's <c>torch.autograd.graph.increment_version</c>: a
    /// graph that saved the old values then refuses to run backward, and what was kept from them (a fused inference fold,
    /// a convolution's kept Winograd weights) is made again.</summary>
    public static void IncrementVersion(Tensor tensor) => (tensor ?? throw new ArgumentNullException(nameof(tensor))).BumpVersion();

    /// <summary>Queues <paramref name="callback"/> to run once the backward pass now running on this thread has delivered
    /// every gradient (PyTorch's <c>Variable._execution_engine.queue_callback</c>). Called from a gradient hook, it lets
    /// DistributedDataParallel wait for its in-flight reductions before <c>Backward()</c> returns.</summary>
    /// <exception cref="InvalidOperationException">no backward pass is running on this thread.</exception>
    public static void QueueCallback(Action callback) => Engine.QueueCallback(callback ?? throw new ArgumentNullException(nameof(callback)));
}
