using Lumen.Training.Metrics;
using Xunit;
using static Lumen.Training.Tests.Metrics.MetricsFixture;

namespace Lumen.Training.Tests.Metrics;

public class MetricsFormatTests
{
    [Theory]
    [InlineData("mc_random", 2)]
    [InlineData("mc_random", 4)]
    [InlineData("mc_ties", 2)]
    [InlineData("mc_ties", 4)]
    [InlineData("mc_perfect", 2)]
    [InlineData("bin_random", 2)]
    [InlineData("bin_ties", 2)]
    [InlineData("ml_random", 2)] // a zero-support label and the multi-label "samples avg" row
    [InlineData("ml_ties", 2)]
    public void Classification_report_is_sklearns_text_character_for_character(string name, int digits)
    {
        var c = Case(name);
        var names = c.Has("class_names") ? c.Raw("class_names").EnumerateArray().Select(x => x.GetString()!).ToArray() : null;
        string report = Replay(c).Compute().Report(names, digits);
        Assert.Equal(c.Str($"report_{digits}"), report);
    }

    [Theory]
    [InlineData(0.125, 2, "0.12")]   // exact midpoint: half to even, as Python (.NET's "F2" gives 0.13)
    [InlineData(0.375, 2, "0.38")]
    [InlineData(0.285, 2, "0.28")]   // the double is just below 0.285
    [InlineData(2.675, 2, "2.67")]
    [InlineData(0.5, 0, "0")]
    [InlineData(1.5, 0, "2")]
    [InlineData(2.5, 0, "2")]
    [InlineData(1e-20, 2, "0.00")]
    [InlineData(-0.001, 2, "-0.00")]
    [InlineData(1.0, 4, "1.0000")]
    [InlineData(0.6666666666666666, 2, "0.67")]
    [InlineData(123.456, 1, "123.5")]
    [InlineData(5e-324, 3, "0.000")]
    [InlineData(1e22, 2, "10000000000000000000000.00")]
    [InlineData(double.NaN, 2, "nan")]
    public void Fixed_point_numbers_are_formatted_as_Pythons_format(double value, int digits, string python)
    {
        // Expected strings are Python 3.11's format(value, f".{digits}f").
        Assert.Equal(python, MetricsFormat.Fixed(value, digits));
    }

    [Fact]
    public void Confusion_matrix_grid_has_true_rows_and_predicted_columns_with_class_names()
    {
        // true:      cat cat cat dog dog bird
        // predicted: cat dog cat dog dog cat
        var logits = new float[,] { { 9, 0, 0 }, { 0, 9, 0 }, { 9, 0, 0 }, { 0, 9, 0 }, { 0, 9, 0 }, { 9, 0, 0 } };
        var m = new ClassificationMetrics(3, 6);
        m.Update(Torch.Tensor(logits), Torch.Tensor(new long[] { 0, 0, 0, 1, 1, 2 }));
        var r = m.Compute();
        Assert.Equal(
            "true\\pred  cat  dog  bird\n" +
            "      cat    2    1     0\n" +
            "      dog    0    2     0\n" +
            "     bird    1    0     0\n",
            r.ConfusionMatrixText(new[] { "cat", "dog", "bird" }));
        Assert.Equal(
            "true\\pred     0     1     2\n" +
            "        0  0.67  0.33  0.00\n" +
            "        1  0.00  1.00  0.00\n" +
            "        2  1.00  0.00  0.00\n",
            r.ConfusionMatrixText(normalize: true));
        Assert.Throws<ArgumentException>(() => r.ConfusionMatrixText(new[] { "cat" }));
    }

    [Fact]
    public void Multi_label_confusion_text_prints_each_labels_two_by_two_matrix()
    {
        var m = new ClassificationMetrics(2, 3, ClassificationTask.MultiLabel);
        m.Update(Torch.Tensor(new float[,] { { 1, -1 }, { 1, 1 }, { -1, -1 } }), Torch.Tensor(new float[,] { { 1, 0 }, { 0, 1 }, { 0, 1 } }));
        Assert.Equal(
            "a:\ntrue\\pred  0  1\n        0  1  1\n        1  0  1\n\n" +
            "b:\ntrue\\pred  0  1\n        0  1  0\n        1  1  1\n",
            m.Compute().ConfusionMatrixText(new[] { "a", "b" }));
    }

    [Fact]
    public void Summary_line_names_the_headline_numbers()
    {
        var r = Replay(Case("ml_random")).Compute();
        var s = r.ToString();
        Assert.StartsWith("n=120 loss=", s);
        Assert.Contains("exact_match=0.1333", s);
        Assert.Contains("auroc=", s);
    }
}
