using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Lumen.Serialization;

namespace Lumen;

public static partial class Torch
{
    /// <summary>
    /// Downloading pretrained weights, PyTorch's <c>torch.hub</c>: files go to the same cache folder PyTorch uses
    /// (<see cref="GetDir"/>/checkpoints), so a file that a Python install already fetched is reused and one fetched here
    /// is reused by Python. A download is written to a temporary file beside its destination and renamed only once it
    /// is complete and its hash matches, so a failed, truncated or corrupt download never sits under the real name.
    /// </summary>
    public static class Hub
    {
        private static readonly HttpClient SharedClient = CreateClient();
        private static volatile string? _hubDir;

        /// <summary>Largest download accepted (4 GiB).</summary>
        public const long MaxBytes = 4L << 30;

        private static HttpClient CreateClient()
        {
            var c = new HttpClient { Timeout = TimeSpan.FromMinutes(30) };
            c.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("lumen-hub", "1"));
            return c;
        }

        /// <summary>The hub cache folder, PyTorch's <c>torch.hub.get_dir()</c>: the folder given to <see cref="SetDir"/>,
        /// else <c>$TORCH_HOME/hub</c>, else <c>$XDG_CACHE_HOME/torch/hub</c>, else <c>~/.cache/torch/hub</c>.</summary>
        public static string GetDir()
        {
            if (_hubDir is { } d) return d;
            string? torchHome = Environment.GetEnvironmentVariable("TORCH_HOME");
            if (string.IsNullOrEmpty(torchHome))
            {
                string? xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
                if (string.IsNullOrEmpty(xdg)) xdg = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
                torchHome = Path.Combine(xdg, "torch");
            }
            return Path.Combine(ExpandHome(torchHome), "hub");
        }

        /// <summary>Overrides the hub folder for this process (null restores the environment's), PyTorch's
        /// <c>torch.hub.set_dir(d)</c>.</summary>
        public static void SetDir(string? dir) => _hubDir = dir == null ? null : ExpandHome(dir);

