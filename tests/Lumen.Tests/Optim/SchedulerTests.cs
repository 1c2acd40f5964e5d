using System.Text.Json;
using Lumen.Optim;
using Lumen.Optim.Schedulers;
using Xunit;

namespace Lumen.Tests.Optim;

/// <summary>Every learning-rate scheduler against PyTorch 1.13 (tests/Fixtures/gen_optim.py): the rates (and cycled
/// momentum / β1) of a two-group optimizer after construction and after each of 15 steps, and state-dict resume.</summary>
public class SchedulerTests
{
    private const int Epochs = 15;

    private static readonly Dictionary<string, Func<Optimizer, ILRScheduler>> Makers = new()
    {
        ["step"] = o => new StepLR(o, stepSize: 3, gamma: 0.5),
        ["multistep"] = o => new MultiStepLR(o, milestones: new[] { 2, 5, 5, 9 }, gamma: 0.3),
        ["exponential"] = o => new ExponentialLR(o, gamma: 0.9),
        ["cosine"] = o => new CosineAnnealingLR(o, tMax: 5, etaMin: 0.001),
        ["cosine_long"] = o => new CosineAnnealingLR(o, tMax: 20),
        ["warm_restarts"] = o => new CosineAnnealingWarmRestarts(o, t0: 3, tMult: 2, etaMin: 0.01),
        ["warm_restarts_mult1"] = o => new CosineAnnealingWarmRestarts(o, t0: 4),
        ["linear"] = o => new LinearLR(o, startFactor: 0.25, endFactor: 1.0, totalIters: 6),
        ["linear_decay"] = o => new LinearLR(o, startFactor: 1.0, endFactor: 0.1, totalIters: 4),
        ["constant"] = o => new ConstantLR(o, factor: 0.5, totalIters: 4),
        ["polynomial"] = o => new PolynomialLR(o, totalIters: 8, power: 2.0),
        ["lambda"] = o => new LambdaLR(o, new Func<int, double>[] { e => Math.Pow(0.95, e), e => 1.0 / (1 + e) }),
        ["multiplicative"] = o => new MultiplicativeLR(o, _ => 0.9),
        ["onecycle_cos"] = o => new OneCycleLR(o, maxLr: new[] { 1.0, 0.5 }, totalSteps: 16, pctStart: 0.3),
        ["onecycle_linear_three_phase"] = o => new OneCycleLR(o, maxLr: 0.8, epochs: 4, stepsPerEpoch: 4, pctStart: 0.25,
            annealStrategy: AnnealStrategy.Linear, threePhase: true, divFactor: 10.0, finalDivFactor: 100.0),
        ["cyclic_triangular"] = o => new CyclicLR(o, baseLr: 0.01, maxLr: 0.1, stepSizeUp: 3),
        ["cyclic_triangular2"] = o => new CyclicLR(o, baseLr: new[] { 0.01, 0.02 }, maxLr: new[] { 0.1, 0.2 }, stepSizeUp: 2,
            stepSizeDown: 3, mode: CyclicMode.Triangular2),
        ["cyclic_exp_range"] = o => new CyclicLR(o, baseLr: 0.01, maxLr: 0.1, stepSizeUp: 2, mode: CyclicMode.ExpRange, gamma: 0.9,
            cycleMomentum: false),
        ["plateau_min"] = o => new ReduceLROnPlateau(o, mode: PlateauMode.Min, factor: 0.5, patience: 2, threshold: 0.01, cooldown: 1,
            minLr: new[] { 0.01, 0.002 }),
        ["plateau_max_abs"] = o => new ReduceLROnPlateau(o, mode: PlateauMode.Max, factor: 0.3, patience: 1, threshold: 0.05,
            thresholdMode: ThresholdMode.Abs),
        ["sequential"] = o => new SequentialLR(o, new LRScheduler[] { new ConstantLR(o, factor: 0.1, totalIters: 2), new ExponentialLR(o, gamma: 0.9) },
            milestones: new[] { 3 }),
        ["sequential_warmup_cosine"] = o => new SequentialLR(o, new LRScheduler[]
        {
            new LinearLR(o, startFactor: 0.1, totalIters: 4), new CosineAnnealingLR(o, tMax: 8, etaMin: 0.001), new StepLR(o, stepSize: 2, gamma: 0.5),
        }, milestones: new[] { 4, 11 }),
        ["chained"] = o => new ChainedScheduler(new LRScheduler[] { new ConstantLR(o, factor: 0.1, totalIters: 2), new ExponentialLR(o, gamma: 0.9) }),
        ["chained_step_linear"] = o => new ChainedScheduler(new LRScheduler[] { new StepLR(o, stepSize: 4, gamma: 0.5), new LinearLR(o, startFactor: 0.5, totalIters: 5) }),
    };

    public static TheoryData<string> Cases()
    {
        var d = new TheoryData<string>();
        foreach (var k in Makers.Keys) d.Add(k);
        return d;
    }

    private static Optimizer MakeOptimizer(bool adam)
    {
        var a = Torch.Zeros(2).RequiresGrad_();
        var b = Torch.Zeros(3).RequiresGrad_();
        var groups = new[] { new ParamGroup(new[] { a }), new ParamGroup(new[] { b }) { ["lr"] = 0.05 } };
        return adam ? new Adam(groups, lr: 0.1, betas: (0.9, 0.999)) : new SGD(groups, lr: 0.1, momentum: 0.9);
    }

