using System.Diagnostics;
using System.Globalization;

namespace Lumen.Training;

/// <summary>
/// Crash injection for the resume tests, switched on by the environment variable <c>LUMEN_TEST_CRASH</c> (test-only,
/// docs/cli.md): it kills the training process (SIGKILL, no clean-up, like a power cut or the OOM killer) at a chosen
/// moment, so a test can prove that the run resumes to the same weights as an uninterrupted one. It is not an option
/// because no real run should reach it; a variable lets the tests start a real <c>lumen train</c> or an mpirun rank that
/// dies, without any public API and without giving the CLI this library's internals.
/// <para>The value is a comma-separated list of <c>after-batches=N</c> (die right after this process's N-th training
/// batch) and <c>while-checkpointing=N</c> (die when half of this process's N-th "last" checkpoint is on disk, its
/// temporary file half written). Each <see cref="Trainer"/> counts from its construction.</para>
/// </summary>
internal sealed class CrashInjection
{
    public const string Variable = "LUMEN_TEST_CRASH";

    private readonly int _afterBatches;
    private readonly int _whileCheckpointing;
    private int _batches;
    private int _checkpoints;

    private CrashInjection(int afterBatches, int whileCheckpointing)
    {
        _afterBatches = afterBatches;
        _whileCheckpointing = whileCheckpointing;
    }

    /// <summary>The crash points of <c>LUMEN_TEST_CRASH</c>, or null when it is unset or empty.</summary>
    /// <exception cref="ArgumentException">the variable holds anything else than the documented list.</exception>
    public static CrashInjection? FromEnvironment() => Parse(Environment.GetEnvironmentVariable(Variable));

    /// <summary>See <see cref="FromEnvironment"/>.</summary>
    public static CrashInjection? Parse(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        int afterBatches = 0, whileCheckpointing = 0;
        foreach (var item in value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var kv = item.Split('=', 2, StringSplitOptions.TrimEntries);
            int n = kv.Length == 2 && int.TryParse(kv[1], NumberStyles.None, CultureInfo.InvariantCulture, out int v) && v > 0 ? v : 0;
            switch (kv[0])
            {
                case "after-batches" when n > 0: afterBatches = n; break;
                case "while-checkpointing" when n > 0: whileCheckpointing = n; break;
                default:
                    throw new ArgumentException($"{Variable} (test-only crash injection): '{item}' is not after-batches=N or while-checkpointing=N with N a positive integer.");
            }
        }
        return new CrashInjection(afterBatches, whileCheckpointing);
    }

    /// <summary>Counts a finished training batch; dies at the chosen one.</summary>
    public void BatchDone()
    {
        if (_afterBatches > 0 && ++_batches == _afterBatches) Die();
    }

    /// <summary>Counts a "last" checkpoint about to be written; returns the action that kills the process half-way
    /// through writing it when it is the chosen one, else null.</summary>
    public Action? CheckpointStarting() => ++_checkpoints == _whileCheckpointing ? Die : null;

    private static void Die()
    {
        Console.Out.Flush();
        Process.GetCurrentProcess().Kill();
        Thread.Sleep(Timeout.Infinite);
    }
}
