namespace Lumen.Onnx;

/// <summary>
/// An ONNX file that cannot be imported: unreadable protobuf, a tensor whose size does not fit its data, an attribute
/// of the wrong kind, a graph that uses a value before it is produced. The message names the file and, where one is
/// at fault, the node (its name, else its index), its op_type and the model's opset, so the line is enough to find it.
/// </summary>
public class OnnxImportException : Exception
{
    /// <summary>The file (or "model" for a model given as bytes or a message).</summary>
    public string File { get; }

    /// <summary>The position of the node at fault in the graph's node list, or -1 when no node is at fault.</summary>
    public int NodeIndex { get; }

    /// <summary>The node's name ("" when the file leaves it empty or no node is at fault).</summary>
    public string NodeName { get; }

    /// <summary>The node's op_type, or "" when no node is at fault.</summary>
    public string OpType { get; }

    /// <summary>The model's opset for the default ONNX domain, or 0 when it was not read yet.</summary>
    public long Opset { get; }

    public OnnxImportException(string message, string source, int nodeIndex = -1, string nodeName = "", string opType = "",
                               long opset = 0, Exception? inner = null) : base(message, inner)
    {
        File = source; NodeIndex = nodeIndex; NodeName = nodeName; OpType = opType; Opset = opset;
    }
}
