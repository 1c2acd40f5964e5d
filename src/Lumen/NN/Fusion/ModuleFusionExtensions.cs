using Lumen.Autograd;

namespace Lumen.NN;

/// <summary>
/// Fused inference, the fold torch.fx's <c>fuse</c> (and <c>torch.ao.quantization.fuse_modules</c>) applies:
/// <c>model.FuseForInference(example)</c> once, then in eval mode under <c>Autograd.NoGrad()</c> every Conv→BatchNorm(→ReLU)
/// chain runs as one convolution with folded weights, the ReLU applied in place on its fresh output.
/// <para>An explicit call rather than automatic: finding the chains takes one traced forward on an input of the right
/// shape (Lumen has no symbolic tracer), and the call says in the code that this model's eval forward no longer runs the
/// batch norms themselves. Unlike torch.fx's fuse, the module tree is not rewritten: the fold is a cache beside each
/// fused convolution, so <c>ToString()</c>, <c>StateDict()</c>, <c>Parameters()</c>, training and checkpoints stay PyTorch's.</para>
/// <para>The chains come from the data flow of the traced call, not from module names or order: a convolution's output
/// must reach the batch norm and nothing else (counted on the autograd graph, which also sees ops the
/// <see cref="Tracing.Tracer"/> does not report), and every call of a shared convolution must feed the same batch norm; the
/// ReLU is folded only when the batch norm's output goes to one ReLU module and nowhere else. Conv1d/2d/3d, with or
/// without bias, grouped and depthwise, any padding mode; transposed convolutions are left alone.</para>
/// <para>What uses the fold, and what invalidates it: only eval mode of both modules, grad mode off, an input not requiring
/// grad, running statistics present and no forward hooks on the convolution or the batch norm; anything else runs the
/// modules as before. A write to any of the six source tensors (conv weight and bias, BN weight, bias, running mean and
/// variance) — an optimizer step, <c>LoadStateDict</c>, a training-mode forward, an in-place edit — bumps its version
/// counter, and the next fused call re-folds. Limitation: the chains hold for the control flow seen in the traced call;
/// a Forward that routes a fused convolution's output elsewhere on another input must not be fused, and a fused
/// convolution called on its own (eval, no-grad, no hooks) returns the folded result: read features through a forward
/// hook (which turns the fold off for that module) or call <see cref="UnfuseForInference"/> first.</para>
/// </summary>
public static class ModuleFusionExtensions
{
    private sealed class CallRecord
    {
        public required Module Module;
        public required Tensor Input;
        public required Node? InputNode;
        public Tensor? Output;
        public Node? OutputNode;
    }

    /// <summary>Finds the Conv→BatchNorm(→ReLU) chains of <paramref name="model"/> by running it once on
    /// <paramref name="exampleInput"/> (eval mode, with grad recording; training flags are restored) and fuses them for
    /// inference (see the class). Calling it again re-traces and replaces the earlier fusion.</summary>
    /// <param name="model">The network.</param>
    /// <param name="exampleInput">An input of the shape the model takes, batch included (float32); one sample is enough,
    /// and keeps the traced call's memory small.</param>
    /// <returns>The chains fused, in the order they ran.</returns>
    /// <exception cref="InvalidOperationException">called under <c>Autograd.NoGrad()</c> (the trace reads the autograd graph).</exception>
    public static IReadOnlyList<FusedChain> FuseForInference(this Module model, Tensor exampleInput)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(exampleInput);
        if (exampleInput.DType != DType.Float32)
            throw new ArgumentException($"FuseForInference({model.GetType().Name}): the example input must be float32, got {exampleInput.DType}.", nameof(exampleInput));
        if (!Autograd.Autograd.IsGradEnabled)
            throw new InvalidOperationException($"FuseForInference({model.GetType().Name}) traces with grad mode on (it counts uses on the autograd graph); call it outside Autograd.NoGrad().");

        model.UnfuseForInference();
        var paths = new Dictionary<Module, string>(ReferenceEqualityComparer.Instance);
        foreach (var (name, m) in model.NamedModules()) paths.TryAdd(m, name);

