using Lumen.NN;
using TransferLearningExample;
using Xunit;

namespace Lumen.Vision.Tests;

using Models = Lumen.Vision.Models.Models;

/// <summary>Runs docs/transfer-learning.md's example (TransferLearningExample.cs) on a small subset of the dogs-vs-cats
/// images, starting from seeded ResNet-18 weights written to a temporary .pth, and keeps the document and the compiled
/// code identical.</summary>
[Collection("GlobalRng")]
public class TransferLearningTests
{
    private static string RepoFile(params string[] parts)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Lumen.slnx"))) return Path.Combine(new[] { dir.FullName }.Concat(parts).ToArray());
        throw new FileNotFoundException("repository root (Lumen.slnx) not found above " + AppContext.BaseDirectory);
    }

    [Fact]
    public void The_documents_code_block_is_the_compiled_example()
    {
        var doc = File.ReadAllText(RepoFile("docs", "transfer-learning.md")).ReplaceLineEndings("\n");
        const string open = "```csharp\n";
        int start = doc.IndexOf(open, StringComparison.Ordinal) + open.Length;
        var block = doc[start..doc.IndexOf("\n```", start, StringComparison.Ordinal)];
        var code = File.ReadAllText(RepoFile("tests", "Lumen.Vision.Tests", "Models", "TransferLearningExample.cs")).ReplaceLineEndings("\n");
        int from = code.IndexOf("// <doc>\n", StringComparison.Ordinal) + "// <doc>\n".Length;
        var example = code[from..code.IndexOf("\n// </doc>", from, StringComparison.Ordinal)];
        Assert.Equal(example, block);
    }

    private static string SeededWeights()
    {
        Torch.ManualSeed(0);
        var path = Path.Combine(Path.GetTempPath(), $"lumen-resnet18-seed0-{Guid.NewGuid():N}.pth");
        Torch.Save(Models.ResNet18().StateDict(), path);
        return path;
    }

    [DogCatFact]
    public void Fine_tuning_resnet18_on_32_dogcat_images_for_two_epochs_trains_every_layer_and_the_new_two_class_head()
    {
        var weights = SeededWeights();
        try
        {
            Torch.ManualSeed(1);
            var (model, losses) = TransferLearning.FineTune(weights, DogCat.Root!, imageSize: 64, epochs: 2, limit: 32);
            Assert.Equal(2, losses.Count);
            Assert.All(losses, l => Assert.True(double.IsFinite(l) && l > 0, $"epoch loss {l}"));
            Assert.Equal(2, model.Fc.OutFeatures);
            var before = Torch.Load(weights);
            var after = model.StateDict();
            Assert.False(before["conv1.weight"].ValueEquals(after["conv1.weight"]), "the feature extractor should have been trained");
            Assert.False(before["layer4.1.bn2.running_mean"].ValueEquals(after["layer4.1.bn2.running_mean"]));
        }
        finally { File.Delete(weights); }
    }

    [DogCatFact]
    public void Fine_tuning_with_a_frozen_feature_extractor_changes_only_the_head_and_batchnorm_statistics()
    {
        var weights = SeededWeights();
        try
        {
            Torch.ManualSeed(2);
            var (model, losses) = TransferLearning.FineTune(weights, DogCat.Root!, imageSize: 64, epochs: 2, limit: 16, freezeFeatures: true);
            Assert.Equal(2, losses.Count);
            var before = Torch.Load(weights);
            var after = model.StateDict();
            foreach (var (name, p) in model.NamedParameters())
                if (!name.StartsWith("fc.")) Assert.True(before[name].ValueEquals(after[name]), $"{name} changed although frozen");
            Assert.Equal(new[] { "fc.weight", "fc.bias" }, model.NamedParameters().Where(p => p.Parameter.RequiresGrad).Select(p => p.Name));
        }
        finally { File.Delete(weights); }
    }
}
