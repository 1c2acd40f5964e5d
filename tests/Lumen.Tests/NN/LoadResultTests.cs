using Lumen.NN;
using Xunit;

namespace Lumen.Tests.NN;

public class LoadResultTests
{
    [Fact]
    public void A_full_match_prints_as_PyTorch_prints_it()
    {
        // PyTorch 1.13: print(m.load_state_dict(m.state_dict())) prints "<All keys matched successfully>".
        var m = new Linear(2, 2);
        Assert.Equal("<All keys matched successfully>", m.LoadStateDict(m.StateDict()).ToString());
    }

    [Fact]
    public void Missing_and_unexpected_keys_print_as_PyTorch_IncompatibleKeys()
    {
        // PyTorch 1.13: sd = m.state_dict(); del sd['bias']; sd['x'] = sd['weight'];
        // print(m.load_state_dict(sd, strict=False)) prints the line below.
        var m = new Linear(2, 2);
        var sd = m.StateDict();
        sd.Remove("bias");
        sd["x"] = sd["weight"];
        Assert.Equal("_IncompatibleKeys(missing_keys=['bias'], unexpected_keys=['x'])", m.LoadStateDict(sd, strict: false).ToString());
    }
}
