using System.Globalization;
using Lumen.Cli.Models;
using Lumen.Cli.Setup;
using Lumen.NN;
using Lumen.Serialization;
using Lumen.Training.Runs;
using Lumen.Vision;
using Lumen.Vision.Codecs;
using Lumen.Vision.Datasets;
using Lumen.Vision.Transforms;

namespace Lumen.Cli.Commands;

/// <summary><c>lumen predict RUN_DIR IMAGE...</c>: class and probabilities of image files with the run's best weights.</summary>
public static class PredictCommand
{
    public static readonly CommandSpec Spec = new("predict",
        "Classify image files (PNG, JPEG, BMP, PGM/PPM) with a run's best weights: the class and every class's probability.",
        "predict RUN_DIR IMAGE... [--top N]",
        new OptionSpec[] { new("top", "N", "print the N most likely classes (default: all)") },
        Run, MinArgs: 2, MaxArgs: int.MaxValue);

    private static int Run(ParsedArgs a, CliContext ctx)
    {
        var dir = a.Positionals[0];
        var c = RunConfig.Load(dir);
        if (c.Classes == null || c.InputShape == null) throw new CliException($"{dir}: the run config lacks classes and input shape (written by an older lumen)");
        int top = a.Int("top", min: 1) ?? c.Classes.Length;
        foreach (var img in a.Positionals.Skip(1))
            if (!File.Exists(img)) throw new CliException($"image '{img}' not found");

        Torch.ManualSeed(c.Seed);
        var model = RunSetup.CreateModel(c, c.InputShape, c.Classes.Length);
        var weights = new[] { RunFiles.Best, RunFiles.Final }.Select(f => Path.Combine(dir, f)).FirstOrDefault(File.Exists)
            ?? throw new CliException($"{dir} holds no trained weights ({RunFiles.Best} or {RunFiles.Final}); train it first");
        try { model.LoadStateDict(SafeTensors.Load(weights)); }
        catch (StateDictException e) { throw new CheckpointFormatException(weights, $"does not fit the run's model: {e.Message}", e); }
        model.Eval();
        int channels = c.InputShape[0];
        var kind = c.Dataset.Split(':')[0];
        Transform evalTf;
        try { (_, evalTf, _, _) = DataSetup.Transforms(c.Transforms, kind, channels); }
        catch (CliException e) { throw c.Attribute(e); }
        foreach (var path in a.Positionals.Skip(1))
        {
            Image image;
            try { image = channels == 1 ? Gray(ImageCodec.Load(path)) : ImageFolder.DefaultLoader(path); }
            catch (Exception e) when (e is ImageFormatException or IOException or NotSupportedException)
            { throw new CliException($"cannot read image '{path}': {e.Message}"); }
            var x = evalTf.Forward<Tensor>(image);
            if (x.Size(1) != c.InputShape[1] || x.Size(2) != c.InputShape[2])
            {
                image = new Resize((c.InputShape[1], c.InputShape[2])).Forward<Image>(image);
                x = evalTf.Forward<Tensor>(image);
            }
            Tensor probs;
            using (Lumen.Autograd.Autograd.NoGrad()) probs = model.Call(x.Unsqueeze(0)).Softmax(1);
            var p = probs.ToArray<float>();
            var order = Enumerable.Range(0, p.Length).OrderByDescending(k => p[k]).ToArray();
            ctx.Out.WriteLine(string.Format(CultureInfo.InvariantCulture, "{0}: {1} ({2:F4})", path, c.Classes[order[0]], p[order[0]]));
            foreach (var k in order.Take(top))
                ctx.Out.WriteLine(string.Format(CultureInfo.InvariantCulture, "  {0,-16} {1:F4}", c.Classes[k], p[k]));
        }
        return 0;
    }

    private static Image Gray(Image img) => img.Channels == 1 ? img : TF.RgbToGrayscale(img.Channels == 3 ? img : DropToRgb(img), 1);

    private static Image DropToRgb(Image img)
    {
        var dst = new Image(img.Width, img.Height, 3);
        int ch = img.Channels;
        for (int i = 0, n = img.Width * img.Height; i < n; i++)
            for (int k = 0; k < 3; k++) dst.Pixels[i * 3 + k] = img.Pixels[i * ch + Math.Min(k, ch == 2 ? 0 : k)];
        return dst;
    }
}
