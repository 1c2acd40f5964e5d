using Lumen.NN;
using Lumen.Optim;
using Lumen.Vision.Models;

namespace Lumen.Distributed.Tests;

/// <summary>Without mpirun the same program runs as a one-process group: collectives hand back their input, DDP and
/// SyncBatchNorm behave as the plain model, and libmpi is never loaded.</summary>
public sealed class OneProcessTests
{
    [Fact]
    public void Outside_mpirun_the_world_is_one_process_and_libmpi_stays_unloaded()
    {
        var g = ProcessGroup.World;
        Assert.Equal((0, 1, false), (g.Rank, g.WorldSize, g.IsDistributed));
        var t = Torch.Tensor(new[] { 1f, 2f, 3f }, 3);
        g.AllReduce(t);
        g.Broadcast(t);
        g.Barrier();
        Assert.Equal(new[] { 1f, 2f, 3f }, t.ToArray<float>());
        Assert.Equal(new[] { 1f, 2f, 3f }, Assert.Single(g.AllGather(t)).ToArray<float>());
        Assert.DoesNotContain("libmpi", File.ReadAllText("/proc/self/maps"));
    }

    [Fact]
    public void A_one_process_DDP_trains_exactly_as_the_bare_model()
    {
        Torch.ManualSeed(1);
        var a = new Net();
        var b = new Net();
        b.LoadStateDict(a.StateDict());
        using var ddp = new DistributedDataParallel(b, ProcessGroup.Single);
        var x = Torch.Randn(4, 3, 32, 32);
        var y = Torch.Tensor(new long[] { 0, 1, 1, 0 }, 4);
        foreach (var (m, p) in new (Module, Module)[] { (a, a), (ddp, b) })
        {
            var opt = new SGD(p.Parameters(), lr: 0.1);
            for (int i = 0; i < 3; i++) { opt.ZeroGrad(); new CrossEntropyLoss().Call(m.Call(x), y).Backward(); opt.Step(); }
        }
        foreach (var ((k, u), (_, v)) in a.StateDict().Zip(b.StateDict())) Assert.True(u.ToArray<float>().SequenceEqual(v.ToArray<float>()), k);
        Assert.Equal(a.StateDict().Keys.Select(k => "module." + k), ddp.StateDict().Keys);
    }

    [Fact]
    public void ConvertSyncBatchNorm_keeps_the_keys_and_the_tensors_and_trains_as_BatchNorm_alone()
    {
        Torch.ManualSeed(2);
        var plain = new MnistCNN();
        var converted = new MnistCNN();
        converted.LoadStateDict(plain.StateDict());
        var weightBefore = ((BatchNorm2d)converted.Layer1[1]).Weight;
        SyncBatchNorm.ConvertSyncBatchNorm(converted, ProcessGroup.Single);
        Assert.IsType<SyncBatchNorm>(converted.Layer1[1]);
        Assert.Equal(4, converted.Modules().OfType<SyncBatchNorm>().Count());
        Assert.Empty(converted.Modules().OfType<BatchNormBase>());
        Assert.Equal(plain.StateDict().Keys, converted.StateDict().Keys);
        Assert.Same(weightBefore, ((SyncBatchNorm)converted.Layer1[1]).Weight);
        var x = Torch.Randn(3, 1, 28, 28);
        var ya = plain.Call(x);
        var yb = converted.Call(x);
        Assert.Equal(ya.ToArray<float>(), yb.ToArray<float>());
        Assert.Equal(plain.StateDict()["layer2.1.running_var"].ToArray<float>(), converted.StateDict()["layer2.1.running_var"].ToArray<float>());
    }

    [Fact]
    public void SyncBatchNorm_prints_as_PyTorch_prints_it()
    {
        // str(nn.SyncBatchNorm(16)) and str(nn.SyncBatchNorm(8, momentum=None, affine=False)) in PyTorch 1.13
        Assert.Equal("SyncBatchNorm(16, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)",
                     new SyncBatchNorm(16, processGroup: ProcessGroup.Single).ToString());
        Assert.Equal("SyncBatchNorm(8, eps=1e-05, momentum=None, affine=False, track_running_stats=True)",
                     new SyncBatchNorm(8, momentum: null, affine: false, processGroup: ProcessGroup.Single).ToString());
    }

    [Fact]
    public void ConvertSyncBatchNorm_repoints_a_parents_fields()
    {
        var m = new WithField();
        SyncBatchNorm.ConvertSyncBatchNorm(m, ProcessGroup.Single);
        Assert.IsType<SyncBatchNorm>(m.Norm);
        Assert.Same(m.Norm, m.Children().Single());
    }

    private sealed class WithField : Module
    {
        public Module Norm;
        public WithField() { Norm = RegisterModule("bn", new BatchNorm2d(3)); }
        public override Tensor Forward(Tensor x) => Norm.Call(x);
    }
}
