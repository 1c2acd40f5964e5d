using Lumen.NN;
using Lumen.Optim;
using Xunit;

namespace Lumen.Tests.Optim;

/// <summary>The optimizer base: argument validation (the bad value is named), parameter groups, ZeroGrad, and the
/// plain, snapshot nature of state dicts.</summary>
public class OptimizerBehaviourTests
{
    private static Tensor[] Params() => new TinyMlp().P;

    public static TheoryData<string, string> InvalidCases() => new()
    {
        { "SGD lr", "-0.1" }, { "SGD momentum", "-0.5" }, { "SGD weight_decay", "-1" }, { "SGD nesterov", "Nesterov" },
        { "Adam lr", "-0.001" }, { "Adam beta1", "1" }, { "Adam beta2", "-0.1" }, { "Adam eps", "-1E-08" },
        { "AdamW weight_decay", "-0.01" }, { "Adagrad lr_decay", "-0.5" }, { "Adagrad initial_accumulator_value", "-1" },
        { "Adadelta rho", "1.5" }, { "Adamax beta1", "1.1" }, { "RMSprop alpha", "-0.9" }, { "RMSprop momentum", "-1" },
        { "Rprop etas", "1.5, 1.2" }, { "ASGD lr", "-2" }, { "LBFGS line_search", "armijo" }, { "LBFGS history", "0" },
        { "SparseAdam lr", "0" }, { "NAdam momentum_decay", "-0.004" }, { "RAdam beta2", "1" }, { "group lr", "-3" },
    };

    [Theory]
    [MemberData(nameof(InvalidCases))]
    public void Invalid_hyperparameters_throw_naming_the_value(string what, string value)
    {
        var P = Params();
        Action make = what switch
        {
            "SGD lr" => () => new SGD(P, lr: -0.1),
            "SGD momentum" => () => new SGD(P, lr: 0.1, momentum: -0.5),
            "SGD weight_decay" => () => new SGD(P, lr: 0.1, weightDecay: -1),
            "SGD nesterov" => () => new SGD(P, lr: 0.1, nesterov: true),
            "Adam lr" => () => new Adam(P, lr: -0.001),
            "Adam beta1" => () => new Adam(P, betas: (1.0, 0.999)),
            "Adam beta2" => () => new Adam(P, betas: (0.9, -0.1)),
            "Adam eps" => () => new Adam(P, eps: -1e-8),
            "AdamW weight_decay" => () => new AdamW(P, weightDecay: -0.01),
            "Adagrad lr_decay" => () => new Adagrad(P, lrDecay: -0.5),
            "Adagrad initial_accumulator_value" => () => new Adagrad(P, initialAccumulatorValue: -1),
            "Adadelta rho" => () => new Adadelta(P, rho: 1.5),
            "Adamax beta1" => () => new Adamax(P, betas: (1.1, 0.999)),
            "RMSprop alpha" => () => new RMSprop(P, alpha: -0.9),
            "RMSprop momentum" => () => new RMSprop(P, momentum: -1),
            "Rprop etas" => () => new Rprop(P, etas: (1.5, 1.2)),
            "ASGD lr" => () => new ASGD(P, lr: -2),
            "LBFGS line_search" => () => new LBFGS(P, lineSearchFn: "armijo"),
            "LBFGS history" => () => new LBFGS(P, historySize: 0),
            "SparseAdam lr" => () => new SparseAdam(P, lr: 0),
            "NAdam momentum_decay" => () => new NAdam(P, momentumDecay: -0.004),
            "RAdam beta2" => () => new RAdam(P, betas: (0.9, 1.0)),
            "group lr" => () => new SGD(new[] { new ParamGroup(P) { ["lr"] = -3.0 } }, lr: 0.1),
            _ => throw new ArgumentException(what),
        };
        var ex = Assert.Throws<ArgumentException>(make);
        Assert.Contains(value, ex.Message);
    }

    [Fact]
    public void A_parameter_in_two_groups_or_an_empty_list_is_rejected()
    {
        var P = Params();
        Assert.Contains("more than one parameter group", Assert.Throws<ArgumentException>(() =>
            new SGD(new[] { new ParamGroup(P[..2]), new ParamGroup(P[1..]) }, lr: 0.1)).Message);
        Assert.Contains("empty parameter list", Assert.Throws<ArgumentException>(() => new Adam(Array.Empty<ParamGroup>())).Message);
        var opt = new SGD(P[..2], lr: 0.1);
        Assert.Throws<ArgumentException>(() => opt.AddParamGroup(new ParamGroup(P[1..2])));
        Assert.Throws<ArgumentException>(() => new LBFGS(P).AddParamGroup(new ParamGroup(Params())));
    }

    [Fact]
    public void Groups_fill_missing_options_from_the_defaults_and_keep_their_own()
    {
        var P = Params();
        var opt = new SGD(new[] { new ParamGroup(P[..2]), new ParamGroup(P[2..]) { ["lr"] = 0.5 } }, lr: 0.1, momentum: 0.9);
        Assert.Equal(0.1, opt.ParamGroups[0].Lr);
        Assert.Equal(0.5, opt.ParamGroups[1].Lr);
        Assert.Equal(0.9, opt.ParamGroups[1].GetDouble("momentum"));
        Assert.False(opt.ParamGroups[1].GetBool("nesterov"));
        Assert.Contains("Parameter Group 1", opt.ToString());
    }

