namespace Lumen.Optim;

/// <summary>
/// An optimizer's state, PyTorch's <c>optimizer.state_dict()</c> layout:
/// <see cref="State"/> maps a parameter's index (its position counted over all groups, in order) to that parameter's
/// state (<c>"step"</c>, <c>"exp_avg"</c>, <c>"momentum_buffer"</c>, …), and <see cref="ParamGroups"/> holds each group's
/// options plus <c>"params"</c>: the <c>int[]</c> of its parameter indices.
/// Values are plain: tensors (copies, not views of the live state), doubles, longs, ints, bools, strings, null,
/// <c>double[]</c> and lists of tensors or doubles, so a checkpoint writer can store them.
/// </summary>
public sealed class OptimizerStateDict
{
    /// <summary>Per-parameter state keyed by parameter index.</summary>
    public Dictionary<int, Dictionary<string, object?>> State { get; init; } = new();

    /// <summary>Group options with PyTorch's keys; <c>"params"</c> is an <c>int[]</c> of parameter indices.</summary>
    public List<OrderedDictionary<string, object?>> ParamGroups { get; init; } = new();
}
