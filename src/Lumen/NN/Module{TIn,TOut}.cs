namespace Lumen.NN;

/// <summary>
/// A module whose forward takes <typeparamref name="TIn"/> and returns <typeparamref name="TOut"/>: a dict, a tuple, a
/// pair of tensors. Seed 000's TinyConv returns <c>{'out': x}</c>:
/// <code>
/// public sealed class TinyConvDict : Module&lt;Tensor, Dictionary&lt;string, Tensor&gt;&gt;
/// {
///     public override Dictionary&lt;string, Tensor&gt; Forward(Tensor x) => new() { ["out"] = Fc.Call(Conv.Call(x).Flatten(1)) };
/// }
/// var y = model.Call(x)["out"];
/// </code>
/// Registration, parameters, state dicts, modes and printing are <see cref="Module"/>'s. <see cref="Call(TIn)"/> checks
/// the fields once and prefixes shape errors with the module path as <see cref="Module.Call(Tensor)"/> does; the
/// Tensor-typed forward hooks do not run (they see one tensor in and one out). Inside a <see cref="Sequential"/> the
/// module is reached through <see cref="Module.Call(Tensor)"/>, which throws and points here.
/// </summary>
public abstract class Module<TIn, TOut> : Module, IModuleOf
{
    /// <summary>The computation, PyTorch's <c>forward</c>. Callers use <see cref="Call(TIn)"/>.</summary>
    public abstract TOut Forward(TIn input);

    /// <summary>Runs <see cref="Forward(TIn)"/>, PyTorch's <c>module(input)</c>.</summary>
    public TOut Call(TIn input)
    {
        CheckFieldsRegistered();
        return WithShapeErrorPath(() => Forward(input));
    }

    Type IModuleOf.InputType => typeof(TIn);
    Type IModuleOf.OutputType => typeof(TOut);
}

/// <summary>What <see cref="Module.Forward(Tensor)"/>'s error needs to know of a <see cref="Module{TIn, TOut}"/>.</summary>
internal interface IModuleOf
{
    Type InputType { get; }
    Type OutputType { get; }
}
