namespace Lumen.Tracing;

/// <summary>Receives the ops that run on the thread that called <see cref="Tracer.Listen"/> (an ONNX exporter builds its
/// graph from them). Only the outermost traced op of a nest is reported: <c>Flatten</c> is one op, not the
/// <c>Reshape</c> and <c>View</c> it calls.</summary>
public interface ITraceListener
{
    /// <summary>Called after the op has run, with its inputs as they were passed (an in-place op reports the same tensor
    /// as its first input and its output).</summary>
    void OnOp(TracedOp op);
}
