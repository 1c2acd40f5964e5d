using Xunit;
using static Lumen.Cli.Tests.Robustness.UsageErrors;

namespace Lumen.Cli.Tests.Robustness;

/// <summary><c>--threads 20000</c> used to start 20,000 OS threads and abort the runtime natively (exit 134). Thread
/// counts are 1 to <see cref="Torch.MaxNumThreads"/> (1024), in the CLI and in <see cref="Torch.SetNumThreads"/>.</summary>
public sealed class ThreadLimitTests
{
    [Theory]
    [InlineData("train")]
    [InlineData("eval")]
    public void Too_many_threads_is_a_usage_error(string command)
    {
        var args = command == "train" ? new[] { "train", "--threads", "20000" } : new[] { "eval", TrainedRun.Shared.Dir, "--threads", "20000" };
        AssertBadInput(LumenCli.Run(args), "--threads: must be at most 1024, got 20000");
    }

    [Fact]
    public void Resume_with_too_many_threads_is_a_usage_error() =>
        AssertBadInput(LumenCli.Run("train", "--resume", "--out", TrainedRun.Shared.Dir, "--threads", "20000"), "--threads: must be at most 1024");

    [Fact]
    public void SetNumThreads_refuses_counts_beyond_the_cap_and_keeps_the_old_one()
    {
        int old = Torch.GetNumThreads();
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Torch.SetNumThreads(20000));
        Assert.Contains("between 1 and 1024", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Torch.SetNumThreads(0));
        Assert.Equal(old, Torch.GetNumThreads());
    }
}
