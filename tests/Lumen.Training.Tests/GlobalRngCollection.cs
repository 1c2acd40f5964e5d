using Xunit;

namespace Lumen.Training.Tests;

/// <summary>Tests that seed or draw from the global generator run one at a time, with nothing else in parallel: any
/// other test that builds a layer (its initialisation draws from the same generator) would otherwise shift their
/// draws. Without this definition the attribute made an ordinary collection, run alongside the others, and
/// <c>ResumeTests</c> failed now and then (seen under <c>DOTNET_EnableAVX2=0</c>, where tests run slower and overlap more).</summary>
[CollectionDefinition("GlobalRng", DisableParallelization = true)]
public sealed class GlobalRngCollection { }
