using Lumen.Training.Reports;
using Xunit;

namespace Lumen.Training.Tests.Reports;

public class ChartTests
{
    [Theory]
    [InlineData(0, 2.3, 0, 2.5, 0.5)]
    [InlineData(0.91, 0.985, 0.9, 1.0, 0.02)]
    [InlineData(0, 1, 0, 1, 0.2)]
    [InlineData(3, 3, 2.6, 3.4, 0.2)]    // one value: widened by 10 %
    [InlineData(0, 0, -0.6, 0.6, 0.2)]   // zero: widened by 0.5
    [InlineData(-7, 130, -50, 150, 50)]
    public void Nice_range_has_round_ends_and_a_1_2_5_step(double lo, double hi, double elo, double ehi, double estep)
    {
        var (nlo, nhi, step) = ChartKit.NiceRange(lo, hi);
        Assert.Equal(estep, step, 9);
        Assert.Equal(elo, nlo, 9);
        Assert.Equal(ehi, nhi, 9);
    }

    [Fact]
    public void Tick_labels_print_at_the_steps_precision()
    {
        var ticks = ChartKit.Ticks(0, 0.3, 0.1);
        Assert.Equal(["0.0", "0.1", "0.2", "0.3"], ticks.Select(t => ChartKit.FormatTick(t, 0.1)));
        Assert.Equal("25", ChartKit.FormatTick(25, 5));
        Assert.Equal("0.02", ChartKit.FormatTick(0.02, 0.02));
    }

    [Fact]
    public void One_epoch_draws_dots_and_one_x_tick()
    {
        var f = CurveChart.Build([new EpochRecord(1, 0.7, 0.75, 0.8, 0.7, 0.1, 3)])!;
        Assert.DoesNotContain(f.Ops.OfType<PolylineOp>(), p => p.Width == 2); // no curve segments
        Assert.Equal(4, f.Ops.OfType<CircleOp>().Count(c => c.R == 3));      // train + valid in both panels
        Assert.Equal(2, f.Ops.OfType<TextOp>().Count(t => t.Text == "1" && t.Anchor == TextAnchor.Middle));
        Rasterizer.Render(f); // and it draws
    }

    [Fact]
    public void NaN_values_break_the_line_and_an_isolated_point_stays_a_dot()
    {
        double nan = double.NaN;
        EpochRecord[] epochs =
        [
            new(1, 1.0, 0.5, 1.1, 0.4), new(2, nan, 0.6, 1.0, 0.5), new(3, 0.6, 0.7, 0.9, 0.6),
            new(4, 0.5, 0.75, double.PositiveInfinity, 0.65), new(5, 0.4, 0.8, 0.8, 0.7),
        ];
        var f = CurveChart.Build(epochs)!;
        var curves = f.Ops.OfType<PolylineOp>().Where(p => p.Width == 2).ToList();
        // Loss panel: train = [1] + [3, 4, 5] -> one 3-point line; valid = [1, 2, 3] + [5] -> one 3-point line.
        // Accuracy panel: two unbroken 5-point lines.
        Assert.Equal([3, 3, 5, 5], curves.Select(c => c.Points.Length).Order());
        Assert.True(curves.All(c => c.Points.All(p => double.IsFinite(p.X) && double.IsFinite(p.Y))));
        Assert.Equal(4 + 4 + 5 + 5, f.Ops.OfType<CircleOp>().Count(c => c.R == 3));
    }

    [Fact]
    public void A_series_with_no_finite_value_is_left_out_and_an_empty_panel_says_no_data()
    {
        var f = CurveChart.Build([new EpochRecord(1, 0.9, double.NaN), new EpochRecord(2, 0.8, double.NaN)])!;
        var texts = f.Ops.OfType<TextOp>().Select(t => t.Text).ToList();
        Assert.Single(texts, "no data");               // the accuracy panel
        Assert.Single(texts, "train");                 // legend of the loss panel only
        Assert.DoesNotContain("valid", texts);
    }

    [Fact]
    public void Confusion_heatmap_labels_each_cell_with_its_count_and_colours_by_row_share()
    {
        var r = ReportData.FromConfusion(new long[,] { { 50, 2, 3 }, { 5, 20, 5 }, { 10, 10, 10 } });
        var f = ConfusionChart.Build(r, ["a", "b", "c"], "test")!;
        var cells = f.Ops.OfType<RectOp>().Where(o => o.Fill is not null && o.W == o.H).ToList();
        Assert.Equal(9, cells.Count);
        var texts = f.Ops.OfType<TextOp>().Select(t => t.Text).ToList();
        foreach (var n in new[] { "50", "2", "3", "5", "20", "10" }) Assert.Contains(n, texts);
        // Row 2 is uniform: its three cells share a colour; cell (0, 0) (share 0.91) is darker than (1, 1) (0.67).
        Assert.Single(cells.Skip(6).Select(c => c.Fill).Distinct());
        Assert.True(cells[0].Fill!.Value.Luma < cells[4].Fill!.Value.Luma);
    }

