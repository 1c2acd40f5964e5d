using Lumen.Cli.Setup;
using Xunit;

namespace Lumen.Cli.Tests;

/// <summary><c>examples/search/convnet-cifar10.yaml</c>, the search that README and docs/cli.md show, read the way
/// <c>lumen search</c> reads it: seed 001's grid, and a dataset path that holds on any clone (relative to the repository
/// root, where the file says to run it), not on one machine.</summary>
public sealed class SearchExampleTests
{
    private static string ExampleFile => Path.Combine(SharedCifar10FactAttribute.RepositoryRoot, "examples", "search", "convnet-cifar10.yaml");

    /// <summary>The folder of the base option <c>dataset: imagefolder:PATH</c>.</summary>
    private static string DatasetFolder(SearchPlan plan)
    {
        var (_, value) = plan.Base.Single(b => b.Name == "dataset");
        var dataset = OptionsFile.Scalar(value, "dataset");
        Assert.StartsWith("imagefolder:", dataset);
        return dataset["imagefolder:".Length..];
    }

    [Fact]
    public void The_search_example_plans_seed_001s_eight_trials_over_a_relative_dataset_path()
    {
        var plan = SearchPlan.Load(ExampleFile);   // checks every trial's train command line
        Assert.Equal("grid", plan.Method);
        Assert.Equal(new[] { "c1", "c2", "l1" }, plan.ParameterNames);
        Assert.Equal(8, plan.TrialParams().Count);
        var folder = DatasetFolder(plan);
        Assert.False(Path.IsPathRooted(folder), $"the example's dataset path '{folder}' belongs to one machine");
    }

    [SharedCifar10Fact]
    public void From_the_repository_root_the_search_examples_dataset_is_the_CIFAR10_class_folders()
    {
        var folder = Path.GetFullPath(Path.Combine(SharedCifar10FactAttribute.RepositoryRoot, DatasetFolder(SearchPlan.Load(ExampleFile))));
        Assert.Equal(SharedCifar10FactAttribute.Folder, folder);
        foreach (var split in new[] { "train", "test" })
            Assert.Equal(10, Directory.GetDirectories(Path.Combine(folder, split)).Length);
    }
}
