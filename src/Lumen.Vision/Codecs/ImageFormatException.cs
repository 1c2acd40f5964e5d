namespace Lumen.Vision.Codecs;

/// <summary>Thrown when image data is corrupt, truncated, too large or uses a feature the codecs do not support.
/// The message names the file (when decoding from a path) and what was wrong.</summary>
public sealed class ImageFormatException : Exception
{
    /// <summary>The file being decoded, or null when decoding from memory.</summary>
    public string? Path { get; }

    public ImageFormatException(string message, string? path = null, Exception? inner = null)
        : base(path is null ? message : $"{path}: {message}", inner)
    {
        Path = path;
    }
}
