using Xunit;

namespace Lumen.Training.Tests.Trainer;

/// <summary>The test-only crash injection (<c>LUMEN_TEST_CRASH</c>) reads exactly its documented list and refuses
/// anything else by naming the variable, so a typo in a crash test fails loudly instead of never crashing. The crashes
/// themselves are proven by the CLI's KillResumeTests, which kill real processes with it.</summary>
public sealed class CrashInjectionTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void An_unset_or_empty_variable_injects_nothing(string? value) => Assert.Null(CrashInjection.Parse(value));

    [Fact]
    public void A_checkpoint_crash_point_fires_at_the_nth_checkpoint_only()
    {
        var c = CrashInjection.Parse("while-checkpointing=3")!;
        Assert.Null(c.CheckpointStarting());
        Assert.Null(c.CheckpointStarting());
        Assert.NotNull(c.CheckpointStarting());
        Assert.Null(c.CheckpointStarting());
    }

    [Fact]
    public void Both_crash_points_may_be_given_and_batches_alone_never_fire_at_checkpoints()
    {
        var c = CrashInjection.Parse(" after-batches=1000 , while-checkpointing=2 ")!;
        c.BatchDone();   // far from the 1000th batch: returns
        Assert.Null(c.CheckpointStarting());
        Assert.NotNull(c.CheckpointStarting());
        var batchesOnly = CrashInjection.Parse("after-batches=5")!;
        for (int i = 0; i < 10; i++) Assert.Null(batchesOnly.CheckpointStarting());
    }

    [Theory]
    [InlineData("after-batches")]
    [InlineData("after-batches=0")]
    [InlineData("after-batches=-3")]
    [InlineData("after-batches=soon")]
    [InlineData("while-checkpointing=2.5")]
    [InlineData("die-after-batches=20")]
    public void A_malformed_value_is_refused_naming_the_variable_and_the_item(string value)
    {
        var e = Assert.Throws<ArgumentException>(() => CrashInjection.Parse(value));
        Assert.Contains("LUMEN_TEST_CRASH", e.Message);
        Assert.Contains($"'{value}'", e.Message);
    }
}
