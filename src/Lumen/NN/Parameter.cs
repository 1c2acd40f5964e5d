namespace Lumen.NN;

/// <summary>A tensor that is a module's learnable weight, PyTorch's <c>nn.Parameter</c>: a leaf that requires grad
/// (unless created with <c>requiresGrad: false</c>), registered with a module's <c>RegisterParameter</c>.</summary>
public sealed class Parameter : Tensor
{
    /// <summary>Wraps <paramref name="data"/>'s storage (no copy) as a parameter.</summary>
    public Parameter(Tensor data, bool requiresGrad = true) : base(data.Storage, data._shape, data._strides, data._offset)
    {
        if (requiresGrad) RequiresGrad = true;
        DisposeScope.Exclude(Storage);   // a parameter outlives any step, even one made lazily inside a DisposeScope
    }

    /// <summary>"Parameter containing:\ntensor(...)", PyTorch's repr.</summary>
    public override string ToString() => "Parameter containing:\n" + base.ToString();
}