    [Fact]
    public void Many_classes_with_long_names_get_vertical_labels()
    {
        var names = Enumerable.Range(0, 30).Select(i => $"class_number_{i}").ToArray();
        var r = ReportData.FromConfusion(ReportData.Confusion(30));
        var f = ConfusionChart.Build(r, names, "valid")!;
        Assert.Contains(f.Ops.OfType<TextOp>(), t => t.Vertical && t.Text.StartsWith("class_num"));
        var bars = PerClassChart.Build(r, names, "valid")!;
        Assert.Equal(90, bars.Ops.OfType<RectOp>().Count(o => o.Fill is not null && o.H > 0 && o.W < 10));
        Rasterizer.Render(f);
        Rasterizer.Render(bars);
    }

    [Fact]
    public void Filters_with_three_inputs_are_one_rgb_cell_per_output_and_others_one_gray_cell_per_pair()
    {
        var rgb = PictureGrids.Filters(ReportData.RampFilters(8, 3, 3), "conv1")!;
        var pics = rgb.Ops.OfType<ImageOp>().ToList();
        Assert.Equal(8, pics.Count);
        Assert.All(pics, p => Assert.Equal(3, p.Image.Channels));
        Assert.All(pics, p => Assert.True(p.W >= 45, "a 3x3 filter is enlarged to about 48 units"));

        var gray = PictureGrids.Filters(ReportData.RampFilters(4, 2, 5), null)!;
        var cells = gray.Ops.OfType<ImageOp>().ToList();
        Assert.Equal(8, cells.Count);
        Assert.All(cells, p => Assert.Equal(1, p.Image.Channels));
        Assert.Equal(2, cells.Select(c => c.X).Distinct().Count()); // columns = input channels
        Assert.Equal(4, cells.Select(c => c.Y).Distinct().Count()); // rows = output filters
    }

    [Fact]
    public void Each_filter_is_min_max_scaled_over_its_own_values()
    {
        var w = ReportData.RampFilters(2, 1, 3); // filter 0: 0..8, filter 1: 1, 0, -1, ..., -7
        var cells = PictureGrids.FilterCells(w, out _, out _, out _);
        Assert.Equal([0, 32, 64, 96, 128, 159, 191, 223, 255], cells[0].Image.Pixels.Select(b => (int)b));
        Assert.Equal(255, cells[1].Image.Pixels[0]);
        Assert.Equal(0, cells[1].Image.Pixels[8]);
        var flat = PictureGrids.FilterCells(new TensorData([1, 1, 2, 2], [3, 3, 3, 3]), out _, out _, out _);
        Assert.All(flat[0].Image.Pixels, b => Assert.Equal(128, b)); // a constant filter is mid-gray
    }

    [Fact]
    public void Sample_pictures_are_de_normalised_per_channel_and_clamped()
    {
        // x = (v - mean) / std per channel; pixel = clamp(x * std + mean, 0, 1) * 255.
        var chw = new TensorData([3, 1, 2], [(0.5f - 0.5f) / 0.25f, 10f, (1f - 0.4f) / 0.2f, -10f, (0.2f - 0.3f) / 0.1f, 0f]);
        var img = PictureGrids.SampleImage(chw, [0.5f, 0.4f, 0.3f], [0.25f, 0.2f, 0.1f]);
        Assert.Equal(3, img.Channels);
        Assert.Equal([128, 255, 51], img.Pixels[..3].Select(b => (int)b)); // pixel 0: 0.5, 1.0, 0.2
        Assert.Equal([255, 0, 77], img.Pixels[3..].Select(b => (int)b));   // pixel 1: clamped 3.0, clamped -1.6, 0.3
        var gray = PictureGrids.SampleImage(new TensorData([1, 1, 1], [0.25f]), null, null);
        Assert.Equal(1, gray.Channels);
        Assert.Equal(64, gray.Pixels[0]);
    }

    [Fact]
    public void Wrong_predictions_get_a_red_frame()
    {
        var s = ReportData.Samples(10, 4, [0.5f, 0.5f, 0.5f], [0.5f, 0.5f, 0.5f]); // items 3 and 7 are wrong
        var f = PictureGrids.Samples(s, ["w", "x", "y", "z"])!;
        Assert.Equal(2, f.Ops.OfType<RectOp>().Count(r => r.Stroke == ChartKit.Wrong));
        Assert.Contains(f.Ops.OfType<TextOp>(), t => t.Text == "z / w" && t.Color == ChartKit.Wrong);
        Assert.Contains(f.Ops.OfType<TextOp>(), t => t.Text == "x / x" && t.Color == ChartKit.Right);
    }
}
