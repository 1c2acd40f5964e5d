using System.Text.Json;
using Lumen.Training.Reports;
using Xunit;

namespace Lumen.Training.Tests.Reports;

public sealed class RunReportJsonTests
{
    [Fact]
    public void Json_round_trip_keeps_every_field()
    {
        var r = ReportData.Full();
        r.BestEpoch = 7;
        string json = r.ToJson();
        var back = RunReport.FromJson(json);

        Assert.Equal(json, back.ToJson());
        Assert.Equal(r.Name, back.Name);
        Assert.Equal(r.Created, back.Created);
        Assert.Equal(r.Config.ToList(), back.Config.ToList());          // insertion order too
        Assert.Equal(r.ClassNames, back.ClassNames);
        Assert.Equal(r.Epochs, back.Epochs);                            // NaN equals NaN in record equality
        Assert.True(double.IsNaN(back.Epochs[2].ValidLoss));
        Assert.Equal(7, back.BestEpoch);
        Assert.Equal(r.Test!.ConfusionMatrix, back.Test!.ConfusionMatrix);
        Assert.Equal(r.Test.LabelConfusionMatrices, back.Test.LabelConfusionMatrices);
        Assert.Equal(r.Valid!.F1, back.Valid!.F1);
        Assert.Equal(r.Valid.Auroc, back.Valid.Auroc);
        Assert.Equal(r.Valid.TopKAccuracy, back.Valid.TopKAccuracy);
        Assert.Equal(r.Filters, back.Filters);                           // shape and every bit of the data
        Assert.Equal("conv1", back.FiltersLayer);
        Assert.Equal(r.Samples!.Mean, back.Samples!.Mean);
        Assert.Equal(r.Samples.Items, back.Samples.Items);
    }

    [Fact]
    public void Json_uses_snake_case_names_and_NaN_strings()
    {
        var r = new RunReport { Name = "n", Epochs = [new EpochRecord(1, 0.5, 0.9)] };
        var doc = JsonDocument.Parse(r.ToJson()).RootElement;
        Assert.Equal(1, doc.GetProperty("version").GetInt32());
        var e = doc.GetProperty("epochs")[0];
        Assert.Equal(0.5, e.GetProperty("train_loss").GetDouble());
        Assert.Equal("NaN", e.GetProperty("valid_loss").GetString());
        Assert.False(doc.TryGetProperty("filters", out _));              // nulls are left out
    }

    [Fact]
    public void Tensor_data_keeps_special_values_bit_for_bit()
    {
        var t = new TensorData([2, 2], [float.NaN, float.NegativeInfinity, -0f, 1e-45f]);
        var r = new RunReport { Name = "t", Filters = t };
        var back = RunReport.FromJson(r.ToJson()).Filters!;
        Assert.Equal([2, 2], back.Shape);
        Assert.Equal(t.Data.Select(BitConverter.SingleToInt32Bits), back.Data.Select(BitConverter.SingleToInt32Bits));
    }

    [Fact]
    public void Save_and_load_through_the_run_folder()
    {
        var dir = Path.Combine(Path.GetTempPath(), "lumen-json-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        try
        {
            var r = ReportData.Full(epochs: 3);
            r.Save(Path.Combine(dir, RunReport.FileName));
            var back = RunReport.Load(dir);
            Assert.Equal(r.ToJson(), back.ToJson());
            Assert.Single(Directory.GetFiles(dir));
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public void A_newer_version_or_a_malformed_tensor_is_refused_with_a_clear_message()
    {
        var json = new RunReport { Name = "n" }.ToJson().Replace("\"version\": 1", "\"version\": 99");
        var e = Assert.Throws<JsonException>(() => RunReport.FromJson(json));
        Assert.Contains("version 99", e.Message);
        var bad = """{"name": "n", "filters": {"shape": [2, 2], "dtype": "float32", "data": "AAAAAA=="}}""";
        var e2 = Assert.Throws<JsonException>(() => RunReport.FromJson(bad));
        Assert.Contains("holds 4 elements but data has 1", e2.Message);
    }

    [Fact]
    public void Best_epoch_is_the_kept_one_else_the_highest_valid_accuracy_else_the_lowest_loss()
    {
        var r = new RunReport
        {
            Name = "b",
            Epochs = [new(1, 1.0, 0.5, 1.1, 0.60), new(2, 0.8, 0.6, 0.9, 0.70), new(3, 0.7, 0.7, 0.95, 0.70), new(4, 0.6, 0.8, 1.2, double.NaN)],
        };
        Assert.Equal(2, r.FindBestEpoch()!.Epoch);  // 0.70 first reached at epoch 2
        r.BestEpoch = 3;
        Assert.Equal(3, r.FindBestEpoch()!.Epoch);
        var noValid = new RunReport { Name = "c", Epochs = [new(1, 1.0, 0.5), new(2, 0.7, 0.6), new(3, 0.9, 0.6)] };
        Assert.Equal(2, noValid.FindBestEpoch()!.Epoch);
        Assert.Null(new RunReport { Name = "d" }.FindBestEpoch());
    }

    [Fact]
    public void Samples_from_a_batch_take_the_argmax_of_scores_and_can_put_mistakes_first()
    {
        var images = Torch.Tensor(Enumerable.Range(0, 16).Select(i => i / 16f).ToArray(), 4, 1, 2, 2);
        var labels = Torch.Tensor(new long[] { 0, 1, 2, 1 });
        var logits = Torch.Tensor(new float[,] { { 3, 1, 0 }, { 0, 1, 5 }, { 0, 0, 2 }, { 2, 2, 1 } });
        var s = PredictionSamples.FromBatch(images, labels, logits, maxCount: 3, mistakesFirst: true);
        Assert.Equal([(1, 2), (1, 0), (0, 0)], s.Items.Select(i => (i.Label, i.Predicted))); // ties go to the first index
        Assert.Equal(images.ToArray().AsSpan(4, 4).ToArray(), s.Items[0].Image.Data);
        Assert.Equal([1, 2, 2], s.Items[0].Image.Shape);
        var ex = Assert.Throws<ShapeMismatchException>(() => PredictionSamples.FromBatch(images, labels, Torch.Zeros(3), 2));
        Assert.Contains("predictions [3]", ex.Message);
    }
}
