using Lumen.Cli.Models;
using Lumen.Cli.Setup;
using Lumen.Serialization;
using Microsoft.ML.OnnxRuntime;
using Xunit;

namespace Lumen.Onnx.Tests;

/// <summary><c>lumen export RUN_DIR --onnx FILE</c> on a run of a CLI spec model trained on the embedded MNIST: the file
/// runs in ONNX Runtime with the run's trained weights, at any batch size; bad input exits with 2.</summary>
[Collection(ExportCollection.Name)]
public sealed class ExportCliTests
{
    private const string Spec = """
        layers:
          - conv2d: {out: 8, kernel: 3, padding: 1}
          - batchnorm2d
          - relu
          - maxpool2d: 2
          - conv2d: {out: 16, kernel: 3, groups: 2, dilation: 2}
          - silu
          - avgpool2d: 2
          - flatten
          - dropout: 0.2
          - linear: {out: 10}
        """;

    private static (int Code, string Out, string Err) Lumen(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = global::Lumen.Cli.Cli.Run(args, o, e);
        return (code, o.ToString(), e.ToString());
    }

    [Fact]
    public void Export_writes_the_run_s_trained_model_and_ONNX_Runtime_reproduces_it()
    {
        var dir = Directory.CreateTempSubdirectory("lumen-export-cli-").FullName;
        var spec = Path.Combine(dir, "net.yaml");
        File.WriteAllText(spec, Spec);
        var run = Path.Combine(dir, "run");
        var train = Lumen("train", "--model", spec, "--train-subset", "64", "--test-subset", "16", "--epochs", "1", "--batch-size", "16",
                          "--no-report", "--out", run);
        Assert.True(train.Code == 0, train.Err);

        var file = Path.Combine(dir, "out", "net.onnx");
        var r = Lumen("export", run, "--onnx", file);
        Assert.True(r.Code == 0, r.Err);
        Assert.Contains($"wrote {file}", r.Out);
        Assert.Contains("input 'input' [batch, 1, 28, 28], output 'output' [batch, 10]", r.Out);

        // Lumen's model as the run holds it, against ONNX Runtime on the file.
        var c = RunConfig.Load(run);
        var model = ModelZoo.Create(c.Model, c.InputShape!, c.Classes!.Length, c.ModelSpec, c.ModelArgs);
        model.LoadStateDict(SafeTensors.Load(Path.Combine(run, "model.safetensors")));
        model.Eval();
        using var session = new InferenceSession(File.ReadAllBytes(file));
        foreach (int batch in new[] { 1, 3 })
        {
            var x = Torch.Rand(batch, 1, 28, 28);
            float[] expected;
            using (Torch.NoGrad()) expected = model.Call(x).ToArray<float>();
            var got = Ort.Run(session, ("input", x.ToArray<float>(), new[] { batch, 1, 28, 28 }))[0];
            Assert.Equal(expected.Length, got.Length);
            for (int i = 0; i < got.Length; i++) Assert.True(Math.Abs(got[i] - expected[i]) <= 1e-4, $"batch {batch}, output {i}: {got[i]} vs {expected[i]}");
        }
        Directory.Delete(dir, true);
    }

    [Fact]
    public void Bad_input_exits_with_2_and_one_line_saying_what_is_wrong()
    {
        var missing = Lumen("export", "no-such-run", "--onnx", "x.onnx");
        Assert.Equal(2, missing.Code);
        Assert.Contains("run directory 'no-such-run' not found", missing.Err);
        var noFile = Lumen("export", "no-such-run");
        Assert.Equal(2, noFile.Code);
        Assert.Contains("--onnx FILE", noFile.Err);
        var opset = Lumen("export", "no-such-run", "--onnx", "x.onnx", "--opset", "9");
        Assert.Equal(2, opset.Code);
        Assert.Contains("--opset: 9", opset.Err);
    }
}
