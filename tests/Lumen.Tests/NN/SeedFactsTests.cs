using Lumen.NN;
using Xunit;

namespace Lumen.Tests.NN;

/// <summary>The seeds' printed facts, with their code ported line for line as a user would.</summary>
public class SeedFactsTests
{
    /// <summary>DLwPT chapter 8 (seed 003), functional form.</summary>
    private sealed class Net : Module
    {
        public readonly Conv2d Conv1, Conv2;
        public readonly Linear Fc1, Fc2;
        public Net()
        {
            Conv1 = RegisterModule("conv1", new Conv2d(3, 16, kernelSize: 3, padding: 1));
            Conv2 = RegisterModule("conv2", new Conv2d(16, 8, kernelSize: 3, padding: 1));
            Fc1 = RegisterModule("fc1", new Linear(8 * 8 * 8, 32));
            Fc2 = RegisterModule("fc2", new Linear(32, 2));
        }
        public override Tensor Forward(Tensor x)
        {
            var out_ = F.MaxPool2d(Torch.Tanh(Conv1.Call(x)), 2);
            out_ = F.MaxPool2d(Torch.Tanh(Conv2.Call(out_)), 2);
            out_ = out_.View(-1, 8 * 8 * 8);
            out_ = Torch.Tanh(Fc1.Call(out_));
            return Fc2.Call(out_);
        }
    }

    private sealed class NetWidth : Module
    {
        public readonly Conv2d Conv1, Conv2;
        public readonly Linear Fc1, Fc2;
        public NetWidth()
        {
            Conv1 = RegisterModule("conv1", new Conv2d(3, 32, kernelSize: 3, padding: 1));
            Conv2 = RegisterModule("conv2", new Conv2d(32, 16, kernelSize: 3, padding: 1));
            Fc1 = RegisterModule("fc1", new Linear(16 * 8 * 8, 32));
            Fc2 = RegisterModule("fc2", new Linear(32, 2));
        }
        public override Tensor Forward(Tensor x)
        {
            var out_ = F.MaxPool2d(Torch.Tanh(Conv1.Call(x)), 2);
            out_ = F.MaxPool2d(Torch.Tanh(Conv2.Call(out_)), 2);
            return Fc2.Call(Torch.Tanh(Fc1.Call(out_.View(-1, 16 * 8 * 8))));
        }
    }

    /// <summary>Seed 004's SimpleCNN, built with AddModule as the seed does.</summary>
    private sealed class SimpleCNN : Module
    {
        public readonly Sequential Layer1, Layer2, Layer3, Layer4;
        public SimpleCNN()
        {
            var layer1 = new Sequential();
            layer1.AddModule("conv1", new Conv2d(3, 32, (3, 3), (1, 1), padding: 1));
            layer1.AddModule("relu1", new ReLU(true));
            layer1.AddModule("pool1", new MaxPool2d(2, 2));
            Layer1 = RegisterModule("layer1", layer1);
            var layer2 = new Sequential();
            layer2.AddModule("conv2", new Conv2d(32, 64, (3, 3), (1, 1), padding: 1));
            layer2.AddModule("relu2", new ReLU(true));
            layer2.AddModule("pool2", new MaxPool2d(2, 2));
            Layer2 = RegisterModule("layer2", layer2);
            var layer3 = new Sequential();
            layer3.AddModule("conv3", new Conv2d(64, 128, (3, 3), (1, 1), padding: 1));
            layer3.AddModule("relu3", new ReLU(true));
            layer3.AddModule("pool3", new MaxPool2d(2, 2));
            Layer3 = RegisterModule("layer3", layer3);
            var layer4 = new Sequential();
            layer4.AddModule("fc1", new Linear(2048, 512));
            layer4.AddModule("fc_relu1", new ReLU(true));
            layer4.AddModule("fc2", new Linear(512, 64));
            layer4.AddModule("fc_relu2", new ReLU(true));
            layer4.AddModule("f3", new Linear(64, 10));
            Layer4 = RegisterModule("layer4", layer4);
        }
        public override Tensor Forward(Tensor x)
        {
            var conv3 = Layer3.Call(Layer2.Call(Layer1.Call(x)));
            return Layer4.Call(conv3.View(conv3.Size(0), -1));
        }
    }

