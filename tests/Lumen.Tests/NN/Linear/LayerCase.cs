using Lumen.NN;

namespace Lumen.Tests.NN;

/// <summary>Runs a module on a layers.json case the way gen_layers.py did (forward, then backward of the recorded
/// upstream gradient) and compares the output and every gradient with PyTorch's.</summary>
internal static class LayerCase
{
    public static FixtureCase Get(string name) => Fixtures.Case("layers", name);

    /// <summary>Copies the case's parameter values into the module (by parameter name), runs it and checks y, dx and
    /// d&lt;param&gt; for each parameter.</summary>
    public static void Check(Module m, string name, double tol = 1e-5, bool loadParams = true)
    {
        var c = Get(name);
        if (loadParams)
            using (Lumen.Autograd.Autograd.NoGrad())
                foreach (var (pn, p) in m.NamedParameters())
                    p.Copy_(c.Tensor(pn));
        var x = c.Tensor("x").RequiresGrad_();
        var y = m.Call(x);
        TensorAssert.Close(c.Tensor("y"), y, tol, name + " y");
        y.Backward(c.Tensor("g"));
        TensorAssert.Close(c.Tensor("dx"), x.Grad!, tol, name + " dx");
        foreach (var (pn, p) in m.NamedParameters())
            TensorAssert.Close(c.Tensor("d" + pn), p.Grad!, tol, name + " d" + pn);
    }

    public static string Repr(string key) => Get("reprs").Str(key);
}
