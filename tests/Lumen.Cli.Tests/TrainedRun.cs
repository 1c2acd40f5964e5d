using Lumen.Vision.Datasets;

namespace Lumen.Cli.Tests;

/// <summary>One small run trained once for the tests that need a finished run directory: tiny-conv on 256 MNIST
/// images for one epoch.</summary>
public sealed class TrainedRun
{
    private static readonly Lazy<TrainedRun> Lazy = new(() => new TrainedRun());

    /// <summary>The run, trained on first use and shared by every test class.</summary>
    public static TrainedRun Shared => Lazy.Value;

    private TrainedRun()
    {
        Dir = Path.Combine(LumenCli.TempDir("trained"), "run");
        Result = LumenCli.Run("train", "--model", "tiny-conv", "--train-subset", "256", "--test-subset", "64", "--epochs", "1",
            "--batch-size", "64", "--threads", "1", "--out", Dir);
        if (Result.Code != 0) throw new InvalidOperationException($"training the shared test run failed: {Result.Err}");
    }

    public string Dir { get; }
    public LumenCli.Result Result { get; }

    /// <summary>Writes MNIST test image <paramref name="index"/> as a binary PGM into <paramref name="dir"/>; returns its path.</summary>
    public static string WriteDigit(string dir, int index = 0)
    {
        var mnist = new MNIST(train: false);
        var img = mnist.GetImage(index);
        var path = Path.Combine(dir, $"digit{index}-label{mnist.GetLabel(index)}.pgm");
        using var f = File.Create(path);
        f.Write(System.Text.Encoding.ASCII.GetBytes($"P5\n{img.Width} {img.Height}\n255\n"));
        f.Write(img.Pixels);
        return path;
    }
}
