using System.Text;
using Lumen.Serialization;
using Xunit;

namespace Lumen.Tests.Serialization;

/// <summary>Pickles that would run code when loaded by Python's unrestricted unpickler are refused, by name, and
/// nothing runs: each payload would create a marker file, which must not exist afterwards.</summary>
public class MaliciousPickleTests
{
    [Theory]
    [InlineData("malicious_posix_system.pth", "posix.system")]
    [InlineData("malicious_eval.pth", "__builtin__.eval")] // after two real tensors, inside a state dict
    [InlineData("malicious_raw.pkl", "posix.system")]       // a raw pickle, not a zip
    public void Pickles_written_by_Python_that_call_system_or_eval_are_rejected_without_running(string file, string global)
    {
        var path = Kit.Fixture(file);
        var ex = Assert.Throws<UnsafePickleException>(() => PyTorchFile.Load(path));
        Assert.Equal(global, ex.Global);
        Assert.Equal(path, ex.FilePath);
        Assert.Contains($"'{global}'", ex.Message);
        Assert.Throws<UnsafePickleException>(() => Torch.Load(path));
        Kit.AssertNoMarker(Path.Combine(Path.GetDirectoryName(path)!, "lumen_pwned_marker"));
    }

    /// <summary>Protocol-2 pickle bytes: PROTO 2, then <paramref name="body"/>, then STOP.</summary>
    private static byte[] Pickle(params byte[][] body) => new byte[] { 0x80, 2 }.Concat(body.SelectMany(b => b)).Append((byte)'.').ToArray();
    private static byte[] Global(string module, string name) => Encoding.ASCII.GetBytes($"c{module}\n{name}\n");
    private static byte[] Str(string s) { var b = Encoding.UTF8.GetBytes(s); return new byte[] { (byte)'X' }.Concat(BitConverter.GetBytes(b.Length)).Concat(b).ToArray(); }
    private static byte[] Op(params char[] ops) => ops.Select(c => (byte)c).ToArray();

    public static TheoryData<string, string> Payloads() => new()
    {
        { "os", "system" }, { "posix", "system" }, { "builtins", "eval" }, { "builtins", "exec" }, { "subprocess", "Popen" },
        { "torch", "load" }, { "torch._utils", "_rebuild_device_tensor_from_numpy" }, { "collections", "defaultdict" },
    };

    [Theory]
    [MemberData(nameof(Payloads))]
    public void Crafted_GLOBAL_REDUCE_payloads_are_rejected_as_raw_pickles_and_inside_a_zip(string module, string name)
    {
        var dir = Kit.ScratchDir();
        var marker = Path.Combine(dir, "lumen_pwned_marker");
        // GLOBAL module.name, ("touch <marker>",), REDUCE — Python's pickle would call module.name("touch ...")
        var payload = Pickle(Global(module, name), Str($"touch {marker}"), new byte[] { 0x85 }, Op('R'));

        var raw = Path.Combine(dir, "evil.pkl");
        File.WriteAllBytes(raw, payload);
        Assert.Equal($"{module}.{name}", Assert.Throws<UnsafePickleException>(() => PyTorchFile.Load(raw)).Global);

        var zipped = Path.Combine(dir, "evil.pth");
        using (var fs = File.Create(zipped))
        {
            var zip = new ZipStoreWriter(fs);
            zip.Add("archive/data.pkl", payload);
            zip.Add("archive/version", "3\n"u8);
            zip.Finish();
        }
        var ex = Assert.Throws<UnsafePickleException>(() => Torch.Load(zipped));
        Assert.Equal($"{module}.{name}", ex.Global);
        Assert.StartsWith(zipped + ":", ex.Message);
        Kit.AssertNoMarker(marker);
    }

    [Fact]
    public void Other_ways_to_name_a_global_are_refused_too()
    {
        var dir = Kit.ScratchDir();
        var marker = Path.Combine(dir, "lumen_pwned_marker");
        var cases = new Dictionary<string, (byte[] Pickle, string Global)>
        {
            // protocol 4: STACK_GLOBAL takes module and name from the stack
            ["stack_global"] = (Pickle(Str("os"), Str("system"), new byte[] { 0x93 }, Str($"touch {marker}"), new byte[] { 0x85 }, Op('R')), "os.system"),
            // protocol 0: INST module\nname\n calls the class with the marked arguments
            ["inst"] = (Pickle(Op('('), Str($"touch {marker}"), Encoding.ASCII.GetBytes("ios\nsystem\n")), "os.system"),
            // EXT1: a global from the copyreg extension registry
            ["ext1"] = (Pickle(new byte[] { 0x82, 7 }, Str($"touch {marker}"), new byte[] { 0x85 }, Op('R')), "copyreg.extension_code[7]"),
            // the allow-listed _rebuild_from_type_v2 must not become a way to call something else
            ["rebuild_from_type"] = (Pickle(Global("torch._tensor", "_rebuild_from_type_v2"), Op('('), Global("os", "system"), Op('t', 'R')), "os.system"),
        };
        foreach (var (name, (bytes, global)) in cases)
        {
            var path = Path.Combine(dir, name + ".pkl");
            File.WriteAllBytes(path, bytes);
            var ex = Assert.Throws<UnsafePickleException>(() => PyTorchFile.Load(path));
            Assert.Equal(global, ex.Global);
        }
        Kit.AssertNoMarker(marker);
    }

    [Fact]
    public void An_allow_listed_type_marker_cannot_be_called()
    {
        var path = Path.Combine(Kit.ScratchDir(), "call_marker.pkl");
        File.WriteAllBytes(path, Pickle(Global("torch", "FloatStorage"), Op(')', 'R')));
        var ex = Assert.Throws<CheckpointFormatException>(() => PyTorchFile.Load(path));
        Assert.Contains("cannot be called", ex.Message);
    }
}
