using System.Text.Json;
using Lumen.NN;
using Xunit;

namespace Lumen.Tests.NN.Losses;

/// <summary>Every loss × reduction against PyTorch 1.13 (tests/Fixtures/gen_loss.py): the forward value, the grad_fn name,
/// and the gradients w.r.t. input and target of a fixed random upstream gradient.</summary>
public class LossFixtureTests
{
    public static TheoryData<string> CaseNames()
    {
        var data = new TheoryData<string>();
        var path = Path.Combine(AppContext.BaseDirectory, "Fixtures", "loss.json");
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        foreach (var p in doc.RootElement.EnumerateObject())
            if (p.Value.TryGetProperty("family", out _)) data.Add(p.Name);
        return data;
    }

    /// <summary>Calls the Lumen twin of the PyTorch call recorded in the case.</summary>
    internal static Tensor Apply(FixtureCase c, Tensor x, Tensor y)
    {
        Reduction red = c.Str("reduction");
        var w = c.Has("weight") ? c.Tensor("weight") : null;
        var pw = c.Has("pos_weight") ? c.Tensor("pos_weight") : null;
        long ignore = c.Has("ignore_index") ? c.Int("ignore_index") : -100;
        return c.Str("family") switch
        {
            "mse" => F.MseLoss(x, y, red),
            "l1" => F.L1Loss(x, y, red),
            "smooth_l1" => F.SmoothL1Loss(x, y, red, beta: c.Has("beta") ? c.Float("beta") : 1f),
            "huber" => F.HuberLoss(x, y, red, delta: c.Has("delta") ? c.Float("delta") : 1f),
            "ce" => F.CrossEntropy(x, y, weight: w, ignoreIndex: ignore, reduction: red,
                                   labelSmoothing: c.Has("label_smoothing") ? c.Float("label_smoothing") : 0f),
            "nll" => F.NllLoss(x, y, weight: w, ignoreIndex: ignore, reduction: red),
            "bce" => F.BinaryCrossEntropy(x, y, weight: w, reduction: red),
            "bcel" => F.BinaryCrossEntropyWithLogits(x, y, weight: w, reduction: red, posWeight: pw),
            "kl" => F.KlDiv(x, y, red, logTarget: c.Has("log_target") && c.Raw("log_target").GetBoolean()),
            var f => throw new ArgumentException(f),
        };
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Loss_matches_PyTorch_forward_backward_and_grad_fn(string name)
    {
        var c = Fixtures.Case("loss", name);
        var x = c.Tensor("x").RequiresGrad_();
        var y = c.Tensor("y");
        if (c.Has("gy")) y.RequiresGrad_();
        var output = Apply(c, x, y);
        TensorAssert.Close(c.Tensor("out"), output, 1e-5, name + " forward");
        Assert.Equal(c.Str("grad_fn"), output.GradFn?.Name);
        output.Backward(c.Tensor("g"));
        TensorAssert.Close(c.Tensor("gx"), x.Grad!, 1e-5, name + " d/dinput");
        if (c.Has("gy")) TensorAssert.Close(c.Tensor("gy"), y.Grad!, 1e-5, name + " d/dtarget");
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Loss_module_gives_the_same_value_as_its_functional_twin(string name)
    {
        var c = Fixtures.Case("loss", name);
        Reduction red = c.Str("reduction");
        var w = c.Has("weight") ? c.Tensor("weight") : null;
        long ignore = c.Has("ignore_index") ? c.Int("ignore_index") : -100;
        Loss module = c.Str("family") switch
        {
            "mse" => new MSELoss(red),
            "l1" => new L1Loss(red),
            "smooth_l1" => new SmoothL1Loss(red, beta: c.Has("beta") ? c.Float("beta") : 1f),
            "huber" => new HuberLoss(red, delta: c.Has("delta") ? c.Float("delta") : 1f),
            "ce" => new CrossEntropyLoss(w, ignore, red, c.Has("label_smoothing") ? c.Float("label_smoothing") : 0f),
            "nll" => new NLLLoss(w, ignore, red),
            "bce" => new BCELoss(w, red),
            "bcel" => new BCEWithLogitsLoss(w, red, c.Has("pos_weight") ? c.Tensor("pos_weight") : null),
            "kl" => new KLDivLoss(red, logTarget: c.Has("log_target") && c.Raw("log_target").GetBoolean()),
            var f => throw new ArgumentException(f),
        };
        var output = module.Call(c.Tensor("x"), c.Tensor("y"));
        TensorAssert.Close(c.Tensor("out"), output, 1e-5, name);
    }
}
