namespace Lumen;

public partial class Tensor
{
    /// <summary>Keeps this tensor's data alive after the <see cref="DisposeScope"/> it was created in is disposed: no scope
    /// releases it, the garbage collector owns it again. Applies to the whole storage (every view of it). Call it on a
    /// parameter's <see cref="Grad"/> to keep that gradient after <c>ZeroGrad(setToNone: true)</c> inside a scope. Returns
    /// this tensor.</summary>
    /// <exception cref="ObjectDisposedException">the tensor was already released.</exception>
    public Tensor DetachFromDisposeScope()
    {
        if (Storage.IsReleased) throw DisposeScope.ReleasedError(this);
        DisposeScope.Keep(Storage);
        return this;
    }

    /// <summary>Hands this tensor's data from its <see cref="DisposeScope"/> to the scope outside it (released when
    /// that one is disposed); from an outermost scope, the same as <see cref="DetachFromDisposeScope"/>. Returns this
    /// tensor.</summary>
    /// <exception cref="ObjectDisposedException">the tensor was already released.</exception>
    public Tensor MoveToOuterDisposeScope()
    {
        if (Storage.IsReleased) throw DisposeScope.ReleasedError(this);
        DisposeScope.MoveOut(Storage);
        return this;
    }

    /// <summary>True once the <see cref="DisposeScope"/> holding this tensor's data was disposed: any further use throws
    /// <see cref="ObjectDisposedException"/>.</summary>
    public bool IsDisposed => Storage.IsReleased;
}
