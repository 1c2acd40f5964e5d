using Lumen.Autograd;

namespace Lumen;

public static partial class Torch
{
    /// <summary>Disables graph recording until the returned scope is disposed, PyTorch's <c>with torch.no_grad():</c>
    /// (<c>using (Torch.NoGrad()) { ... }</c>); the same as <see cref="Autograd.Autograd.NoGrad"/>, reachable where the
    /// namespace <c>Lumen.Autograd</c> hides the class of the same name (code inside a <c>Lumen.*</c> namespace).</summary>
    public static NoGradScope NoGrad() => Autograd.Autograd.NoGrad();

    /// <summary>Whether ops record the graph on this thread, PyTorch's <c>torch.is_grad_enabled()</c>.</summary>
    public static bool IsGradEnabled() => Autograd.Autograd.IsGradEnabled;
}