        private static string ExpandHome(string p) =>
            p == "~" || p.StartsWith("~/", StringComparison.Ordinal)
                ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), p.Length > 2 ? p[2..] : "")
                : p;

        /// <summary>torch.hub's <c>HASH_REGEX</c>: the hex digits after the last '-' before a '.' in a file name
        /// (<c>resnet18-f37072fd.pth</c> → <c>f37072fd</c>), the first digits of the file's SHA-256.</summary>
        private static readonly Regex HashInName = new(@"-([a-f0-9]*)\.", RegexOptions.CultureInvariant);

        /// <summary>The SHA-256 prefix a file name carries by torch.hub's convention (<c>name-&lt;sha256 prefix&gt;.ext</c>),
        /// or null when it has none.</summary>
        public static string? HashPrefixOf(string fileName)
        {
            var m = HashInName.Match(fileName);
            return m.Success && m.Groups[1].Length > 0 ? m.Groups[1].Value : null;
        }

        /// <summary>
        /// Downloads <paramref name="url"/> to <paramref name="dst"/>, PyTorch's <c>torch.hub.download_url_to_file</c>.
        /// The bytes stream into a temporary file in <paramref name="dst"/>'s folder while their hash is computed; the file
        /// is renamed to <paramref name="dst"/> only when the body is complete (as long as the Content-Length says) and the
        /// hex digest starts with <paramref name="hashPrefix"/>. On any failure the temporary file is deleted and nothing
        /// is left under <paramref name="dst"/> (an existing file there is not touched).
        /// </summary>
        /// <param name="url">http or https address.</param>
        /// <param name="dst">Destination path; its folder is created.</param>
        /// <param name="hashPrefix">Expected start of the lowercase hex digest (the whole digest is fine too), or null.</param>
        /// <param name="progress">Draw a tqdm-style progress bar on stderr (false: quiet).</param>
        /// <param name="hashAlgorithm">Digest to check: SHA-256 (torch.hub's) unless given (datasets use MD5).</param>
        /// <param name="client">HTTP client; a shared one when null.</param>
        /// <param name="cancellationToken">Cancels the download (the temporary file is removed).</param>
        /// <exception cref="InvalidDataException">the digest does not match, or the body ended before its Content-Length.</exception>
        /// <exception cref="HttpRequestException">the server answered with an error status or could not be reached.</exception>
        /// <exception cref="IOException">the connection dropped mid-body.</exception>
        public static void DownloadUrlToFile(string url, string dst, string? hashPrefix = null, bool progress = true,
            HashAlgorithmName? hashAlgorithm = null, HttpClient? client = null, CancellationToken cancellationToken = default)
        {
            ArgumentException.ThrowIfNullOrEmpty(url);
            ArgumentException.ThrowIfNullOrEmpty(dst);
            var algorithm = hashAlgorithm ?? HashAlgorithmName.SHA256;
            var full = Path.GetFullPath(dst);
            var dir = Path.GetDirectoryName(full)!;
            Directory.CreateDirectory(dir);
            var tmp = Path.Combine(dir, "." + Path.GetFileName(full) + "." + Guid.NewGuid().ToString("N") + ".partial");
            try
            {
                string digest;
                using (var response = (client ?? SharedClient).GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellationToken).GetAwaiter().GetResult())
                {
                    if (!response.IsSuccessStatusCode)
                        throw new HttpRequestException($"{url}: the server answered {(int)response.StatusCode} {response.ReasonPhrase}.", null, response.StatusCode);
                    long? length = response.Content.Headers.ContentLength;
                    if (length > MaxBytes) throw new InvalidDataException($"{url}: {length} bytes exceeds the {MaxBytes}-byte limit.");
                    using var body = response.Content.ReadAsStream(cancellationToken);
                    using var file = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
                    using var hash = IncrementalHash.CreateHash(algorithm);
                    using var bar = new DownloadProgress(length, progress ? Console.Error : null);
                    var buf = new byte[1 << 16];
                    long total = 0;
                    int n;
                    while ((n = body.Read(buf, 0, buf.Length)) > 0)
                    {
                        total += n;
                        if (total > MaxBytes) throw new InvalidDataException($"{url}: download exceeds {MaxBytes} bytes.");
                        hash.AppendData(buf, 0, n);
                        file.Write(buf, 0, n);
                        bar.Update(n);
                    }
                    if (length is long expected && total != expected)
                        throw new InvalidDataException($"{url}: the connection ended after {total} of {expected} bytes; nothing was saved to {full}.");
                    file.Flush(flushToDisk: true);
                    digest = Convert.ToHexString(hash.GetHashAndReset()).ToLowerInvariant();
                }
                if (hashPrefix != null && !digest.StartsWith(hashPrefix.ToLowerInvariant(), StringComparison.Ordinal))
                    throw new InvalidDataException($"{url}: {algorithm.Name} hash mismatch for {full}: expected a digest starting with " +
                                                   $"{hashPrefix.ToLowerInvariant()}, got {digest}; the download was discarded.");
                File.Move(tmp, full, overwrite: true);
            }
            finally
            {
                try { if (File.Exists(tmp)) File.Delete(tmp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            }
        }

        /// <summary>
        /// The state dict stored at <paramref name="url"/>, downloaded into the hub cache on first use and read from there
        /// afterwards, PyTorch's <c>torch.hub.load_state_dict_from_url</c>: no request is made when
        /// <paramref name="modelDir"/>/<paramref name="fileName"/> exists (a cached file is trusted as torch.hub trusts it).
        /// </summary>
        /// <param name="url">Where the file is published.</param>
        /// <param name="modelDir">Cache folder; <see cref="GetDir"/>/checkpoints when null.</param>
        /// <param name="progress">Announce the download and draw a progress bar on stderr (false: quiet).</param>
        /// <param name="checkHash">Check the download's SHA-256 against the prefix in its file name (<see cref="HashPrefixOf"/>).</param>
        /// <param name="fileName">Name in the cache; the URL's last path segment when null.</param>
        /// <exception cref="CheckpointFormatException">the cached file is not a state dict Lumen reads (the message says to
        /// delete it so the next call downloads it again).</exception>
        public static OrderedDictionary<string, Tensor> LoadStateDictFromUrl(string url, string? modelDir = null, bool progress = true,
            bool checkHash = false, string? fileName = null)
        {
            var cached = CachedFile(url, modelDir, progress, checkHash, fileName);
            try { return Load(cached); }
            catch (Exception e) when (e is CheckpointFormatException or InvalidDataException or EndOfStreamException)
            {
                throw new CheckpointFormatException(cached, $"the cached download of {url} is not a state dict Lumen can read ({e.Message}); " +
                                                    "delete it to download it again.", e);
            }
        }

        /// <summary>The local path of <paramref name="url"/> in the cache, downloading it first when it is not there yet
        /// (see <see cref="LoadStateDictFromUrl"/>).</summary>
        public static string CachedFile(string url, string? modelDir = null, bool progress = true, bool checkHash = false, string? fileName = null)
        {
            ArgumentException.ThrowIfNullOrEmpty(url);
            modelDir ??= Path.Combine(GetDir(), "checkpoints");
            Directory.CreateDirectory(modelDir);
            fileName ??= Path.GetFileName(new Uri(url).AbsolutePath);
            if (string.IsNullOrEmpty(fileName)) throw new ArgumentException($"'{url}' names no file; pass fileName.", nameof(url));
            var cached = Path.Combine(modelDir, fileName);
            if (File.Exists(cached)) return cached;
            if (progress) Console.Error.WriteLine($"Downloading: \"{url}\" to {cached}");
            DownloadUrlToFile(url, cached, checkHash ? HashPrefixOf(fileName) : null, progress);
            return cached;
        }
    }
}
