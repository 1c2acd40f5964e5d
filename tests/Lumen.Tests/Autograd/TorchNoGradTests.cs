using Xunit;

namespace Lumen.Tests.Autograd;

public class TorchNoGradTests
{
    [Fact]
    public void Ops_inside_Torch_NoGrad_record_no_graph_and_recording_resumes_after_it()
    {
        // PyTorch: with torch.no_grad(): y = x * 2  → y.requires_grad is False, torch.is_grad_enabled() is False inside.
        var x = Torch.Ones(2, 2);
        x.RequiresGrad = true;
        Tensor y;
        using (Torch.NoGrad())
        {
            Assert.False(Torch.IsGradEnabled());
            y = x.Mul(2f);
        }
        Assert.True(Torch.IsGradEnabled());
        Assert.False(y.RequiresGrad);
        Assert.True(x.Mul(2f).RequiresGrad);
    }
}
