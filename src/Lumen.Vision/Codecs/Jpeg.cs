namespace Lumen.Vision.Codecs;

/// <summary>JPEG reading in managed code, matching PIL (libjpeg-turbo with its defaults) bit for bit.</summary>
/// <remarks>
/// Supports baseline and extended-sequential (SOF0/SOF1) and progressive (SOF2) Huffman-coded 8-bit files with one
/// (gray → 1 channel) or three components (YCbCr or Adobe/RGB-id RGB → 3 channels), any integral chroma subsampling
/// (4:4:4, 4:2:2, 4:2:0, 4:4:0, 4:1:1 …), restart markers, and any APPn/COM segments (EXIF, ICC, … are skipped; EXIF
/// orientation is not applied, as <c>Image.open</c> does not apply it either).
/// Output equals libjpeg-turbo's default decode (what <c>np.asarray(PIL.Image.open(f))</c> gives): the "islow" integer
/// IDCT, fancy upsampling for 2:1 ratios (box replication for others) and libjpeg's fixed-point YCbCr→RGB tables.
/// One known difference: libjpeg smooths blocks of a progressive file whose scans never send some of the first AC
/// coefficients (block smoothing); files that send every coefficient — all encoders' defaults — are unaffected.
/// Not supported (an <see cref="ImageFormatException"/> names the feature): arithmetic coding, lossless and
/// hierarchical modes, 12-bit samples, CMYK/YCCK (4 components), DNL-defined heights.
/// Truncated entropy-coded data is an error (PIL raises "image file is truncated" there too).
/// </remarks>
public static class Jpeg
{
    /// <summary>Decodes a JPEG file held in memory.</summary>
    /// <param name="data">the whole file.</param>
    /// <param name="pathForErrors">file name to put in error messages, or null.</param>
    /// <exception cref="ImageFormatException">the data is not a supported JPEG, is corrupt or truncated, or exceeds 2^28 pixels.</exception>
    public static Image Decode(ReadOnlySpan<byte> data, string? pathForErrors = null)
    {
        var copy = data.ToArray();
        return JpegDecoder.Decode(copy, copy.Length, pathForErrors);
    }

    internal static Image Decode(byte[] data, int length, string? pathForErrors) => JpegDecoder.Decode(data, length, pathForErrors);
}
