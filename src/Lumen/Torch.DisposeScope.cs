namespace Lumen;

public static partial class Torch
{
    /// <summary>Opens a <see cref="DisposeScope"/> on this thread: every tensor created on it until the scope is disposed
    /// is released (its memory reused by the next step) when the scope is disposed, unless it is kept with
    /// <see cref="Tensor.DetachFromDisposeScope"/> or <see cref="Tensor.MoveToOuterDisposeScope"/>. Write
    /// <c>using var scope = Torch.NewDisposeScope();</c> at the top of a training step; the Trainer does it for you.</summary>
    public static DisposeScope NewDisposeScope() => new();

    /// <summary>A section, inside an open scope, whose tensors no scope records: for state created lazily that must
    /// outlive the step (caches, optimizer state): <c>using (Torch.NoDisposeScope()) cache = ...;</c>.</summary>
    public static SuspendedDisposeScope NoDisposeScope() => DisposeScope.Suspend();
}
