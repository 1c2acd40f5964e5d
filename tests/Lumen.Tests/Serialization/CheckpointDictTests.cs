using Lumen.NN;
using Lumen.Optim;
using Lumen.Serialization;
using Xunit;

namespace Lumen.Tests.Serialization;

/// <summary><c>torch.save({'params': model.state_dict(), 'optimizer': opt.state_dict(), 'epoch': 3}, path)</c> both ways:
/// a checkpoint PyTorch 1.13 wrote resumes in Lumen to PyTorch's next step, and the checkpoint Lumen writes is the file
/// gen_api.py loaded with torch.load and resumed to the same step.</summary>
public class CheckpointDictTests
{
    private static readonly FixtureCase C = Fixtures.Case("api", "checkpoint");

    private static void Step(Linear model, Optimizer opt)
    {
        opt.ZeroGrad();
        F.MseLoss(model.Call(C.Tensor("X")), C.Tensor("Y")).Backward();
        opt.Step();
    }

    private static (Linear, Adam) Resume(CheckpointDict ckpt)
    {
        var model = new Linear(4, 3);
        model.LoadStateDict(ckpt.StateDict("params"));
        var opt = new Adam(model.Parameters(), lr: 0.01);
        opt.LoadStateDict(ckpt.OptimizerStateDict("optimizer"));
        return (model, opt);
    }

    [Fact]
    public void A_checkpoint_dict_PyTorch_saved_resumes_in_Lumen_to_PyTorchs_next_step()
    {
        var ckpt = Torch.LoadCheckpoint(Kit.Fixture("pytorch_checkpoint.pth"));
        Assert.Equal(new[] { "params", "optimizer", "epoch", "loss", "name" }, ckpt.Keys);
        Assert.Equal(3, ckpt.Get<int>("epoch"));
        Assert.Equal("tiny", ckpt.Get<string>("name"));
        Assert.Equal(C.Raw("loss").GetDouble(), ckpt.Get<double>("loss"));
        var (model, opt) = Resume(ckpt);
        Assert.Equal((0.9, 0.999), opt.ParamGroups[0].GetPair("betas"));
        Step(model, opt);
        TensorAssert.Close(C.Tensor("weight3"), model.Weight, 1e-6);
        TensorAssert.Close(C.Tensor("bias3"), model.Bias!, 1e-6);
    }

    [Fact]
    public void The_checkpoint_dict_Lumen_saves_is_the_file_PyTorch_loaded_and_resumed()
    {
        var (model, opt) = Resume(Torch.LoadCheckpoint(Kit.Fixture("pytorch_checkpoint.pth")));
        var path = Path.Combine(Kit.ScratchDir(), "ckpt.pth");
        Torch.Save(new Dictionary<string, object?>
        {
            ["params"] = model.StateDict(), ["optimizer"] = opt.StateDict(), ["epoch"] = 3, ["loss"] = C.Raw("loss").GetDouble(), ["name"] = "tiny",
        }, path);
        // gen_api.py loads the committed copy with torch.load and resumes it exactly (weights_only=True fails on it as on
        // PyTorch's own file: 1.13's restricted unpickler reads no floats);
        // Lumen must keep writing those bytes. LUMEN_WRITE_FIXTURES=1 refreshes the copy (then rerun gen_api.py).
        var committed = Path.Combine(FixtureSource(), "lumen_checkpoint.pth");
        if (Environment.GetEnvironmentVariable("LUMEN_WRITE_FIXTURES") == "1") File.Copy(path, committed, overwrite: true);
        Assert.True(File.ReadAllBytes(committed).AsSpan().SequenceEqual(File.ReadAllBytes(path)),
                    "Lumen's checkpoint bytes changed: rerun with LUMEN_WRITE_FIXTURES=1, then gen_api.py to check them in PyTorch");
        Assert.True(C.Raw("lumen_checkpoint_checked").GetBoolean());

        var (again, opt2) = Resume(Torch.LoadCheckpoint(path));
        Step(again, opt2);
        TensorAssert.Close(C.Tensor("weight3"), again.Weight, 1e-6);
        TensorAssert.Close(C.Tensor("bias3"), again.Bias!, 1e-6);
    }

    [Fact]
    public void Missing_keys_and_wrong_kinds_are_named()
    {
        var ckpt = Torch.LoadCheckpoint(Kit.Fixture("pytorch_checkpoint.pth"));
        Assert.Contains("its keys are: 'params', 'optimizer', 'epoch', 'loss', 'name'", Assert.Throws<KeyNotFoundException>(() => ckpt["model"]).Message);
        Assert.Contains("not a state dict", Assert.Throws<ArgumentException>(() => ckpt.StateDict("epoch")).Message);
        Assert.Contains("'state' and 'param_groups'", Assert.Throws<ArgumentException>(() => ckpt.OptimizerStateDict("params")).Message);
        Assert.Throws<ArgumentException>(() => Torch.Save(new Dictionary<string, object?> { ["model"] = new Linear(2, 2) }, Path.Combine(Kit.ScratchDir(), "m.pth")));
    }

    /// <summary>tests/Fixtures/data/serialization in the source tree (the copy beside the test binary is read-only input).</summary>
    private static string FixtureSource()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var p = Path.Combine(dir.FullName, "tests", "Fixtures", "data", "serialization");
            if (Directory.Exists(p)) return p;
        }
        throw new DirectoryNotFoundException("tests/Fixtures/data/serialization not found above " + AppContext.BaseDirectory);
    }
}
