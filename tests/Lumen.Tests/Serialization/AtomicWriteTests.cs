using Lumen.Serialization;
using Xunit;

namespace Lumen.Tests.Serialization;

public class AtomicWriteTests
{
    [Theory]
    [InlineData("model.pth", 10)]
    [InlineData("model.pth", 700)]
    [InlineData("model.safetensors", 10)]
    [InlineData("model.safetensors", 300)]
    public void An_existing_checkpoint_survives_a_failure_in_the_middle_of_a_save(string file, int failAfterBytes)
    {
        var dir = Kit.ScratchDir();
        var path = Path.Combine(dir, file);
        var first = Kit.AllDTypesAndShapes(seed: 1);
        Torch.Save(first, path);
        var before = File.ReadAllBytes(path);

        var second = Kit.AllDTypesAndShapes(seed: 2);
        AtomicFile.WrapStreamForTests.Value = s => new FailingStream(s, failAfterBytes);
        try
        {
            var ex = Assert.Throws<IOException>(() => Torch.Save(second, path));
            Assert.Contains("simulated failure", ex.Message);
        }
        finally { AtomicFile.WrapStreamForTests.Value = null; }

        Assert.Equal(before, File.ReadAllBytes(path));
        Kit.BitEqual(first, Torch.Load(path));
        Assert.Equal(new[] { path }, Directory.GetFiles(dir)); // the temporary file was removed
    }

    [Fact]
    public void A_successful_save_replaces_the_previous_checkpoint_and_leaves_no_temporary_file()
    {
        var dir = Kit.ScratchDir();
        var path = Path.Combine(dir, "model.safetensors");
        Torch.Save(Kit.AllDTypesAndShapes(seed: 1), path);
        var second = Kit.AllDTypesAndShapes(seed: 2);
        Torch.Save(second, path);
        Kit.BitEqual(second, Torch.Load(path));
        Assert.Equal(new[] { path }, Directory.GetFiles(dir));
    }

    [Fact]
    public void Torch_Save_picks_the_format_by_extension_and_Torch_Load_by_magic_bytes()
    {
        var dir = Kit.ScratchDir();
        var sd = Kit.AllDTypesAndShapes(seed: 4);
        var st = Path.Combine(dir, "m.safetensors");
        var pth = Path.Combine(dir, "m.pth");
        Torch.Save(sd, st);
        Torch.Save(sd, pth);
        Assert.Equal((byte)'P', File.ReadAllBytes(pth)[0]);
        Assert.NotEqual((byte)'P', File.ReadAllBytes(st)[0]);
        // swapped extensions: loading goes by content, not by name
        var stNamedPth = Path.Combine(dir, "really_safetensors.pth");
        File.Copy(st, stNamedPth);
        Kit.BitEqual(sd, Torch.Load(stNamedPth));
        Kit.BitEqual(sd, Torch.Load(pth));
    }
}
