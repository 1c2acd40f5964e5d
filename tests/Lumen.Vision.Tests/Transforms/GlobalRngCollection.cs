using Xunit;

namespace Lumen.Vision.Tests;

/// <summary>Tests that seed or draw from the global generator run one at a time.</summary>
[CollectionDefinition("GlobalRng", DisableParallelization = true)]
public sealed class GlobalRngCollection { }
