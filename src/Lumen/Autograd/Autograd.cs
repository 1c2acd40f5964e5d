namespace Lumen.Autograd;

/// <summary>Entry points of automatic differentiation, PyTorch's <c>torch.autograd</c>.</summary>
public static class Autograd
{
    /// <summary>Disables graph recording until the returned scope is disposed, PyTorch's <c>torch.no_grad()</c>.</summary>
    public static NoGradScope NoGrad() => new(true);

    /// <summary>True when ops record the graph on this thread.</summary>
    public static bool IsGradEnabled => GradMode.Enabled;

    /// <summary>The gradients of <paramref name="outputs"/> with respect to <paramref name="inputs"/>, without touching
    /// any <see cref="Tensor.Grad"/>, PyTorch's <c>torch.autograd.grad</c>. Inputs need not be leaves (seed 003 takes
    /// the gradient of a loss with respect to an input image). An input the outputs do not depend on throws unless
    /// <paramref name="allowUnused"/>, in which case its gradient is null.</summary>
    public static Tensor?[] Grad(Tensor[] outputs, Tensor[] inputs, Tensor[]? gradOutputs = null,
                                 bool retainGraph = false, bool allowUnused = false)
    {
        var result = Engine.Run(outputs, gradOutputs, retainGraph, inputs);
        for (int i = 0; i < inputs.Length; i++)
            if (result[i] == null && !allowUnused)
                throw new InvalidOperationException(
                    $"Input {i} (shape {inputs[i].Shape}) was not used to compute the outputs; pass allowUnused: true to get null for it.");
        return result;
    }

    /// <summary>Single-output, single-input form of <see cref="Grad(Tensor[], Tensor[], Tensor[], bool, bool)"/>.</summary>
    public static Tensor Grad(Tensor output, Tensor input, bool retainGraph = false) =>
        Grad(new[] { output }, new[] { input }, null, retainGraph)[0]!;
}