    [Fact]
    public void Net_from_chapter8_has_18090_parameters_in_the_books_sizes()
    {
        var net = new Net();
        Assert.Equal(new[] { 432, 16, 1152, 8, 16384, 32, 64, 2 }, net.Parameters().Select(p => p.Numel()));
        Assert.Equal(18090, net.NumParameters());
        Assert.Equal(new Shape(4, 2), net.Call(Torch.Zeros(4, 3, 32, 32)).Shape);
    }

    [Fact]
    public void NetWidth_from_chapter8_has_38386_parameters()
    {
        Assert.Equal(38386, new NetWidth().NumParameters());
        Assert.Equal(new Shape(1, 2), new NetWidth().Call(Torch.Zeros(1, 3, 32, 32)).Shape);
    }

    [Fact]
    public void SimpleCNN_prints_like_seed_004()
    {
        // Seed 004's output (its page lost the indentation; PyTorch indents by two spaces per level). The seed shows
        // layer2's conv2 without padding, but the code it prints gives padding=1, which PyTorch prints.
        var expected = string.Join("\n",
            "SimpleCNN(",
            "  (layer1): Sequential(",
            "    (conv1): Conv2d(3, 32, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))",
            "    (relu1): ReLU(inplace=True)",
            "    (pool1): MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)",
            "  )",
            "  (layer2): Sequential(",
            "    (conv2): Conv2d(32, 64, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))",
            "    (relu2): ReLU(inplace=True)",
            "    (pool2): MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)",
            "  )",
            "  (layer3): Sequential(",
            "    (conv3): Conv2d(64, 128, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))",
            "    (relu3): ReLU(inplace=True)",
            "    (pool3): MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)",
            "  )",
            "  (layer4): Sequential(",
            "    (fc1): Linear(in_features=2048, out_features=512, bias=True)",
            "    (fc_relu1): ReLU(inplace=True)",
            "    (fc2): Linear(in_features=512, out_features=64, bias=True)",
            "    (fc_relu2): ReLU(inplace=True)",
            "    (f3): Linear(in_features=64, out_features=10, bias=True)",
            "  )",
            ")");
        Assert.Equal(expected, new SimpleCNN().ToString());
    }

    [Fact]
    public void SimpleCNN_named_parameters_match_seed_004()
    {
        Assert.Equal(new[]
        {
            "layer1.conv1.weight", "layer1.conv1.bias", "layer2.conv2.weight", "layer2.conv2.bias",
            "layer3.conv3.weight", "layer3.conv3.bias", "layer4.fc1.weight", "layer4.fc1.bias",
            "layer4.fc2.weight", "layer4.fc2.bias", "layer4.f3.weight", "layer4.f3.bias",
        }, new SimpleCNN().NamedParameters().Select(p => p.Name));
    }

    [Fact]
    public void First_two_children_of_SimpleCNN_print_as_in_seed_004()
    {
        // nn.Sequential(*list(model.children())[:2])
        var firstTwo = new Sequential(new SimpleCNN().Children().Take(2));
        var text = firstTwo.ToString();
        Assert.StartsWith("Sequential(\n  (0): Sequential(\n    (conv1): Conv2d(3, 32, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))", text);
        Assert.Contains("  (1): Sequential(\n    (conv2): Conv2d(32, 64,", text);
        Assert.EndsWith("  )\n)", text);
        Assert.Equal(2, firstTwo.Count);
    }

    [Fact]
    public void All_conv2d_layers_of_SimpleCNN_extract_as_in_seed_004()
    {
        // for layer in model.named_modules(): if isinstance(layer[1], nn.Conv2d): conv_model.add_module(layer[0].split('.')[1], layer[1])
        var convModel = new Sequential();
        foreach (var layer in new SimpleCNN().NamedModules())
            if (layer.Module is Conv2d) convModel.AddModule(layer.Name.Split('.')[1], layer.Module);
        Assert.Equal(string.Join("\n",
            "Sequential(",
            "  (conv1): Conv2d(3, 32, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))",
            "  (conv2): Conv2d(32, 64, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))",
            "  (conv3): Conv2d(64, 128, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))",
            ")"), convModel.ToString());
    }
}