    [Fact]
    public void ZeroGrad_sets_to_none_by_default_or_zeroes_in_place()
    {
        var m = new TinyMlp();
        var opt = new Adam(m.P);
        m.Loss().Backward();
        var g0 = m.P[0].Grad!;
        opt.ZeroGrad(setToNone: false);
        Assert.Same(g0, m.P[0].Grad);
        Assert.All(g0.ToArray(), v => Assert.Equal(0f, v));
        opt.ZeroGrad();
        Assert.All(m.P, p => Assert.Null(p.Grad));
    }

    [Fact]
    public void Parameters_without_gradients_are_skipped_and_get_no_state()
    {
        var m = new TinyMlp();
        var before = m.P[3].ToArray();
        var opt = new Adam(m.P, lr: 0.1);
        m.Loss().Backward();
        m.P[3].Grad = null;
        opt.Step();
        Assert.Equal(before, m.P[3].ToArray());
        Assert.False(opt.State.ContainsKey(m.P[3]));
        Assert.True(opt.State.ContainsKey(m.P[0]));
    }

    [Fact]
    public void Updates_run_in_place_without_recording_a_graph_and_bump_the_version()
    {
        var m = new TinyMlp();
        var storageBefore = m.P[0].F32;
        var opt = new SGD(m.P, lr: 0.1, momentum: 0.9);
        m.Loss().Backward();
        opt.Step();
        Assert.Same(storageBefore, m.P[0].F32);
        Assert.True(m.P[0].IsLeaf);
        Assert.True(m.P[0].RequiresGrad);
    }

    [Fact]
    public void State_dict_mirrors_PyTorchs_layout_with_plain_values()
    {
        var m = new TinyMlp();
        var opt = new Adam(new[] { new ParamGroup(m.P[..2]), new ParamGroup(m.P[2..]) { ["lr"] = 0.5 } }, lr: 0.1, amsgrad: true);
        m.Loss().Backward();
        opt.Step();
        var sd = opt.StateDict();
        Assert.Equal(new[] { 0, 1 }, (int[])sd.ParamGroups[0]["params"]!);
        Assert.Equal(new[] { 2, 3 }, (int[])sd.ParamGroups[1]["params"]!);
        Assert.Equal(0.5, sd.ParamGroups[1]["lr"]);
        Assert.Equal(new[] { 0.9, 0.999 }, (double[])sd.ParamGroups[0]["betas"]!);
        Assert.Equal(new[] { 0, 1, 2, 3 }, sd.State.Keys.OrderBy(k => k));
        Assert.Equal(new[] { "exp_avg", "exp_avg_sq", "max_exp_avg_sq", "step" }, sd.State[2].Keys.OrderBy(k => k));
        Assert.Equal(1f, ((Tensor)sd.State[0]["step"]!).Item());
        Assert.NotSame(opt.State[m.P[0]]["exp_avg"], sd.State[0]["exp_avg"]);
        foreach (var s in sd.State.Values)
            foreach (var v in s.Values)
                Assert.True(v is null or Tensor or double or long or int or bool or string or double[] or List<Tensor> or List<double>, $"not plain: {v?.GetType()}");
    }

    [Fact]
    public void Loading_a_state_dict_with_a_different_group_layout_throws()
    {
        var m = new TinyMlp();
        var opt = new SGD(m.P, lr: 0.1, momentum: 0.9);
        var sd = opt.StateDict();
        var other = new SGD(new[] { new ParamGroup(m.P[..2]), new ParamGroup(m.P[2..]) }, lr: 0.1);
        Assert.Contains("parameter groups", Assert.Throws<ArgumentException>(() => other.LoadStateDict(sd)).Message);
        var fewer = new SGD(m.P[..3], lr: 0.1);
        Assert.Contains("doesn't match the size", Assert.Throws<ArgumentException>(() => fewer.LoadStateDict(sd)).Message);
    }

    [Fact]
    public void Optimizer_takes_a_modules_parameters_directly()
    {
        var seq = new Sequential();
        var opt = new SGD(seq.Parameters().Concat(new TinyMlp().P), lr: 0.1);
        Assert.Equal(4, opt.ParamGroups[0].Params.Count);
    }

    [Fact]
    public void Large_parameters_update_identically_on_the_SIMD_parallel_path_and_a_scalar_reference()
    {
        // 100k elements take the multi-threaded SIMD kernels; compare with a scalar Adam written from the formula.
        const int n = 100_003;
        var rnd = new Random(5);
        var p0 = Enumerable.Range(0, n).Select(_ => (float)(rnd.NextDouble() - 0.5)).ToArray();
        var p = new Parameter(Torch.Tensor(p0, n));
        var opt = new Adam(new[] { p }, lr: 0.01, weightDecay: 0.1, amsgrad: true);
        float[] m = new float[n], v = new float[n], vmax = new float[n], r = (float[])p0.Clone();
        for (int step = 1; step <= 3; step++)
        {
            var g = Enumerable.Range(0, n).Select(_ => (float)(rnd.NextDouble() - 0.5)).ToArray();
            p.Grad = Torch.Tensor(g, n);
            opt.Step();
            double bc1 = 1 - Math.Pow(0.9, step), bc2 = 1 - Math.Pow(0.999, step);
            for (int i = 0; i < n; i++)
            {
                float gi = g[i] + 0.1f * r[i];
                m[i] = m[i] * 0.9f + 0.1f * gi;
                v[i] = v[i] * 0.999f + (float)(1 - 0.999) * gi * gi;
                vmax[i] = Math.Max(vmax[i], v[i]);
                r[i] += (float)-(0.01 / bc1) * (m[i] / (MathF.Sqrt(vmax[i]) / (float)Math.Sqrt(bc2) + 1e-8f));
            }
        }
        Assert.Equal(r, p.ToArray());
    }
}
