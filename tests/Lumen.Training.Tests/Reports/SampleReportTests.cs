using Lumen.Training.Reports;
using Xunit;

namespace Lumen.Training.Tests.Reports;

/// <summary>Writes a complete sample report for people (and scripts/check-report-render.sh) to look at:
/// <c>LUMEN_REPORT_DIR=/tmp/report dotnet test --filter WriteSampleReport</c>. Without the variable it writes to a
/// temporary folder and deletes it.</summary>
public sealed class SampleReportTests
{
    [Fact]
    public void WriteSampleReport()
    {
        string? target = Environment.GetEnvironmentVariable("LUMEN_REPORT_DIR");
        string dir = string.IsNullOrEmpty(target) ? Path.Combine(Path.GetTempPath(), "lumen-sample-" + Guid.NewGuid().ToString("N")[..8]) : target;
        try
        {
            var report = ReportData.Full(epochs: 20);
            report.Name = "cifar10-smallcnn (sample)";
            report.ClassNames![3] = "cat <&>";
            report.Filters = EdgeFilters(16);
            var files = ReportWriter.Write(report, dir);
            Assert.Equal(7, files.Count);
            Assert.All(files, f => Assert.True(new FileInfo(f).Length > 1000, f));
        }
        finally
        {
            if (string.IsNullOrEmpty(target) && Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>(n, 3, 5, 5) oriented colour edges, so the filter grid looks like a trained first layer.</summary>
    private static TensorData EdgeFilters(int n)
    {
        var d = new float[n * 3 * 25];
        for (int o = 0; o < n; o++)
        {
            double th = Math.PI * o / n;
            for (int c = 0; c < 3; c++)
                for (int y = 0; y < 5; y++)
                    for (int x = 0; x < 5; x++)
                    {
                        double u = (x - 2) * Math.Cos(th) + (y - 2) * Math.Sin(th);
                        double gain = c == o % 3 ? 1.0 : 0.35;
                        d[((o * 3 + c) * 5 + y) * 5 + x] = (float)(gain * Math.Cos(1.4 * u + o) * Math.Exp(-(x - 2) * (x - 2) / 8.0 - (y - 2) * (y - 2) / 8.0));
                    }
        }
        return new TensorData([n, 3, 5, 5], d);
    }
}
