// The code of docs/transfer-learning.md, compiled and run by TransferLearningTests (which also checks that the
// document's code block is this text, from "<doc>" to "</doc>").
// <doc>
using Lumen;
using Lumen.Data;
using Lumen.NN;
using Lumen.Optim;
using Lumen.Optim.Schedulers;
using Lumen.Vision.Datasets;
using Lumen.Vision.Models;
using Lumen.Vision.Transforms;

namespace TransferLearningExample;

public static class TransferLearning
{
    /// <summary>Seed 002: fine-tunes an ImageNet ResNet-18 on the images under dataRoot/&lt;class&gt;/.</summary>
    public static (ResNet Model, List<double> EpochLosses) FineTune(string weightsPath, string dataRoot, int imageSize = 224,
        int epochs = 20, int? limit = null, bool freezeFeatures = false)
    {
        var model = Models.ResNet18();
        model.LoadStateDict(Torch.Load(weightsPath));   // torchvision's weights, saved by torch.save(state_dict)
        if (freezeFeatures) model.RequiresGrad_(false);  // train the new head only
        var train = new ImageFolder(dataRoot, new Compose(new Resize((imageSize, imageSize)), new ToTensor(),
            new Normalize(new[] { 0.485f, 0.456f, 0.406f }, new[] { 0.229f, 0.224f, 0.225f })));
        model.Fc = new Linear(model.Fc.InFeatures, train.Classes.Count);  // a new head: one output per class
        Dataset<(Tensor Image, long Label)> data = limit is int n   // optionally a spread-out subset
            ? new Subset<(Tensor Image, long Label)>(train, Enumerable.Range(0, n).Select(i => i * train.Count / n).ToArray())
            : train;
        var loader = new DataLoader(data, batchSize: 64, shuffle: true);
        var criterion = new CrossEntropyLoss();
        var optimizer = new SGD(model.Parameters().Where(p => p.RequiresGrad), lr: 0.005, momentum: 0.6);
        var scheduler = new StepLR(optimizer, stepSize: 2, gamma: 0.05);
        var losses = new List<double>();
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            model.Train();
            double runningLoss = 0;
            long corrects = 0;
            foreach (var (images, labels) in loader)
            {
                optimizer.ZeroGrad();
                var outputs = model.Call(images);
                var loss = criterion.Call(outputs, labels);
                loss.Backward();
                optimizer.Step();
                runningLoss += loss.Item() * images.Size(0);
                corrects += outputs.Argmax(1).Eq(labels).Sum().Item<long>();
            }
            scheduler.Step();
            losses.Add(runningLoss / data.Count);
            Console.WriteLine($"Epoch {epoch}: loss {losses[^1]:F4}, accuracy {(double)corrects / data.Count:F4}");
        }
        return (model, losses);
    }
}
// </doc>
