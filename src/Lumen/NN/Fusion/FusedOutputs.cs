using System.Runtime.CompilerServices;

namespace Lumen.NN;

/// <summary>
/// Tags on the tensors a fused convolution returned, so that the batch norm it was folded with (and the ReLU module it
/// feeds, when that was fused too) hands that very tensor on instead of normalising it a second time. A tag names the
/// batch norm it is for, so any other module that happens to get the tensor computes as usual; tags are keyed by tensor
/// identity in a weak table (thread-safe, gone with the tensor). <see cref="Armed"/> keeps the cost of a model that was
/// never fused to one static read per batch norm and ReLU call.
/// </summary>
internal static class FusedOutputs
{
    private sealed record Tag(BatchNormBase? BatchNorm, bool ReluApplied);

    private static readonly ConditionalWeakTable<Tensor, Tag> Tags = new();
    private static int _armed;

    /// <summary>True once any model was fused in this process.</summary>
    public static bool Armed => Volatile.Read(ref _armed) != 0;

    public static void Arm() => Volatile.Write(ref _armed, 1);

    /// <summary>Marks <paramref name="output"/> as already normalised by <paramref name="batchNorm"/> (and rectified).</summary>
    public static void Mark(Tensor output, BatchNormBase batchNorm, bool reluApplied) => Tags.AddOrUpdate(output, new Tag(batchNorm, reluApplied));

    /// <summary>True (and the tag consumed) when <paramref name="input"/> came from a convolution folded with
    /// <paramref name="batchNorm"/>; a rectified one is re-tagged for the ReLU that follows.</summary>
    public static bool TakeForBatchNorm(Tensor input, BatchNormBase batchNorm)
    {
        if (!Tags.TryGetValue(input, out var tag) || !ReferenceEquals(tag.BatchNorm, batchNorm)) return false;
        if (tag.ReluApplied) Tags.AddOrUpdate(input, new Tag(null, true));
        else Tags.Remove(input);
        return true;
    }

    /// <summary>True (and the tag consumed) when <paramref name="input"/> was rectified by its fused convolution and has
    /// passed its batch norm: ReLU would return the same values.</summary>
    public static bool TakeForRelu(Tensor input)
    {
        if (!Tags.TryGetValue(input, out var tag) || tag.BatchNorm != null || !tag.ReluApplied) return false;
        Tags.Remove(input);
        return true;
    }
}
