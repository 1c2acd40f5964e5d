using System.Globalization;
using Lumen.Cli.Models;
using Lumen.Cli.Setup;
using Lumen.Onnx.Export;
using Lumen.Serialization;
using Lumen.Training.Runs;

namespace Lumen.Cli.Commands;

/// <summary><c>lumen export RUN_DIR --onnx FILE</c>: the run's best weights as an ONNX model (opset 17, symbolic batch) for
/// ONNX Runtime, ML.NET's OnnxTransformer, TensorRT or a browser; see <see cref="OnnxExporter"/>.</summary>
public static class ExportCommand
{
    public static readonly CommandSpec Spec = new("export",
        "Export a run's best weights as an ONNX model (input 'input' [batch, C, H, W], output 'output' [batch, classes]; batch is symbolic).",
        "export RUN_DIR --onnx FILE [--opset N]",
        new OptionSpec[]
        {
            new("onnx", "FILE", "the .onnx file to write (replaced atomically)"),
            new("opset", "N", $"ONNX opset, {OnnxExporter.MinOpsetVersion} to {OnnxExporter.MaxOpsetVersion} (default {OnnxExporter.DefaultOpsetVersion})"),
        },
        Run, MinArgs: 1, MaxArgs: 1);

    private static int Run(ParsedArgs a, CliContext ctx)
    {
        var dir = a.Positionals[0];
        var file = a.String("onnx") ?? throw new CliException("export needs the file to write: --onnx FILE");
        int opset = a.Int("opset", min: 1) ?? OnnxExporter.DefaultOpsetVersion;
        if (opset is < OnnxExporter.MinOpsetVersion or > OnnxExporter.MaxOpsetVersion)
            throw new CliException($"--opset: {opset} is not one the exporter writes ({OnnxExporter.MinOpsetVersion} to {OnnxExporter.MaxOpsetVersion})");
        var c = RunConfig.Load(dir);
        if (c.Classes == null || c.InputShape == null) throw new CliException($"{dir}: the run config lacks classes and input shape (written by an older lumen)");

        Torch.ManualSeed(c.Seed);
        var model = ModelZoo.Create(c.Model, c.InputShape, c.Classes.Length, c.ModelSpec, c.ModelArgs);
        var weights = new[] { RunFiles.Best, RunFiles.Final }.Select(f => Path.Combine(dir, f)).FirstOrDefault(File.Exists)
            ?? throw new CliException($"{dir} holds no trained weights ({RunFiles.Best} or {RunFiles.Final}); train it first");
        model.LoadStateDict(SafeTensors.Load(weights));
        // Trace with a batch of 2: a reshape that keeps the batch is then told apart from one that folds it away.
        var dummy = Torch.Zeros(new[] { 2 }.Concat(c.InputShape).ToArray());
        try { OnnxExporter.Export(model, dummy, file, opsetVersion: opset); }
        catch (OnnxExportException e) { throw new CliException(e.Message, "the model holds a layer or op without an ONNX form; see docs/onnx-export.md"); }
        ctx.Out.WriteLine(string.Format(CultureInfo.InvariantCulture,
            "wrote {0} ({1:N0} bytes, opset {2}): {3} from {4}; input 'input' [batch, {5}], output 'output' [batch, {6}] ({7})",
            file, new FileInfo(file).Length, opset, c.Model, Path.GetFileName(weights), string.Join(", ", c.InputShape), c.Classes.Length,
            string.Join(", ", c.Classes)));
        return 0;
    }
}
