namespace Lumen.Autograd;

/// <summary>Walks the graph from outputs to leaves in reverse topological order (iteratively) and
/// accumulates gradients.</summary>
internal static class Engine
{
    public static void Backward(Tensor root, Tensor? gradient, bool retainGraph)
    {
        if (!root.RequiresGrad)
            throw new InvalidOperationException("Backward(): this tensor does not require grad and has no grad_fn " +
                                                "(did you create it under NoGrad, or forget RequiresGrad on the leaves?).");
        Run(new[] { root }, gradient == null ? null : new[] { gradient }, retainGraph, null);
    }

    /// <summary>Runs backward from <paramref name="roots"/>. With <paramref name="captureInputs"/> the gradients of those
    /// tensors are returned and nothing is accumulated into <see cref="Tensor.Grad"/>.</summary>
    public static Tensor?[] Run(Tensor[] roots, Tensor[]? rootGrads, bool retainGraph, Tensor[]? captureInputs)
    {
        using var _ = Autograd.NoGrad();
        int previousEpoch = BufferPool.BeginEpoch();
        bool wasCapturing = Capturing;
        Capturing = captureInputs != null;
        var outerCallbacks = _callbacks;
        _callbacks = new List<Action>();
        try
        {
            var result = RunCore(roots, rootGrads, retainGraph, captureInputs);
            // Callbacks may queue more callbacks; each runs once, in order, after every gradient has been delivered.
            for (int i = 0; i < _callbacks.Count; i++) _callbacks[i]();
            return result;
        }
        finally
        {
            _callbacks = outerCallbacks;
            BufferPool.EndEpoch(previousEpoch);
            Capturing = wasCapturing;
        }
    }

    [ThreadStatic] private static List<Action>? _callbacks;

    /// <summary>Queues <paramref name="callback"/> to run when the backward pass running on this thread ends.</summary>
    public static void QueueCallback(Action callback)
    {
        var list = _callbacks ?? throw new InvalidOperationException(
            "Autograd.QueueCallback: no backward pass is running on this thread (call it from a hook or a backward function).");
        list.Add(callback);
    }

    /// <summary>True while this thread runs an <c>Autograd.Grad</c> pass (gradients returned, not accumulated): a
    /// backward that would write a leaf's sparse gradient itself (<c>F.Embedding(sparse: true)</c>) hands the engine a
    /// dense one instead.</summary>
    [ThreadStatic] internal static bool Capturing;

    private static Tensor?[] RunCore(Tensor[] roots, Tensor[]? rootGrads, bool retainGraph, Tensor[]? captureInputs)
    {
        var grads = new Dictionary<Node, Tensor>(ReferenceEqualityComparer.Instance);
        var captured = captureInputs == null ? null : new Tensor?[captureInputs.Length];

        // Seed gradients.
        for (int i = 0; i < roots.Length; i++)
        {
            var root = roots[i];
            if (!root.RequiresGrad)
                throw new InvalidOperationException($"Output {i} (shape {root.Shape}) does not require grad and has no grad_fn.");
            Tensor g;
            if (rootGrads != null && rootGrads[i] != null)
            {
                g = rootGrads[i];
                if (g.Shape != root.Shape)
                    throw new ShapeMismatchException($"Backward: gradient of shape {g.Shape} does not match the output's shape {root.Shape}.");
            }
            else
            {
                if (root.Numel() != 1)
                    throw new InvalidOperationException($"Backward(): grad can be implicitly created only for scalar outputs; this output has shape {root.Shape}.");
                g = Torch.OnesLike(root);
            }
            if (root.GradFn == null) Deliver(root, g, captureInputs, captured, grads, Array.Empty<Tensor?>(), 0);
            else Accumulate(grads, root.GradFn, g);
        }

        // Dependency counts over the reachable graph (iterative DFS).
        var deps = new Dictionary<Node, int>(ReferenceEqualityComparer.Instance);
        var stack = new Stack<Node>();
        var seen = new HashSet<Node>(ReferenceEqualityComparer.Instance);
        foreach (var r in roots)
            if (r.GradFn != null && seen.Add(r.GradFn)) stack.Push(r.GradFn);
        while (stack.Count > 0)
        {
            var n = stack.Pop();
            foreach (var edge in n.Edges)
            {
                var next = edge?.Node;
                if (next == null) continue;
                deps[next] = deps.TryGetValue(next, out var c) ? c + 1 : 1;
                if (seen.Add(next)) stack.Push(next);
            }
        }

        // Map non-leaf capture targets to their nodes.
        Dictionary<Node, int>? captureNodes = null;
        if (captureInputs != null)
            for (int i = 0; i < captureInputs.Length; i++)
                if (captureInputs[i].GradFn is { } cn) (captureNodes ??= new(ReferenceEqualityComparer.Instance))[cn] = i;

        var ready = new Stack<Node>();
        foreach (var r in roots)
            if (r.GradFn != null && !deps.ContainsKey(r.GradFn) && !ready.Contains(r.GradFn)) ready.Push(r.GradFn);

        while (ready.Count > 0)
        {
            var node = ready.Pop();
            if (!grads.Remove(node, out var gOut))
            {
                // No gradient flowed into this node (every path to it carried null): pass nothing on.
                foreach (var edge in node.Edges)
                    if (edge?.Node is { } skipped && --deps[skipped] == 0) ready.Push(skipped);
                continue;
            }
            if (node.RetainedOutput is { } kept && captureInputs == null)
            {
                if (kept.Grad == null) Escape(gOut);
                kept.Grad = kept.Grad == null ? gOut : Escape(kept.Grad.Add(gOut));
            }
            if (captureNodes != null && captureNodes.TryGetValue(node, out var ci))
            {
                if (captured![ci] == null) Escape(gOut);
                captured[ci] = captured[ci] == null ? gOut : Escape(captured[ci]!.Add(gOut));
            }

            var inGrads = node.Apply(gOut);
            if (!retainGraph) node.Release();
            for (int i = 0; i < node.Edges.Length; i++)
            {
                var edge = node.Edges[i];
                if (edge == null) continue;
                var g = inGrads[i];
                if (edge.Node == null)
                {
                    if (g != null) Deliver(edge.Leaf!, g, captureInputs, captured, grads, inGrads, i + 1);
                    continue;
                }
                var next = edge.Node;
                if (g != null) Accumulate(grads, next, g, inGrads, i + 1);
                if (--deps[next] == 0) ready.Push(next);
            }
            // The node has consumed its gradient; recycle it unless something still pending shares its buffer.
            ReleaseIfDead(gOut, grads, null, 0);
        }
        return captured ?? Array.Empty<Tensor?>();
    }

