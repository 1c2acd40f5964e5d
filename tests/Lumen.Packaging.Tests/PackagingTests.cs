using System.IO.Compression;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Xunit;

namespace Lumen.Packaging.Tests;

/// <summary>What docs/packaging.md promises: <c>dotnet pack</c> makes the six packages with their metadata, XML docs,
/// README and licence; an example builds and runs against the packages instead of the projects; the CLI installs as
/// the <c>lumen</c> .NET tool. Everything offline, in a temporary folder.</summary>
public class PackagingTests : IClassFixture<PackedFeed>
{
    private readonly PackedFeed _feed;

    public PackagingTests(PackedFeed feed) => _feed = feed;

    private static XElement Nuspec(ZipArchive zip)
    {
        var entry = zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal) && !e.FullName.Contains('/'));
        using var s = entry.Open();
        var doc = XDocument.Load(s);
        return doc.Root!.Elements().Single(e => e.Name.LocalName == "metadata");
    }

    private static string? Meta(XElement metadata, string name) => metadata.Elements().FirstOrDefault(e => e.Name.LocalName == name)?.Value;

    [Theory]
    [InlineData("Lumen", "lib/net10.0/")]
    [InlineData("Lumen.Vision", "lib/net10.0/")]
    [InlineData("Lumen.Training", "lib/net10.0/")]
    [InlineData("Lumen.Onnx", "lib/net10.0/")]
    [InlineData("Lumen.Distributed", "lib/net10.0/")]
    [InlineData("Lumen.Cli", "tools/net10.0/any/")]
    public void Each_package_has_its_id_version_metadata_dll_xml_docs_readme_and_licence(string id, string folder)
    {
        var path = _feed.PackagePath(id);
        Assert.True(File.Exists(path), $"{path} missing; dotnet pack said:\n{_feed.PackOutput}");
        using var zip = ZipFile.OpenRead(path);
        var names = zip.Entries.Select(e => e.FullName).ToHashSet();
        var md = Nuspec(zip);
        Assert.Equal(id, Meta(md, "id"));
        Assert.Equal(_feed.Version, Meta(md, "version"));
        Assert.False(string.IsNullOrWhiteSpace(Meta(md, "description")));
        Assert.False(string.IsNullOrWhiteSpace(Meta(md, "authors")));
        Assert.Contains("deep-learning", Meta(md, "tags"));
        Assert.Equal("README.md", Meta(md, "readme"));
        Assert.Equal("LICENSE", Meta(md, "license"));
        Assert.Contains("README.md", names);
        Assert.Contains("LICENSE", names);
        Assert.Contains(folder + id + ".dll", names);
        Assert.Contains(folder + id + ".xml", names);
        using (var reader = new StreamReader(zip.GetEntry("LICENSE")!.Open()))
            Assert.StartsWith("MIT License", reader.ReadToEnd());
    }

    [Fact]
    public void Lumen_Vision_package_embeds_the_four_MNIST_files_and_depends_on_Lumen()
    {
        using var zip = ZipFile.OpenRead(_feed.PackagePath("Lumen.Vision"));
        using var ms = new MemoryStream();
        using (var s = zip.GetEntry("lib/net10.0/Lumen.Vision.dll")!.Open()) s.CopyTo(ms);
        ms.Position = 0;
        using var pe = new PEReader(ms);
        var meta = pe.GetMetadataReader();
        var resources = meta.ManifestResources.Select(h => meta.GetString(meta.GetManifestResource(h).Name)).ToList();
        foreach (var file in new[] { "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz" })
            Assert.Contains("Lumen.Vision.mnist." + file, resources);
        var deps = Nuspec(zip).Descendants().Where(e => e.Name.LocalName == "dependency").Select(e => (string)e.Attribute("id")!).ToList();
        Assert.Contains("Lumen", deps);
    }

    [Fact]
    public void Seed004_example_restores_builds_and_runs_quick_against_the_packed_packages()
    {
        var dir = Path.Combine(_feed.WorkDir, "example004");
        Directory.CreateDirectory(dir);
        var source = Directory.GetDirectories(Path.Combine(_feed.RepoRoot, "examples"), "004-*").Single();
        File.Copy(Path.Combine(source, "Program.cs"), Path.Combine(dir, "Program.cs"));
        File.WriteAllText(Path.Combine(dir, "Example004.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <InvariantGlobalization>true</InvariantGlobalization>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Lumen" Version="{_feed.Version}" />
                <PackageReference Include="Lumen.Vision" Version="{_feed.Version}" />
              </ItemGroup>
            </Project>
            """);
        // WorkDir/nuget.config (the feed + the machine's packages, nothing online) applies: it is in a parent folder.
        var (code, output) = _feed.Dotnet(dir, "build", "-c", "Release", "-nodeReuse:false", "-p:UseSharedCompilation=false");
        Assert.True(code == 0, $"dotnet build of the packaged example failed ({code}):\n{output}");
        // The Lumen that was compiled against is the packed one, restored into the test's own packages folder.
        Assert.True(File.Exists(Path.Combine(_feed.PackagesDir, "lumen", _feed.Version, "lib", "net10.0", "Lumen.dll")));
        Assert.True(File.Exists(Path.Combine(_feed.PackagesDir, "lumen.vision", _feed.Version, "lib", "net10.0", "Lumen.Vision.dll")));

        (code, output) = _feed.Dotnet(dir, Path.Combine(dir, "bin", "Release", "net10.0", "Example004.dll"), "--quick");
        Assert.True(code == 0, $"the packaged example failed ({code}):\n{output}");
        Assert.Contains("SimpleCNN parameters: 1175818", output);
        Assert.Contains("parameters: 2328298", output);
        Assert.Matches(new Regex(@"epoch 0: train accuracy [0-9.]+, test accuracy [0-9.]+"), output);
    }

    [Fact]
    public void Cli_installs_as_the_lumen_tool_and_runs_offline()
    {
        var toolDir = Path.Combine(_feed.WorkDir, "tools");
        var (code, output) = _feed.Dotnet(_feed.WorkDir, "tool", "install", "--tool-path", toolDir, "--add-source", _feed.FeedDir,
            "--configfile", _feed.NuGetConfig, "Lumen.Cli", "--version", _feed.Version);
        Assert.True(code == 0, $"dotnet tool install failed ({code}):\n{output}");
        var lumen = Path.Combine(toolDir, OperatingSystem.IsWindows() ? "lumen.exe" : "lumen");
        Assert.True(File.Exists(lumen), $"no {lumen} after install:\n{output}");

        (code, output) = _feed.Run(lumen, _feed.WorkDir, "--version");
        Assert.True(code == 0, output);
        Assert.Equal(_feed.Version, output.Trim());

        (code, output) = _feed.Run(lumen, _feed.WorkDir, "summary", "mnist-cnn");
        Assert.True(code == 0, output);
        Assert.Contains("(layer1): Sequential(", output);
        Assert.Matches(new Regex(@"2,?328,?298"), output);
    }
}
