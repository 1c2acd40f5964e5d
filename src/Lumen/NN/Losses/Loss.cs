namespace Lumen.NN;

/// <summary>
/// Base class of the loss modules, PyTorch's <c>nn.modules.loss._Loss</c>: a <see cref="Module"/> whose forward takes an
/// input and a target, <c>loss.Call(output, target)</c> for PyTorch's <c>loss(output, target)</c>. Losses print as
/// PyTorch does (<c>CrossEntropyLoss()</c>), keep class weights as buffers (so they appear in the state dict) and call
/// the matching <see cref="F"/> function.
/// </summary>
public abstract class Loss : Module
{
    /// <summary>Sets the reduction ("mean", "sum" or "none"; <see cref="NN.Reduction"/>).</summary>
    protected Loss(Reduction reduction) => Reduction = reduction;

    /// <summary>How per-element losses are reduced, PyTorch's <c>reduction</c> attribute (settable, as in PyTorch).</summary>
    public Reduction Reduction { get; set; }

    /// <summary>The loss of <paramref name="input"/> against <paramref name="target"/>, PyTorch's <c>forward(input, target)</c>.</summary>
    public abstract Tensor Forward(Tensor input, Tensor target);

    /// <summary>Runs the loss, PyTorch's <c>loss(input, target)</c>.</summary>
    public Tensor Call(Tensor input, Tensor target) => Forward(input, target);

    /// <summary>A loss needs a target: this single-input form always throws.</summary>
    public override Tensor Forward(Tensor input) =>
        throw new NotSupportedException($"{GetType().Name} needs an input and a target: call Call(input, target).");
}
