using Lumen.Serialization;
using Xunit;

namespace Lumen.Tests.Serialization;

public class AtomicWriteTests
{
    [Fact]
    public void A_write_flushes_its_folder_so_that_the_rename_survives_a_power_cut()
    {
        // fsync of the file makes its bytes durable; only an fsync of the folder makes the rename durable (Linux, macOS).
        bool supported = OperatingSystem.IsLinux() || OperatingSystem.IsMacOS() || OperatingSystem.IsFreeBSD();
        var dir = Kit.ScratchDir();
        int before = AtomicFile.DirectoryFlushes;
        AtomicFile.WriteAllText(Path.Combine(dir, "a.txt"), "x");
        Assert.Equal(supported, AtomicFile.DirectoryFlushes > before);
        Assert.Equal(supported, AtomicFile.FlushDirectory(dir));
        Assert.False(AtomicFile.FlushDirectory(Path.Combine(dir, "missing")));
        Assert.Equal("x", File.ReadAllText(Path.Combine(dir, "a.txt")));
    }

    [Fact]
    public void Only_temporary_files_of_its_own_pattern_are_cleaned_up()
    {
        var dir = Kit.ScratchDir();
        string ours = $".last.safetensors.{Guid.NewGuid():N}.tmp";
        string[] theirs = { ".notes.tmp", "data.tmp", $".x.{Guid.NewGuid():N}.TMP", $"last.safetensors.{Guid.NewGuid():N}.tmp", ".a.0123456789abcdef.tmp" };
        foreach (var f in theirs.Append(ours)) File.WriteAllText(Path.Combine(dir, f), "x");
        Assert.True(AtomicFile.IsTemporaryFile(ours));
        Assert.All(theirs, f => Assert.False(AtomicFile.IsTemporaryFile(f)));
        Assert.Equal(1, AtomicFile.DeleteTemporaryFiles(dir));
        Assert.Equal(theirs.Order(StringComparer.Ordinal), Directory.GetFiles(dir).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

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
