using System.Diagnostics;
using System.Globalization;
using System.Text;
using Lumen.Cli.Commands;
using Lumen.Cli.Models;
using Lumen.Cli.Setup;
using Xunit;

namespace Lumen.Cli.Tests.Robustness;

/// <summary>
/// Seeded fuzzing of every text format the CLI reads: YAML option files (<c>--config</c>), run configs
/// (<c>config.json</c>), search spaces and model specs. Each case is a valid file mutated a few times (hostile
/// characters and tokens such as brackets, anchors, aliases, tags, huge numbers; spans deleted or repeated; now and then
/// the whole text nested thousands deep). Every case must be accepted or refused with a <see cref="CliException"/> (the
/// CLI's exit code 2), within 5 seconds, and a refused case may allocate at most <see cref="RefusedCap"/>. 1,000 cases
/// per format by default; LUMEN_FUZZ_CASES sets another count.
/// </summary>
public sealed class ConfigFuzzTests
{
    /// <summary>The most a refused case may allocate (the texts are a few hundred bytes).</summary>
    private const long RefusedCap = 32L << 20;

    private static int Cases => int.TryParse(Environment.GetEnvironmentVariable("LUMEN_FUZZ_CASES"), NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) && n > 0 ? n : 1000;

    private const string Options = """
        model: tiny-conv
        dataset: mnist
        optimizer: sgd
        lr: 0.001
        momentum: 0.9
        batch-size: 64
        epochs: 2
        shuffle: true
        scheduler: step:1:0.5
        transforms: normalize,randomcrop:28:2
        model-args: {c1: 48, c2: 96}
        valid-split: 0.1
        """;

    private const string Space = """
        model: convnet
        dataset: imagefolder:/no/such/folder
        lr: 0.001
        batch-size: 512
        epochs: 10
        patience: 3
        monitor: valid_loss
        method: random
        trials: 4
        seed: 1
        parallel: 1
        space:
          c1: [48, 64]
          lr: {min: 0.0001, max: 0.01, log: true}
          optimizer: [adam, sgd]
        """;

    private const string Spec = """
        layers:
          - conv2d: {out: 4, kernel: 3, padding: 1, stride: 1}
          - batchnorm2d
          - relu
          - maxpool2d: {kernel: 2, stride: 2}
          - dropout: 0.25
          - flatten
          - linear: {out: 10, bias: true}
        """;

    private static readonly string[] Tokens =
    {
        "[", "]", "{", "}", "- ", ": ", ",", "&a ", "*a", "!!binary ", "!!python/object ", "? ", "\n  ", "\n", "<<: ", "${x}",
        "1e999", "-1", "-5", "99999999999", "65537", "0", "null", "~", "\"\\ud800\"", "'", "\"", "#", "|\n", ">\n", "\t", "%YAML 1.1\n",
        "---\n", "...\n", "@", "`", "\u00e9", "\0",
    };

    private const string Hostile = "[]{}:,-&*!|>'\"%@`#?\n \t0123456789.e";

    private static string Mutate(string text, Random rng)
    {
        var s = new StringBuilder(text);
        int edits = 1 + rng.Next(4);
        for (int k = 0; k < edits; k++)
        {
            int at = rng.Next(s.Length + 1);
            switch (rng.Next(5))
            {
                case 0 when s.Length > 0:
                    s[Math.Min(at, s.Length - 1)] = Hostile[rng.Next(Hostile.Length)];
                    break;
                case 1:
                    s.Insert(at, Tokens[rng.Next(Tokens.Length)]);
                    break;
                case 2 when at < s.Length:
                    s.Remove(at, Math.Min(s.Length - at, 1 + rng.Next(12)));
                    break;
                case 3 when at < s.Length:
                    s.Insert(at, s.ToString(at, Math.Min(s.Length - at, 1 + rng.Next(30))));
                    break;
                default:
                    s.Insert(at, Tokens[rng.Next(Tokens.Length)] + Tokens[rng.Next(Tokens.Length)]);
                    break;
            }
        }
        if (rng.Next(40) == 0)
        {
            int depth = rng.Next(60, 5000);
            return rng.Next(2) == 0 ? new string('[', depth) + s + new string(']', depth) : string.Concat(Enumerable.Repeat("{a: ", depth)) + s;
        }
        return s.ToString();
    }

    /// <summary>Runs every case through <paramref name="read"/>; returns how many were refused.</summary>
    private static int Fuzz(string format, string baseText, int seed, Func<string, long> read)
    {
        var rng = new Random(seed);
        int refused = 0;
        for (int i = 0; i < Cases; i++)
        {
            string text = Mutate(baseText, rng);
            long before = GC.GetTotalAllocatedBytes();
            var clock = Stopwatch.StartNew();
            long allowed = RefusedCap;
            try { allowed += read(text); }
            catch (CliException) { refused++; }
            catch (Exception e) { Assert.Fail($"{format} case {i}: untyped {e.GetType().Name}: {e.Message}\n--- text ---\n{Truncate(text)}"); }
            long allocated = GC.GetTotalAllocatedBytes() - before;
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"{format} case {i} took {clock.Elapsed}\n{Truncate(text)}");
            Assert.True(allocated <= allowed, $"{format} case {i} allocated {allocated} bytes (allowed {allowed})\n{Truncate(text)}");
        }
        Assert.True(refused > 0 && refused < Cases, $"{format}: {refused} of {Cases} refused: the mutations should give both outcomes");
        return refused;
    }

    /// <summary><see cref="Fuzz"/> over a file: each case is written to <c>DIR/NAME</c> and read back by <paramref name="read"/>.</summary>
    private static void FuzzFile(string name, string baseText, int seed, Action<string> read)
    {
        var path = Path.Combine(LumenCli.TempDir("fuzz"), name);
        Fuzz(name, baseText, seed, text =>
        {
            File.WriteAllText(path, text);
            read(path);
            return 0;
        });
    }

    [Fact]
    public void Option_files_parse_or_are_refused_with_a_typed_error() =>
        FuzzFile("options.yaml", Options, 1, path =>
        {
            var args = OptionsFile.Expand(TrainCommand.Spec, new[] { "--config", path }, out var sources);
            TrainCommand.FromArgs(ArgParser.Parse(TrainCommand.Spec, args, sources));
        });

    [Fact]
    public void Run_configs_load_or_are_refused_with_a_typed_error() =>
        FuzzFile("config.json", File.ReadAllText(Path.Combine(TrainedRun.Shared.Dir, "config.json")), 2, path => RunConfig.Load(Path.GetDirectoryName(path)!));

    [Fact]
    public void Search_spaces_load_or_are_refused_with_a_typed_error() =>
        FuzzFile("space.yaml", Space, 3, path => SearchPlan.Load(path));

    /// <summary>An accepted spec may allocate in proportion to the model it describes (weights, their initialisation and
    /// the probe): 16 bytes per parameter on top of the cap.</summary>
    [Fact]
    public void Model_specs_build_or_are_refused_with_a_typed_error()
    {
        Torch.ManualSeed(0);
        Fuzz("spec", Spec, 4, text =>
        {
            var model = ModelSpec.Parse(text, new[] { 1, 28, 28 }, 10, source: "fuzz.yaml");
            return 16L * model.Parameters().Sum(p => (long)p.Numel());
        });
    }

    private static string Truncate(string s) => s.Length <= 400 ? s : s[..400] + "…";
}
