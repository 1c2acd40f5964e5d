using Xunit;

namespace Lumen.Onnx.Tests;

/// <summary>The export tests seed the global generator and build models from it; running them beside other tests that
/// draw from it would change the weights, and so the exported bytes the checker record pins.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ExportCollection
{
    public const string Name = "ONNX export (seeded global generator)";
}
