using System.Security.Cryptography;
using System.Text;
using Lumen.Tests;
using Lumen.Vision.Datasets;
using Xunit;

namespace Lumen.Vision.Tests.Datasets;

/// <summary>Downloads from a loopback HTTP server (127.0.0.1 only, never the internet).</summary>
public class DownloadTests
{
    /// <summary>A server on 127.0.0.1 answering every GET with <paramref name="body"/> and <paramref name="status"/>.</summary>
    private static LoopbackHttpServer Serve(byte[] body, int status = 200) => new(_ => new LoopbackHttpServer.Response(status, body));

    private static Uri UrlOf(LoopbackHttpServer server) => new(server.BaseUrl, "files/data.bin");

    [Fact]
    public void A_download_with_the_right_MD5_lands_under_its_name()
    {
        var body = Enumerable.Range(0, 100_000).Select(i => (byte)(i * 7)).ToArray();
        var md5 = Convert.ToHexString(MD5.HashData(body)).ToLowerInvariant();
        var dir = Directory.CreateTempSubdirectory("lumen-dl-").FullName;
        try
        {
            using var server = Serve(body);
            var dest = Path.Combine(dir, "sub", "data.bin");
            DatasetDownload.DownloadFile(UrlOf(server), dest, md5);
            Assert.Equal(body, File.ReadAllBytes(dest));
            Assert.Equal(md5, DatasetDownload.Md5(dest));
            Assert.Single(Directory.GetFiles(Path.Combine(dir, "sub")));
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void A_bad_checksum_is_an_error_and_leaves_no_file_behind()
    {
        var dir = Directory.CreateTempSubdirectory("lumen-dl-").FullName;
        try
        {
            using var server = Serve(new byte[] { 1, 2, 3 });
            var dest = Path.Combine(dir, "data.bin");
            var e = Assert.Throws<InvalidDataException>(() => DatasetDownload.DownloadFile(UrlOf(server), dest, "00000000000000000000000000000000"));
            Assert.Contains("MD5", e.Message);
            Assert.Empty(Directory.GetFileSystemEntries(dir));
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void An_HTTP_error_leaves_no_file_behind()
    {
        var dir = Directory.CreateTempSubdirectory("lumen-dl-").FullName;
        try
        {
            using var server = Serve(Encoding.ASCII.GetBytes("missing"), status: 404);
            Assert.Throws<HttpRequestException>(() => DatasetDownload.DownloadFile(UrlOf(server), Path.Combine(dir, "x.bin"), null));
            Assert.Empty(Directory.GetFileSystemEntries(dir));
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void A_downloaded_tar_gz_extracts_into_a_CIFAR_layout()
    {
        var dir = Directory.CreateTempSubdirectory("lumen-dl-").FullName;
        try
        {
            var src = Path.Combine(dir, "src", "cifar-10-batches-bin");
            Directory.CreateDirectory(src);
            File.WriteAllBytes(Path.Combine(src, "test_batch.bin"), CifarTests.Record(new byte[] { 8 }, 3));
            var archive = Path.Combine(dir, "a.tar.gz");
            using (var fs = File.Create(archive))
            using (var gz = new System.IO.Compression.GZipStream(fs, System.IO.Compression.CompressionLevel.Fastest))
                System.Formats.Tar.TarFile.CreateFromDirectory(Path.Combine(dir, "src"), gz, includeBaseDirectory: false);
            var bytes = File.ReadAllBytes(archive);
            using var server = Serve(bytes);
            var root = Path.Combine(dir, "root");
            var dl = Path.Combine(root, "cifar-10-binary.tar.gz");
            DatasetDownload.DownloadFile(UrlOf(server), dl, Convert.ToHexString(MD5.HashData(bytes)));
            DatasetDownload.ExtractTarGz(dl, root);
            var ds = new CIFAR10(root, train: false);
            Assert.Equal(8, ds[0].Label);
        }
        finally { Directory.Delete(dir, true); }
    }
}
