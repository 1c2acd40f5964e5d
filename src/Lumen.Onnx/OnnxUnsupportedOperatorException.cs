namespace Lumen.Onnx;

/// <summary>
/// The graph uses an operator (or an operator's mode, such as MaxPool's Indices output) that Lumen's importer does not
/// implement. Raised once, at load time, for the first such node; the message also lists every other unsupported
/// op_type of the graph so a user sees the whole gap at once.
/// </summary>
public sealed class OnnxUnsupportedOperatorException : OnnxImportException
{
    public OnnxUnsupportedOperatorException(string message, string source, int nodeIndex, string nodeName, string opType, long opset)
        : base(message, source, nodeIndex, nodeName, opType, opset) { }
}
