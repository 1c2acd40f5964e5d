using Xunit;

namespace Lumen.Cli.Tests.Robustness;

/// <summary>The CLI's bad-input contract, checked on a result: exit code 2, one line that names what it must name, no
/// stack trace.</summary>
internal static class UsageErrors
{
    public static string AssertBadInput(LumenCli.Result r, params string[] fragments)
    {
        Assert.True(r.Code == 2, $"exit code {r.Code}, expected 2; stderr: {r.Err}");
        var lines = r.Err.TrimEnd('\n', '\r').Split('\n');
        Assert.Single(lines);
        foreach (var f in fragments) Assert.Contains(f, lines[0]);
        Assert.DoesNotContain("   at ", r.Err);
        return lines[0];
    }
}
