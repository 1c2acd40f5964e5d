namespace Lumen.Autograd;

/// <summary>
/// One recorded op in the autograd graph: PyTorch's <c>grad_fn</c>. It holds the op's inputs (the graph's
/// edges) and a backward rule mapping dL/d(output) to dL/d(input) for each input. Saved tensors are
/// captured by the rule; their storage versions are recorded so a later in-place write is detected.
/// </summary>
public sealed class Node
{
    private Func<Tensor, Tensor?[]>? _backward;
    private readonly (Tensor Tensor, int Version)[] _saved;
    private readonly DisposeScope? _scope;   // the scope open when the op ran: its tensors die with it

    internal Node(string name, Tensor?[] inputs, Func<Tensor, Tensor?[]> backward, Tensor[] saved)
    {
        Name = name;
        // Edges are taken now, as PyTorch does: a later in-place op gives the input tensor object a new grad_fn,
        // but this node must still send its gradient to the history the input had when the op ran.
        Edges = new Edge[inputs.Length];
        for (int i = 0; i < inputs.Length; i++)
            if (inputs[i] is { RequiresGrad: true } t) Edges[i] = new Edge(t.GradFn, t.GradFn == null ? t : null);
        _backward = backward;
        _saved = new (Tensor, int)[saved.Length];
        for (int i = 0; i < saved.Length; i++) _saved[i] = (saved[i], saved[i].Storage.Version);
        _scope = DisposeScope.Current;
    }

    /// <summary>PyTorch's name for this backward function, e.g. <c>AddBackward0</c>.</summary>
    public string Name { get; }

    /// <summary>Where each input's gradient goes: the input's grad_fn at record time, or the leaf that accumulates it;
    /// null where the input did not require grad.</summary>
    internal Edge?[] Edges { get; }

    /// <summary>The next nodes backward visits (the inputs' grad_fns at record time), PyTorch's <c>next_functions</c>.</summary>
    public IEnumerable<Node?> NextFunctions => Edges.Select(e => e?.Node);

    /// <summary>The output tensor whose gradient the user asked to keep (see <see cref="Tensor.RetainGrad"/>).</summary>
    internal Tensor? RetainedOutput { get; set; }

    internal bool Released => _backward == null;

    internal Tensor?[] Apply(Tensor gradOutput)
    {
        if (_backward == null)
            throw new InvalidOperationException(
                $"Trying to backward through the graph a second time (at {Name}): its saved values were freed after the first " +
                "Backward(). Pass retainGraph: true to the first call if you need to backward twice.");
        if (_scope is { IsDisposed: true })
            throw new ObjectDisposedException("Tensor",
                $"Backward through {Name}: the op ran inside a DisposeScope that has been disposed, so the values its gradient " +
                "needs were released. Run Backward() before the scope ends.");
        foreach (var (t, v) in _saved)
            if (t.Storage.Version != v)
                throw new InvalidOperationException(
                    $"One of the tensors needed by {Name} to compute its gradient (shape {t.Shape}) was modified by an in-place " +
                    $"operation: it is at version {t.Storage.Version}, expected version {v}.");
        return _backward(gradOutput);
    }

    /// <summary>Frees the saved values (what PyTorch does after a backward without retain_graph).</summary>
    internal void Release() => _backward = null;

    public override string ToString() => $"<{Name}>";
}

/// <summary>One input of a node: either an earlier node (non-leaf input) or a leaf tensor that accumulates its gradient.</summary>
internal sealed record Edge(Node? Node, Tensor? Leaf);
