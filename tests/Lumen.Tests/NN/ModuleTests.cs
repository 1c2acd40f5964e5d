using Lumen.NN;
using Xunit;

namespace Lumen.Tests.NN;

public class ModuleTests
{
    /// <summary>y = x·w + b with a registered weight, an optional bias and a buffer.</summary>
    private sealed class Affine : Module
    {
        public readonly Parameter Weight;
        public readonly Parameter? Bias;
        public Affine(int n, bool bias = true)
        {
            Weight = RegisterParameter("weight", Torch.Ones(n));
            Bias = RegisterParameter("bias", bias ? new Parameter(Torch.Zeros(n)) : null);
            RegisterBuffer("calls", Torch.Zeros(1));
            RegisterBuffer("scratch", Torch.Zeros(1), persistent: false);
        }
        public override Tensor Forward(Tensor x) => Bias is null ? x * Weight : x * Weight + Bias;
        public override string ExtraRepr() => $"n={Weight.Numel()}, bias={Bias is not null}";
    }

    private sealed class Net : Module
    {
        public readonly Sequential Layer1;
        public readonly Affine Head;
        public Net()
        {
            Layer1 = RegisterModule("layer1", new Sequential(("a1", new Affine(3)), ("a2", new Affine(3, bias: false))));
            Head = RegisterModule("head", new Affine(3));
        }
        public override Tensor Forward(Tensor x) => Head.Call(Layer1.Call(x));
    }

    [Fact]
    public void Named_parameters_use_dotted_keys_in_registration_order()
    {
        var names = new Net().NamedParameters().Select(p => p.Name).ToArray();
        Assert.Equal(new[] { "layer1.a1.weight", "layer1.a1.bias", "layer1.a2.weight", "head.weight", "head.bias" }, names);
    }

    [Fact]
    public void State_dict_holds_parameters_and_persistent_buffers_only()
    {
        var keys = new Net().StateDict().Keys.ToArray();
        Assert.Equal(new[] { "layer1.a1.weight", "layer1.a1.bias", "layer1.a1.calls", "layer1.a2.weight", "layer1.a2.calls",
                             "head.weight", "head.bias", "head.calls" }, keys);
    }

    [Fact]
    public void Named_modules_walks_depth_first_with_the_root_named_empty()
    {
        var names = new Net().NamedModules().Select(m => m.Name).ToArray();
        Assert.Equal(new[] { "", "layer1", "layer1.a1", "layer1.a2", "head" }, names);
        Assert.Equal(new[] { "layer1", "head" }, new Net().NamedChildren().Select(c => c.Name));
    }

    [Fact]
    public void Shared_modules_and_parameters_are_listed_once()
    {
        var shared = new Affine(2);
        var seq = new Sequential(shared, shared);
        Assert.Equal(2, seq.Parameters().Count());
        Assert.Equal(2, seq.Modules().Count());
    }

    [Fact]
    public void A_module_added_twice_runs_twice_and_appears_under_both_keys_in_the_state_dict()
    {
        // DLwPT's `nn.Sequential(*(n_blocks * [ResBlock(...)]))` repeats one block object.
        var shared = new Affine(2);
        using (Lumen.Autograd.Autograd.NoGrad()) shared.Weight.Fill_(3f);
        var seq = new Sequential(shared, shared);
        TensorAssert.Values(new float[] { 9, 9 }, seq.Call(Torch.Ones(2)));
        Assert.Equal(2, seq.Count);
        Assert.Equal(new[] { "0.weight", "0.bias", "0.calls", "1.weight", "1.bias", "1.calls" }, seq.StateDict().Keys);
    }

    [Fact]
    public void Repr_nests_children_like_PyTorch()
    {
        var expected = string.Join("\n",
            "Net(",
            "  (layer1): Sequential(",
            "    (a1): Affine(n=3, bias=True)",
            "    (a2): Affine(n=3, bias=False)",
            "  )",
            "  (head): Affine(n=3, bias=True)",
            ")");
        Assert.Equal(expected, new Net().ToString());
    }

