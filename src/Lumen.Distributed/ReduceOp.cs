namespace Lumen.Distributed;

/// <summary>How a collective combines the ranks' values, PyTorch's <c>torch.distributed.ReduceOp</c>.</summary>
public enum ReduceOp
{
    /// <summary>Element-wise sum (MPI_SUM).</summary>
    Sum,
    /// <summary>Element-wise maximum (MPI_MAX).</summary>
    Max,
}
