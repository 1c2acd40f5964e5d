using Lumen.NN;
using Lumen.Optim;
using Lumen.Optim.Schedulers;
using Xunit;

namespace Lumen.Tests.Optim;

/// <summary>PyTorch warns once when a scheduler steps before its optimizer ever did (the first value of the schedule is
/// then skipped); the text and the count come from PyTorch 1.13 (gen_api.py, under warnings.catch_warnings).</summary>
public class SchedulerOrderWarningTests
{
    private static readonly string Expected = "UserWarning: " + Fixtures.Case("api", "scheduler_warning").Raw("messages")[0].GetString();

    [Fact]
    public void A_scheduler_stepped_before_its_optimizer_warns_once_with_PyTorchs_text()
    {
        using var w = Warnings.Capture();
        var opt = new SGD(new[] { new Parameter(Torch.Zeros(1)) }, lr: 0.1);
        var s = new StepLR(opt, stepSize: 1);
        for (int i = 0; i < 3; i++) s.Step();
        Assert.Equal(new[] { Expected }, w.Messages);
    }

    [Fact]
    public void Stepping_the_optimizer_first_gives_no_warning()
    {
        using var w = Warnings.Capture();
        var p = new Parameter(Torch.Zeros(1));
        var opt = new SGD(new[] { p }, lr: 0.1);
        var s = new StepLR(opt, stepSize: 1);
        p.Grad = Torch.Ones(1);
        opt.Step();
        s.Step();
        Assert.Empty(w.Messages);
    }

    [Fact]
    public void Outside_a_capture_the_warning_goes_to_the_sink_once_per_process()
    {
        var seen = new System.Collections.Concurrent.ConcurrentQueue<string>();   // other tests may warn meanwhile
        var previous = Warnings.Sink;
        Warnings.Sink = seen.Enqueue;
        try
        {
            Warnings.Warn("a test-only warning");
            Warnings.Warn("a test-only warning");
        }
        finally { Warnings.Sink = previous; }
        Assert.Single(seen, line => line == "UserWarning: a test-only warning");
    }
}
