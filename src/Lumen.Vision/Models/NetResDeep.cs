using Lumen.NN;

namespace Lumen.Vision.Models;

/// <summary>
/// DLwPT's deep residual network (seed 003, section 8.5.3): conv1 = Conv2d(3, n, 3, padding 1) → ReLU → MaxPool(2), then
/// <c>resblocks</c> = a <see cref="Sequential"/> of <c>nBlocks</c> <see cref="ResBlock"/>s at 16×16, MaxPool(2),
/// fc1 = Linear(8·8·n, 32) → ReLU → fc2 = Linear(32, 2). Input (B, 3, 32, 32); output (B, numClasses), 2 by default.
/// <para><b>Shared or independent blocks.</b> The book writes <c>nn.Sequential(*(n_blocks * [ResBlock(n_chans=n_chans1)]))</c>:
/// multiplying a one-element Python list repeats the <i>same</i> object, so the Sequential holds one block n times. That
/// network applies one set of weights n times (a recurrent-like, weight-tied stack): it has the parameters of a single
/// block (<c>NamedParameters()</c> lists <c>resblocks.0.*</c> only, as PyTorch's <c>named_parameters()</c>), while the
/// state dict has keys <c>resblocks.0.*</c> … <c>resblocks.{n−1}.*</c> that all hold the same tensors, and the printed
/// model shows n blocks. <c>sharedBlocks: true</c> (the default) reproduces that exactly, including PyTorch's random
/// initialisation from a seed. <c>sharedBlocks: false</c> builds n independent blocks, PyTorch's
/// <c>nn.Sequential(*[ResBlock(n_chans1) for _ in range(n_blocks)])</c>, which is what a deep ResNet usually means:
/// n times the block parameters, each block trained separately. Both have the same state-dict keys, so a checkpoint of
/// one loads into the other (loading independent weights into the shared model keeps the last block's values).</para>
/// </summary>
public sealed class NetResDeep : Module
{
    public int NChans1 { get; }
    /// <summary>Whether all blocks are one shared <see cref="ResBlock"/> (the book's code) or independent ones.</summary>
    public bool SharedBlocks { get; }
    public readonly Conv2d Conv1;
    public readonly Sequential Resblocks;
    public readonly Linear Fc1;
    private Linear _fc2;
    /// <summary>The classifier head, PyTorch's <c>self.fc2</c>. Setting it replaces the module registered as <c>fc2</c>
    /// (transfer learning: <c>model.Fc2 = new Linear(model.Fc2.InFeatures, numClasses)</c>).</summary>
    public Linear Fc2
    {
        get => _fc2;
        set => _fc2 = RegisterModule("fc2", value ?? throw new ArgumentNullException(nameof(value), "NetResDeep.Fc2 cannot be null."));
    }

    /// <param name="nChans1">Channels of the first convolution and of every block.</param>
    /// <param name="nBlocks">Number of residual blocks.</param>
    /// <param name="sharedBlocks">True: one block repeated (the book's <c>n_blocks * [ResBlock(...)]</c>); false: independent blocks.</param>
    /// <param name="numClasses">Outputs of fc2 (the book's 2: birds and airplanes).</param>
    public NetResDeep(int nChans1 = 32, int nBlocks = 10, bool sharedBlocks = true, int numClasses = 2)
    {
        if (nBlocks < 0) throw new ArgumentException($"NetResDeep: nBlocks ({nBlocks}) must be non-negative.");
        NChans1 = nChans1;
        SharedBlocks = sharedBlocks;
        Conv1 = RegisterModule("conv1", new Conv2d(3, nChans1, kernelSize: 3, padding: 1));
        Module[] blocks;
        if (sharedBlocks)
        {
            var block = new ResBlock(nChans: nChans1);
            blocks = Enumerable.Repeat<Module>(block, nBlocks).ToArray();
        }
        else
        {
            blocks = new Module[nBlocks];
            for (int i = 0; i < nBlocks; i++) blocks[i] = new ResBlock(nChans: nChans1);
        }
        Resblocks = RegisterModule("resblocks", new Sequential(blocks));
        Fc1 = RegisterModule("fc1", new Linear(8 * 8 * nChans1, 32));
        _fc2 = RegisterModule("fc2", new Linear(32, numClasses));
    }

    /// <param name="x">(B, 3, 32, 32).</param>
    /// <returns>(B, numClasses) logits.</returns>
    public override Tensor Forward(Tensor x)
    {
        var @out = F.MaxPool2d(Conv1.Call(x).Relu(), 2);
        @out = Resblocks.Call(@out);
        @out = F.MaxPool2d(@out, 2);
        @out = @out.View(-1, 8 * 8 * NChans1);
        @out = Fc1.Call(@out).Relu();
        return Fc2.Call(@out);
    }
}
