using Lumen.NN;
using Lumen.Tracing;
using Xunit;

namespace Lumen.Tests.Tracing;

/// <summary>The op-tracing hook exporters build on: what user code calls is reported once, with its arguments; what
/// those ops call inside is not; other threads and runs without a listener see nothing.</summary>
public class TracerTests
{
    private sealed class Recorder : ITraceListener
    {
        public readonly List<TracedOp> Ops = new();
        public void OnOp(TracedOp op) => Ops.Add(op);
    }

    [Fact]
    public void Ops_called_directly_are_reported_once_with_their_arguments_and_nested_ops_are_not()
    {
        var x = Torch.Randn(2, 3, 4, 4);
        var r = new Recorder();
        Tensor y;
        using (Tracer.Listen(r))
        {
            y = F.MaxPool2d(x.Relu(), 2).Flatten(1);       // Flatten calls Reshape and View: one "flatten"
            y = y.Add(y, alpha: 2f).View(-1, 6);
        }
        Assert.Equal(new[] { "relu", "max_pool2d", "flatten", "add", "view" }, r.Ops.Select(o => o.Name));
        Assert.Same(x, r.Ops[0].Inputs[0]);
        Assert.Same(r.Ops[0].Output, r.Ops[1].Inputs[0]);
        Assert.Equal(2, r.Ops[1].Get<PoolSize>("kernel_size").Values[0]);
        Assert.False(r.Ops[1].Get<bool>("ceil_mode"));
        Assert.Equal(1, r.Ops[2].Get<int>("start_dim"));
        Assert.Equal(2f, r.Ops[3].Get<float>("alpha"));
        Assert.Equal(new[] { -1, 6 }, r.Ops[4].Get<int[]>("shape"));
        Assert.Same(y, r.Ops[4].Output);
    }

    [Fact]
    public void An_in_place_op_reports_the_tensor_it_changed_as_input_and_output()
    {
        var a = Torch.Randn(3);
        var b = Torch.Randn(3);
        var r = new Recorder();
        using (Tracer.Listen(r)) a.Add_(b);
        var op = Assert.Single(r.Ops);
        Assert.Equal("add_", op.Name);
        Assert.Same(a, op.Inputs[0]);
        Assert.Same(a, op.Output);
    }

    [Fact]
    public void Nothing_is_reported_after_the_scope_or_on_another_thread_and_one_listener_per_thread()
    {
        var r = new Recorder();
        using (Tracer.Listen(r))
        {
            Assert.True(Tracer.IsListening);
            Assert.Throws<InvalidOperationException>(() => Tracer.Listen(new Recorder()));
            var other = new Thread(() => Torch.Randn(4).Relu());   // another thread: not this listener's
            other.Start();
            other.Join();
        }
        Torch.Randn(4).Relu();
        Assert.False(Tracer.IsListening);
        Assert.Empty(r.Ops);
    }
}
