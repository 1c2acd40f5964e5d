namespace Lumen.Autograd;

/// <summary>How ops attach themselves to the graph.</summary>
internal static class Graph
{
    /// <summary>True when an op on these inputs must record a node.</summary>
    public static bool Needs(Tensor a) => GradMode.Enabled && a.RequiresGrad;
    public static bool Needs(Tensor a, Tensor b) => GradMode.Enabled && (a.RequiresGrad || b.RequiresGrad);
    public static bool Needs(Tensor?[] inputs)
    {
        if (!GradMode.Enabled) return false;
        foreach (var t in inputs) if (t != null && t.RequiresGrad) return true;
        return false;
    }

    /// <summary>Makes <paramref name="output"/> the result of a recorded op named <paramref name="name"/> (PyTorch's
    /// grad_fn name) when any input requires grad. <paramref name="backward"/> maps dL/d(output) to one gradient per input
    /// (null where none); <paramref name="saved"/> lists the tensors it reads, guarded against in-place writes.</summary>
    public static Tensor Record(Tensor output, string name, Tensor?[] inputs, Func<Tensor, Tensor?[]> backward, params Tensor[] saved)
    {
        if (!Needs(inputs)) return output;
        output.GradFn = new Node(name, inputs, backward, saved);
        output.SetRequiresGradUnchecked();
        return output;
    }

    /// <summary>Rewires an in-place op's result: <paramref name="self"/> was modified in place, so its history becomes
    /// a new node whose input is a snapshot of its old history.</summary>
    public static void RecordInPlace(Tensor self, string name, Tensor?[] otherInputs, Func<Tensor, Tensor?[]> backward, params Tensor[] saved)
    {
        var inputs = new Tensor?[otherInputs.Length + 1];
        inputs[0] = self.RequiresGrad ? self.ShallowHistoryCopy() : null;
        otherInputs.CopyTo(inputs, 1);
        if (!Needs(inputs)) return;
        self.GradFn = new Node(name, inputs, backward, saved);
        self.SetRequiresGradUnchecked();
    }

    /// <summary>Throws the error PyTorch raises for in-place ops on leaves that require grad.</summary>
    public static void CheckInPlace(Tensor self, string op)
    {
        if (GradMode.Enabled && self.IsLeaf && self.RequiresGrad)
            throw new InvalidOperationException($"{op}: a leaf tensor that requires grad is being used in an in-place operation " +
                                                "(wrap it in Autograd.NoGrad() or work on a clone).");
    }
}
