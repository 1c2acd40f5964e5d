using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Lumen.Tests;

/// <summary>
/// A minimal HTTP/1.1 server on 127.0.0.1 (an ephemeral port, never any other interface) for download tests: each GET is
/// answered by <c>handler(path)</c> with a status and a body, optionally cut off after some bytes of the body while the
/// Content-Length still announces all of it (a connection dropped mid-download). Requests are counted so a test can
/// prove a cached file was served without one.
/// </summary>
public sealed class LoopbackHttpServer : IDisposable
{
    /// <summary>One answer: the status, the body, and where to drop the connection (null: send it all).</summary>
    public sealed record Response(int Status, byte[] Body, int? DropAfterBytes = null);

    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly List<string> _paths = new();

    /// <summary>The server's root, <c>http://127.0.0.1:PORT/</c>.</summary>
    public Uri BaseUrl { get; }

    /// <summary>The paths requested so far, in order.</summary>
    public IReadOnlyList<string> Paths { get { lock (_paths) return _paths.ToArray(); } }

    public LoopbackHttpServer(Func<string, Response> handler)
    {
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        BaseUrl = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        _loop = Task.Run(() => Serve(handler));
    }

    /// <summary>Serves <paramref name="files"/> by name (any folder) and 404 for anything else.</summary>
    public static LoopbackHttpServer Files(IReadOnlyDictionary<string, byte[]> files) =>
        new(path => files.TryGetValue(path[(path.LastIndexOf('/') + 1)..], out var b) ? new Response(200, b) : new Response(404, Encoding.ASCII.GetBytes("not found")));

    private async Task Serve(Func<string, Response> handler)
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await _listener.AcceptTcpClientAsync(_stop.Token); }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException) { return; }
            using (client)
            {
                try
                {
                    var s = client.GetStream();
                    var head = new StringBuilder();
                    var buf = new byte[8192];
                    while (!head.ToString().Contains("\r\n\r\n"))
                    {
                        int n = await s.ReadAsync(buf, _stop.Token);
                        if (n == 0) break;
                        head.Append(Encoding.ASCII.GetString(buf, 0, n));
                    }
                    var requestLine = head.ToString().Split("\r\n")[0].Split(' ');
                    var path = requestLine.Length > 1 ? requestLine[1] : "/";
                    lock (_paths) _paths.Add(path);
                    var r = handler(path);
                    var reason = r.Status == 200 ? "OK" : r.Status == 404 ? "Not Found" : "Error";
                    await s.WriteAsync(Encoding.ASCII.GetBytes(
                        $"HTTP/1.1 {r.Status} {reason}\r\nContent-Length: {r.Body.Length}\r\nContent-Type: application/octet-stream\r\nConnection: close\r\n\r\n"), _stop.Token);
                    int send = Math.Min(r.DropAfterBytes ?? r.Body.Length, r.Body.Length);
                    await s.WriteAsync(r.Body.AsMemory(0, send), _stop.Token);
                    await s.FlushAsync(_stop.Token);
                    if (r.DropAfterBytes != null) client.Client.Shutdown(SocketShutdown.Both);
                }
                catch (Exception e) when (e is IOException or SocketException or OperationCanceledException) { }
            }
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        try { _loop.Wait(TimeSpan.FromSeconds(10)); } catch (AggregateException) { }
        _stop.Dispose();
    }
}
