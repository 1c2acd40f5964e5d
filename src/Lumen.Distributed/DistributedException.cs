namespace Lumen.Distributed;

/// <summary>A collective failed: MPI returned an error (a peer vanished, a message was cut), or the ranks disagree
/// about what they exchange. The message names this rank and the operation.</summary>
public sealed class DistributedException : Exception
{
    public DistributedException(string message) : base(message) { }
}
