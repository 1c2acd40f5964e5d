namespace Lumen.Vision.Codecs;

/// <summary>A file format <see cref="ImageCodec"/> recognises by its magic bytes.</summary>
public enum ImageFormat
{
    Unknown,
    /// <summary>PNG (89 50 4E 47 0D 0A 1A 0A).</summary>
    Png,
    /// <summary>JPEG/JFIF/EXIF (FF D8 FF).</summary>
    Jpeg,
    /// <summary>Windows bitmap ("BM").</summary>
    Bmp,
    /// <summary>Netpbm PBM/PGM/PPM ("P1"–"P6").</summary>
    Netpbm,
}