    [Fact]
    public void Sequential_indexing_slicing_and_building_from_children()
    {
        var net = new Net();
        var firstTwo = new Sequential(net.Children().Take(2));
        Assert.Equal(new[] { "0", "1" }, firstTwo.NamedChildren().Select(c => c.Name));
        Assert.Same(net.Head, firstTwo[1]);
        Assert.Same(net.Head, firstTwo[^1]);
        var slice = net.Layer1[1..];
        Assert.Equal(new[] { "a2" }, slice.NamedChildren().Select(c => c.Name));
    }

    [Fact]
    public void Train_and_eval_recurse()
    {
        var net = new Net();
        net.Eval();
        Assert.All(net.Modules(), m => Assert.False(m.Training));
        net.Train();
        Assert.All(net.Modules(), m => Assert.True(m.Training));
    }

    [Fact]
    public void Freezing_and_zero_grad()
    {
        var net = new Net();
        net.Call(Torch.Ones(3)).Sum().Backward();
        Assert.All(net.Parameters(), p => Assert.NotNull(p.Grad));
        net.ZeroGrad();
        Assert.All(net.Parameters(), p => Assert.Null(p.Grad));
        net.Layer1.RequiresGrad_(false);
        net.Call(Torch.Ones(3)).Sum().Backward();
        Assert.Null(net.Layer1.Parameters().First().Grad);
        Assert.NotNull(net.Head.Weight.Grad);
    }

    [Fact]
    public void Load_state_dict_round_trips_and_reports_wrong_keys_and_shapes()
    {
        var a = new Net(); var b = new Net();
        using (Lumen.Autograd.Autograd.NoGrad()) a.Head.Weight.Mul_(3f);
        b.LoadStateDict(a.StateDict());
        TensorAssert.Values(new float[] { 3, 3, 3 }, b.Head.Weight);

        var bad = a.StateDict();
        bad.Remove("head.bias");
        bad["extra.weight"] = Torch.Ones(1);
        bad["head.weight"] = Torch.Ones(4);
        var ex = Assert.Throws<StateDictException>(() => b.LoadStateDict(bad));
        Assert.Contains("head.bias", ex.Message);
        Assert.Contains("extra.weight", ex.Message);
        Assert.Contains("head.weight: checkpoint [4], model [3]", ex.Message);
        TensorAssert.Values(new float[] { 3, 3, 3 }, b.Head.Weight); // nothing copied

        bad["head.weight"] = Torch.Ones(3);
        var r = b.LoadStateDict(bad, strict: false);
        Assert.Equal(new[] { "head.bias" }, r.MissingKeys);
        Assert.Equal(new[] { "extra.weight" }, r.UnexpectedKeys);
    }

    [Fact]
    public void Forward_hooks_see_and_can_replace_outputs_and_are_removable()
    {
        var net = new Net();
        Tensor? captured = null;
        using (net.Layer1.RegisterForwardHook((m, i, o) => { captured = o; }))
            net.Call(Torch.Ones(3) * 2f);
        TensorAssert.Values(new float[] { 2, 2, 2 }, captured!);
        captured = null;
        net.Call(Torch.Ones(3));
        Assert.Null(captured);

        var pre = net.Head.RegisterForwardPreHook((m, x) => x * 0f);
        TensorAssert.Values(new float[] { 0, 0, 0 }, net.Call(Torch.Ones(3)));
        pre.Remove();
    }

    [Fact]
    public void Apply_visits_children_before_the_parent()
    {
        var order = new List<string>();
        new Net().Apply(m => order.Add(m.GetType().Name));
        Assert.Equal(new[] { "Affine", "Affine", "Sequential", "Affine", "Net" }, order);
    }

    [Fact]
    public void Registration_rejects_dotted_names()
    {
        Assert.Throws<ArgumentException>(() => new Sequential().AddModule("a.b", new Sequential()));
    }
}
