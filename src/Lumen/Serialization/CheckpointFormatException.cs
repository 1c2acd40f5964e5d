namespace Lumen.Serialization;

/// <summary>A checkpoint file (safetensors, PyTorch <c>.pt</c>/<c>.pth</c>) that is truncated, corrupt or not in a
/// format Lumen reads. The message names the file and what is wrong with it; <see cref="FilePath"/> holds the file.</summary>
public class CheckpointFormatException : Exception
{
    /// <summary>The file that could not be read (or "&lt;stream&gt;" when reading from a stream).</summary>
    public string FilePath { get; }

    /// <summary>Creates the exception; the message reads "<paramref name="filePath"/>: <paramref name="problem"/>".</summary>
    public CheckpointFormatException(string filePath, string problem, Exception? inner = null)
        : base($"{filePath}: {problem}", inner) => FilePath = filePath;
}
