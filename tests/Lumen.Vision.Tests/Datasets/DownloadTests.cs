using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Lumen.Vision.Datasets;
using Xunit;

namespace Lumen.Vision.Tests.Datasets;

/// <summary>Downloads from a loopback HTTP server (127.0.0.1 only, never the internet).</summary>
public class DownloadTests
{
    /// <summary>A one-file HTTP/1.1 server on 127.0.0.1 serving <paramref name="body"/> for any GET, for at most
    /// <paramref name="requests"/> requests or 10 seconds.</summary>
    private static (Uri Url, Task Done) Serve(byte[] body, int requests = 1, int status = 200)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var done = Task.Run(async () =>
        {
            try
            {
                for (int r = 0; r < requests; r++)
                {
                    using var client = await listener.AcceptTcpClientAsync(cts.Token);
                    using var s = client.GetStream();
                    var buf = new byte[8192];
                    var req = new StringBuilder();
                    while (!req.ToString().Contains("\r\n\r\n"))
                    {
                        int n = await s.ReadAsync(buf, cts.Token);
                        if (n == 0) break;
                        req.Append(Encoding.ASCII.GetString(buf, 0, n));
                    }
                    var head = Encoding.ASCII.GetBytes($"HTTP/1.1 {status} {(status == 200 ? "OK" : "Not Found")}\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n");
                    await s.WriteAsync(head, cts.Token);
                    await s.WriteAsync(body, cts.Token);
                }
            }
            finally { listener.Stop(); }
        });
        return (new Uri($"http://127.0.0.1:{port}/files/data.bin"), done);
    }

    [Fact]
    public async Task A_download_with_the_right_MD5_lands_under_its_name()
    {
        var body = Enumerable.Range(0, 100_000).Select(i => (byte)(i * 7)).ToArray();
        var md5 = Convert.ToHexString(MD5.HashData(body)).ToLowerInvariant();
        var dir = Directory.CreateTempSubdirectory("lumen-dl-").FullName;
        try
        {
            var (url, done) = Serve(body);
            var dest = Path.Combine(dir, "sub", "data.bin");
            DatasetDownload.DownloadFile(url, dest, md5);
            await done.WaitAsync(TimeSpan.FromSeconds(10));   // throws TimeoutException if the server never finished
            Assert.Equal(body, File.ReadAllBytes(dest));
            Assert.Equal(md5, DatasetDownload.Md5(dest));
            Assert.Single(Directory.GetFiles(Path.Combine(dir, "sub")));
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public async Task A_bad_checksum_is_an_error_and_leaves_no_file_behind()
    {
        var dir = Directory.CreateTempSubdirectory("lumen-dl-").FullName;
        try
        {
            var (url, done) = Serve(new byte[] { 1, 2, 3 });
            var dest = Path.Combine(dir, "data.bin");
            var e = Assert.Throws<InvalidDataException>(() => DatasetDownload.DownloadFile(url, dest, "00000000000000000000000000000000"));
            Assert.Contains("MD5", e.Message);
            await done.WaitAsync(TimeSpan.FromSeconds(10));   // throws TimeoutException if the server never finished
            Assert.Empty(Directory.GetFileSystemEntries(dir));
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public async Task An_HTTP_error_leaves_no_file_behind()
    {
        var dir = Directory.CreateTempSubdirectory("lumen-dl-").FullName;
        try
        {
            var (url, done) = Serve(Encoding.ASCII.GetBytes("missing"), status: 404);
            Assert.Throws<HttpRequestException>(() => DatasetDownload.DownloadFile(url, Path.Combine(dir, "x.bin"), null));
            await done.WaitAsync(TimeSpan.FromSeconds(10));   // throws TimeoutException if the server never finished
            Assert.Empty(Directory.GetFileSystemEntries(dir));
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public async Task A_downloaded_tar_gz_extracts_into_a_CIFAR_layout()
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
            var (url, done) = Serve(bytes);
            var root = Path.Combine(dir, "root");
            var dl = Path.Combine(root, "cifar-10-binary.tar.gz");
            DatasetDownload.DownloadFile(url, dl, Convert.ToHexString(MD5.HashData(bytes)));
            DatasetDownload.ExtractTarGz(dl, root);
            await done.WaitAsync(TimeSpan.FromSeconds(10));   // throws TimeoutException if the server never finished
            var ds = new CIFAR10(root, train: false);
            Assert.Equal(8, ds[0].Label);
        }
        finally { Directory.Delete(dir, true); }
    }
}
