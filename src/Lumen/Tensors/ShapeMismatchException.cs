namespace Lumen;

/// <summary>Thrown when tensor shapes are incompatible for an op; the message names the op and both shapes.</summary>
public sealed class ShapeMismatchException : ArgumentException
{
    public ShapeMismatchException(string message) : base(message) { }
    public ShapeMismatchException(string message, Exception inner) : base(message, inner) { }
}
