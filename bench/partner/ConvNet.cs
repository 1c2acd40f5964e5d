using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;
using F = TorchSharp.torch.nn.functional;

namespace TsBench;

/// <summary>Seed 001's CIFAR-10 ConvNet(c1 48, c2 96, l1 256, d1 0.1), as Lumen.Vision.Models.ConvNet and the
/// ConvNet of Lumen's bench/pytorch_models.py: four unpadded 3×3 convolutions with ReLU (conv4 stride 2), functional
/// dropout after conv2 (d1) and conv4 (0.5), flatten, BatchNorm1d(c2·144) + ReLU, fc1 + ReLU, fc2. Added to the
/// TorchSharp partner by Lumen's bench/partner/setup.sh (case convnet_seed001_b512_adam); field names are PyTorch's
/// attribute names so that the parameter names (--params --names) match Lumen's state dict keys.</summary>
public sealed class ConvNet : Module<Tensor, Tensor>
{
    private readonly Module<Tensor, Tensor> conv1, conv2, conv3, conv4, flat, batch_norm, fc1, fc2;
    private readonly double d1;

    public ConvNet(int c1 = 48, int c2 = 96, int l1 = 256, double d1 = 0.1, int numClasses = 10) : base(nameof(ConvNet))
    {
        this.d1 = d1;
        conv1 = Conv2d(3, c1, 3);
        conv2 = Conv2d(c1, c1, 3);
        conv3 = Conv2d(c1, c2, 3);
        conv4 = Conv2d(c2, c2, 3, stride: 2);
        flat = Flatten();
        batch_norm = BatchNorm1d(c2 * 144);
        fc1 = Linear(c2 * 144, l1);
        fc2 = Linear(l1, numClasses);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        x = F.relu(conv1.call(x));
        x = F.relu(conv2.call(x));
        x = F.dropout(x, d1, training);
        x = F.relu(conv3.call(x));
        x = F.relu(conv4.call(x));
        x = F.dropout(x, 0.5, training);
        x = flat.call(x);
        x = F.relu(batch_norm.call(x));
        x = F.relu(fc1.call(x));
        return fc2.call(x);
    }
}