        var calls = new List<CallRecord>();
        var open = new Stack<CallRecord>();
        var modes = model.Modules().Select(m => (Module: m, m.Training)).ToList();
        var hooks = new List<HookHandle>();
        Tensor output;
        var x = exampleInput.Detach().Clone();
        x.RequiresGrad = true;   // every op on the way leaves a grad_fn: the uses are counted on that graph
        try
        {
            model.Eval();
            foreach (var m in model.Modules())
            {
                hooks.Add(m.RegisterForwardPreHook((mod, input) =>
                {
                    var c = new CallRecord { Module = mod, Input = input, InputNode = input.GradFn };
                    open.Push(c); calls.Add(c);
                    return null;
                }));
                hooks.Add(m.RegisterForwardHook((mod, _, o) =>
                {
                    var c = open.Pop();
                    c.Output = o; c.OutputNode = o.GradFn;
                }));
            }
            output = model.Call(x);
        }
        finally
        {
            foreach (var h in hooks) h.Remove();
            foreach (var (m, training) in modes) m.Train(training);
        }

        var uses = CountUses(output);
        var chains = new List<(CallRecord Conv, CallRecord Bn, bool Relu)>();
        foreach (var bn in calls.Where(c => c.Module is BatchNormBase))
        {
            var conv = calls.FirstOrDefault(c => c.Module is ConvNd { Transposed: false } && c.OutputNode != null
                                                 && ReferenceEquals(c.Output, bn.Input) && ReferenceEquals(c.OutputNode, bn.InputNode));
            if (conv == null || uses.GetValueOrDefault(conv.OutputNode!) != 1) continue;
            if (((ConvNd)conv.Module).OutChannels != ((BatchNormBase)bn.Module).NumFeatures) continue;
            bool relu = bn.OutputNode != null && uses.GetValueOrDefault(bn.OutputNode) == 1
                        && calls.Any(c => c.Module is ReLU && ReferenceEquals(c.Input, bn.Output) && ReferenceEquals(c.InputNode, bn.OutputNode));
            chains.Add((conv, bn, relu));
        }

        // A module called more than once is fused only when every call of it is the same chain.
        var fused = new List<FusedChain>();
        foreach (var group in chains.GroupBy(c => c.Conv.Module, ReferenceEqualityComparer.Instance))
        {
            var conv = (ConvNd)group.Key!;
            var bn = (BatchNormBase)group.First().Bn.Module;
            int convCalls = calls.Count(c => ReferenceEquals(c.Module, conv)), bnCalls = calls.Count(c => ReferenceEquals(c.Module, bn));
            if (group.Any(c => !ReferenceEquals(c.Bn.Module, bn)) || group.Count() != convCalls || group.Count() != bnCalls) continue;
            if (bn.RunningMean == null || bn.RunningVar == null) continue;   // eval normalises by batch statistics: nothing to fold
            bool relu = group.All(c => c.Relu);
            conv.Fold = new ConvBatchNormFold(conv, bn, relu);
            string? reluPath = relu ? paths.GetValueOrDefault(calls.First(c => c.Module is ReLU && ReferenceEquals(c.Input, group.First().Bn.Output)).Module) : null;
            fused.Add(new FusedChain(paths.GetValueOrDefault(conv) ?? conv.GetType().Name, paths.GetValueOrDefault(bn) ?? bn.GetType().Name, reluPath));
        }
        if (fused.Count > 0) FusedOutputs.Arm();
        return fused;
    }

    /// <summary>Drops every fold <see cref="FuseForInference"/> set on <paramref name="model"/>'s convolutions: its eval
    /// forward runs the batch norms again.</summary>
    public static void UnfuseForInference(this Module model)
    {
        ArgumentNullException.ThrowIfNull(model);
        foreach (var m in model.Modules()) if (m is ConvNd conv) conv.Fold = null;
    }

    /// <summary>Whether <paramref name="model"/> has any convolution fused for inference.</summary>
    public static bool IsFusedForInference(this Module model) => model.Modules().Any(m => m is ConvNd { Fold: not null });

    /// <summary>How many graph edges (and the model's output) read each node's result, over the graph behind
    /// <paramref name="output"/>.</summary>
    private static Dictionary<Node, int> CountUses(Tensor output)
    {
        var uses = new Dictionary<Node, int>(ReferenceEqualityComparer.Instance);
        if (output.GradFn is not { } root) return uses;
        uses[root] = 1;
        var seen = new HashSet<Node>(ReferenceEqualityComparer.Instance) { root };
        var stack = new Stack<Node>();
        stack.Push(root);
        while (stack.Count > 0)
            foreach (var next in stack.Pop().NextFunctions)
            {
                if (next == null) continue;
                uses[next] = uses.GetValueOrDefault(next) + 1;
                if (seen.Add(next)) stack.Push(next);
            }
        return uses;
    }
}
