using Lumen.NN;
using Xunit;

namespace Lumen.Tests.NN;

public class SummaryTests
{
    /// <summary>Seed 004's SimpleCNN with layer4 fed by a flatten in Forward, as the seed writes it.</summary>
    private sealed class SimpleCNN : Module
    {
        public readonly Sequential Layer1, Layer2, Layer3, Layer4;
        public SimpleCNN()
        {
            Layer1 = RegisterModule("layer1", new Sequential());
            Layer1.AddModule("conv1", new Conv2d(3, 32, (3, 3), (1, 1), padding: 1));
            Layer1.AddModule("relu1", new ReLU(true));
            Layer1.AddModule("pool1", new MaxPool2d(2, 2));
            Layer2 = RegisterModule("layer2", new Sequential(("conv2", new Conv2d(32, 64, 3, 1, padding: 1)), ("relu2", new ReLU(true)), ("pool2", new MaxPool2d(2, 2))));
            Layer3 = RegisterModule("layer3", new Sequential(("conv3", new Conv2d(64, 128, 3, 1, padding: 1)), ("relu3", new ReLU(true)), ("pool3", new MaxPool2d(2, 2))));
            Layer4 = RegisterModule("layer4", new Sequential(("fc1", new Linear(2048, 512)), ("fc_relu1", new ReLU(true)),
                                                             ("fc2", new Linear(512, 64)), ("fc_relu2", new ReLU(true)), ("f3", new Linear(64, 10))));
        }
        public override Tensor Forward(Tensor x)
        {
            var conv3 = Layer3.Call(Layer2.Call(Layer1.Call(x)));
            return Layer4.Call(conv3.View(conv3.Size(0), -1));
        }
    }

    [Fact]
    public void Summary_lists_layers_in_call_order_with_shapes_parameters_and_multiply_adds()
    {
        var s = Summary.Of(new SimpleCNN(), 2, 3, 32, 32);
        Assert.Equal("", s.Rows[0].Path);
        Assert.Equal(new[] { "", "layer1", "layer1.conv1", "layer1.relu1", "layer1.pool1", "layer2", "layer2.conv2" },
                     s.Rows.Take(7).Select(r => r.Path));
        var conv1 = s.Rows.Single(r => r.Path == "layer1.conv1");
        Assert.Equal(new Shape(2, 32, 32, 32), conv1.OutputShape);
        Assert.Equal(3 * 32 * 9 + 32, conv1.Parameters);
        Assert.Equal(2L * 32 * 32 * 32 * 3 * 9, conv1.MultiplyAdds);
        var fc1 = s.Rows.Single(r => r.Path == "layer4.fc1");
        Assert.Equal(new Shape(2, 512), fc1.OutputShape);
        Assert.Equal(2L * 512 * 2048, fc1.MultiplyAdds);
        Assert.Equal(new SimpleCNN().NumParameters(), s.TotalParameters);
        Assert.Equal(s.TotalParameters, s.TrainableParameters);
        var text = s.ToString();
        Assert.Contains("└─conv1 (Conv2d)", text);
        Assert.Contains("Total params: " + s.TotalParameters.ToString("N0", System.Globalization.CultureInfo.InvariantCulture), text);
    }

    [Fact]
    public void Summary_counts_frozen_parameters_as_non_trainable_and_restores_training_mode()
    {
        var model = new SimpleCNN();
        model.Layer1.RequiresGrad_(false);
        var s = Summary.Of(model, 1, 3, 32, 32);
        Assert.Equal(3 * 32 * 9 + 32, s.TotalParameters - s.TrainableParameters);
        Assert.True(model.Training);
    }

    [Fact]
    public void A_shape_error_deep_in_a_model_names_the_module_path()
    {
        var model = new SimpleCNN();
        var ex = Assert.Throws<ShapeMismatchException>(() => model.Layer4.Call(Torch.Zeros(64, 8)));
        Assert.StartsWith("fc1: Linear(in_features=2048, out_features=512, bias=True) got input [64, 8]", ex.Message);
        // Called through the whole model, the path starts at the model.
        var viaModel = new Sequential(("layer4", model.Layer4));
        var ex2 = Assert.Throws<ShapeMismatchException>(() => viaModel.Call(Torch.Zeros(64, 8)));
        Assert.StartsWith("layer4.fc1: Linear(in_features=2048", ex2.Message);
    }
}