    private static void Accumulate(Dictionary<Node, Tensor> grads, Node node, Tensor g, Tensor?[]? siblings = null, int from = 0)
    {
        if (!grads.TryGetValue(node, out var prev)) { grads[node] = g; return; }
        var sum = prev.Add(g);
        grads[node] = sum;
        ReleaseIfDead(prev, grads, siblings, from);
        ReleaseIfDead(g, grads, siblings, from);
    }

    private static void Deliver(Tensor leaf, Tensor g, Tensor[]? captureInputs, Tensor?[]? captured,
                                Dictionary<Node, Tensor> grads, Tensor?[] siblings, int from)
    {
        if (captureInputs != null)
        {
            int idx = Array.FindIndex(captureInputs, t => ReferenceEquals(t, leaf));
            if (idx >= 0)
            {
                if (captured![idx] == null) Escape(g);
                captured[idx] = captured[idx] == null ? g : Escape(captured[idx]!.Add(g));
            }
            return;
        }
        if (g.Shape != leaf.Shape)
            throw new InvalidOperationException($"Internal error: gradient of shape {g.Shape} for a leaf of shape {leaf.Shape}.");
        // Gradients accumulate; a fresh grad is copied so later in-place updates never alias graph values. A buffer the
        // engine made in this pass and that nothing else shares is already fresh: the leaf takes it without a copy.
        if (leaf.Grad == null)
        {
            if (Owned(g) && g.IsDense && !Shared(g.Storage, grads, siblings, from)) { Escape(g); leaf.Grad = g.Detach(); }
            else leaf.Grad = Escape(g.Detach().Clone());
            leaf.Grad.Storage.IsEngineGrad = true;   // its own buffer: ZeroGrad(setToNone) in a scope may recycle it
        }
        else
        {
            leaf.Grad.Add_(g);
            ReleaseIfDead(g, grads, siblings, from);
        }
        leaf.RunPostAccumulateGradHooks();
    }

    /// <summary>Whether this pass allocated <paramref name="t"/>'s buffer and may still recycle it.</summary>
    private static bool Owned(Tensor t) => t.Storage.Epoch != 0 && t.Storage.Epoch == BufferPool.CurrentEpoch;

    /// <summary>Marks a gradient as handed to user code: its buffer is never recycled, neither by this pass nor by an
    /// open <see cref="DisposeScope"/> (a leaf's .Grad outlives the step).</summary>
    private static Tensor Escape(Tensor t)
    {
        t.Storage.Epoch = 0;
        DisposeScope.Exclude(t.Storage);
        return t;
    }

    /// <summary>Whether a pending gradient, or one the current node produced that is not yet handed on
    /// (<paramref name="siblings"/> from index <paramref name="from"/>), views <paramref name="s"/>.</summary>
    private static bool Shared(Storage s, Dictionary<Node, Tensor> grads, Tensor?[]? siblings, int from)
    {
        foreach (var t in grads.Values) if (ReferenceEquals(t.Storage, s)) return true;
        if (siblings != null)
            for (int i = from; i < siblings.Length; i++) if (siblings[i] is { } t && ReferenceEquals(t.Storage, s)) return true;
        return false;
    }

    private static void ReleaseIfDead(Tensor t, Dictionary<Node, Tensor> grads, Tensor?[]? siblings, int from)
    {
        if (!Owned(t) || Shared(t.Storage, grads, siblings, from)) return;
        t.Storage.Release();   // back to the pool once; the tensor object itself is unreachable from here on
    }
}