    private static double[]? Metrics(FixtureCase c) =>
        c.Has("metrics") ? c.Raw("metrics").EnumerateArray().Select(e => e.GetDouble()).ToArray() : null;

    private static void StepOnce(Optimizer opt, ILRScheduler s, double[]? metrics, int epoch)
    {
        opt.Step();
        if (s is ReduceLROnPlateau p) p.Step(metrics![epoch]);
        else ((LRScheduler)s).Step();
    }

    private static void Close(JsonElement expected, double[] actual, string what)
    {
        var e = expected.EnumerateArray().Select(x => x.GetDouble()).ToArray();
        Assert.Equal(e.Length, actual.Length);
        for (int i = 0; i < e.Length; i++)
            Assert.True(Math.Abs(actual[i] - e[i]) <= 1e-10 * Math.Abs(e[i]) + 1e-15, $"{what}[{i}]: {actual[i]:R} vs PyTorch {e[i]:R}");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Learning_rates_over_15_epochs_match_PyTorch(string name)
    {
        var c = Fixtures.Case("optim", "sched_" + name);
        bool adam = name == "onecycle_linear_three_phase";
        var opt = MakeOptimizer(adam);
        var sched = Makers[name](opt);
        var metrics = Metrics(c);
        var lr = c.Raw("lr").EnumerateArray().ToArray();
        var groupLr = c.Raw("group_lr").EnumerateArray().ToArray();
        JsonElement[]? mom = c.Has("momentum") ? c.Raw("momentum").EnumerateArray().ToArray() : null;
        JsonElement[]? beta1 = c.Has("beta1") ? c.Raw("beta1").EnumerateArray().ToArray() : null;
        for (int e = 0; e <= Epochs; e++)
        {
            if (e > 0) StepOnce(opt, sched, metrics, e - 1);
            Close(lr[e], sched.GetLastLr(), $"{name} epoch {e} get_last_lr");
            Close(groupLr[e], opt.ParamGroups.Select(g => g.Lr).ToArray(), $"{name} epoch {e} group lr");
            if (mom != null) Close(mom[e], opt.ParamGroups.Select(g => g.GetDouble("momentum")).ToArray(), $"{name} epoch {e} momentum");
            if (beta1 != null) Close(beta1[e], opt.ParamGroups.Select(g => g.GetPair("betas").Item1).ToArray(), $"{name} epoch {e} beta1");
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void State_dict_saved_mid_schedule_resumes_the_identical_rates(string name)
    {
        var c = Fixtures.Case("optim", "sched_" + name);
        bool adam = name == "onecycle_linear_three_phase";
        var metrics = Metrics(c);
        var optA = MakeOptimizer(adam);
        var a = Makers[name](optA);
        for (int e = 0; e < 6; e++) StepOnce(optA, a, metrics, e);
        var savedOpt = optA.StateDict();
        var saved = a.StateDict();

        var optB = MakeOptimizer(adam);
        var b = Makers[name](optB);
        optB.LoadStateDict(savedOpt);
        b.LoadStateDict(saved);
        for (int e = 6; e < Epochs; e++)
        {
            StepOnce(optA, a, metrics, e);
            StepOnce(optB, b, metrics, e);
            Assert.Equal(a.GetLastLr(), b.GetLastLr());
            Assert.Equal(optA.ParamGroups.Select(g => g.Lr), optB.ParamGroups.Select(g => g.Lr));
        }
    }

    [Fact]
    public void Construction_performs_the_initial_step_like_PyTorch()
    {
        var opt = MakeOptimizer(false);
        var s = new LinearLR(opt, startFactor: 0.5, totalIters: 4);
        Assert.Equal(0, s.LastEpoch);
        Assert.Equal(new[] { 0.05, 0.025 }, s.GetLastLr());
        Assert.Equal(new[] { 0.1, 0.05 }, opt.ParamGroups.Select(g => g.GetDouble("initial_lr")));
    }

    [Fact]
    public void OneCycleLR_throws_when_stepped_past_total_steps()
    {
        var opt = MakeOptimizer(false);
        var s = new OneCycleLR(opt, maxLr: 1.0, totalSteps: 3);
        for (int i = 0; i < 3; i++) s.Step();
        var ex = Assert.Throws<InvalidOperationException>(() => s.Step());
        Assert.Contains("total steps is 3", ex.Message);
    }

    [Fact]
    public void Schedulers_reject_bad_arguments_naming_the_value()
    {
        var opt = MakeOptimizer(false);
        Assert.Contains("1.5", Assert.Throws<ArgumentException>(() => new LinearLR(opt, startFactor: 1.5)).Message);
        Assert.Contains("1.2", Assert.Throws<ArgumentException>(() => new ReduceLROnPlateau(opt, factor: 1.2)).Message);
        Assert.Contains("-1", Assert.Throws<ArgumentException>(() => new CosineAnnealingWarmRestarts(opt, t0: -1)).Message);
        Assert.Contains("expected 2 values", Assert.Throws<ArgumentException>(() => new CyclicLR(opt, baseLr: new[] { 0.1 }, maxLr: 1.0)).Message);
        var adam = MakeOptimizer(true);
        Assert.Contains("momentum", Assert.Throws<ArgumentException>(() => new CyclicLR(adam, baseLr: 0.1, maxLr: 1.0)).Message);
        Assert.Contains("initial_lr", Assert.Throws<ArgumentException>(() => new StepLR(MakeOptimizer(false), stepSize: 2, lastEpoch: 3)).Message);
    }
}
