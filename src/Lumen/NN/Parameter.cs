namespace Lumen.NN;

/// <summary>A tensor that is a module's learnable weight, PyTorch's <c>nn.Parameter</c>: a leaf that requires grad
/// (unless created with <c>requiresGrad: false</c>) and is registered by <see cref="Module.RegisterParameter"/>.
/// It shares <paramref name="data"/>'s storage.</summary>
public sealed class Parameter : Tensor
{
    public Parameter(Tensor data, bool requiresGrad = true) : base(data.Storage, data._shape, data._strides, data._offset)
    {
        if (requiresGrad) RequiresGrad = true;
    }

    /// <summary>"Parameter containing:\ntensor(...)", PyTorch's repr.</summary>
    public override string ToString() => "Parameter containing:\n" + base.ToString();
}
