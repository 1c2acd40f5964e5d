namespace Lumen.Vision.Datasets;

/// <summary>A dataset file (IDX, CIFAR binary, archive) is malformed; the message names the file and what is wrong.</summary>
public sealed class DatasetFormatException : Exception
{
    /// <summary>The offending file, when known.</summary>
    public string? Path { get; }

    public DatasetFormatException(string message, string? path = null, Exception? inner = null)
        : base(path is null ? message : $"{path}: {message}", inner) => Path = path;
}
