using Xunit;

namespace Lumen.Vision.Tests;

/// <summary>A [Theory] skipped unless LUMEN_FUSE_FULL=1: the remaining large zoo models for fused inference (VGG-13-BN and
/// VGG-19-BN: each builds 130 M parameters, ~0.5 GB).</summary>
public sealed class FuseFullTheoryAttribute : TheoryAttribute
{
    public FuseFullTheoryAttribute()
    {
        if (Environment.GetEnvironmentVariable("LUMEN_FUSE_FULL") != "1")
            Skip = "the remaining large zoo models fuse with LUMEN_FUSE_FULL=1 (ResNet-18/34/50, VGG-11-BN, VGG-16-BN and R3D-18 run every time).";
    }
}
