using Lumen.Data;
using Lumen.Vision.Codecs;
using Lumen.Vision.Datasets;
using Lumen.Vision.Transforms;
using Xunit;

namespace Lumen.Vision.Tests.Datasets;

public class ImageFolderTests
{
    [DogCatFact]
    public void Dogcat_has_2_classes_and_1399_images_and_every_one_decodes()
    {
        var ds = new ImageFolder(DogCat.Root!);
        Assert.Equal(new[] { "cat", "dog" }, ds.Classes);
        Assert.Equal(1, ds.ClassToIdx["dog"]);
        Assert.Equal(1399, ds.Count);
        Assert.Equal(700, ds.Targets.Count(t => t == 0));
        int decoded = 0;
        System.Threading.Tasks.Parallel.For(0, ds.Count, i =>
        {
            var img = ds.GetImage(i);
            Assert.True(img.Width > 0 && img.Height > 0 && img.Channels == 3, ds.Samples[i].Path);
            Interlocked.Increment(ref decoded);
        });
        Assert.Equal(1399, decoded);
    }

    [DogCatFact]
    public void Dogcat_pipeline_batches_are_normalised_224x224_tensors()
    {
        var ds = new ImageFolder(DogCat.Root!, transform: new Compose(new Resize((224, 224)), new ToTensor(),
            new Normalize(new[] { 0.12f, 0.11f, 0.40f }, new[] { 0.89f, 0.21f, 0.12f })));
        var loader = new DataLoader(ds, batchSize: 8, shuffle: true, numWorkers: 2, generator: new Generator(0));
        var (images, labels) = loader.First();
        Assert.Equal(new Shape(8, 3, 224, 224), images.Shape);
        Assert.Equal(new Shape(8), labels.Shape);
    }

    private static string MakeTree()
    {
        var root = Directory.CreateTempSubdirectory("lumen-imagefolder-").FullName;
        void Write(string rel, Image img) { var p = Path.Combine(root, rel); Directory.CreateDirectory(Path.GetDirectoryName(p)!); Png.Save(img, p); }
        Write("b_dog/1.png", new Image(4, 3, 3));
        Write("b_dog/sub/0.PNG", new Image(2, 2, 1, new byte[] { 9, 9, 9, 9 }));
        Write("a_cat/x.png", new Image(5, 5, 4));
        Write("a_cat/.hidden.png", new Image(5, 5, 3));
        File.WriteAllText(Path.Combine(root, "a_cat", "notes.txt"), "not an image");
        Directory.CreateDirectory(Path.Combine(root, ".ipynb_checkpoints"));
        return root;
    }

    [Fact]
    public void Classes_are_sorted_folders_files_sorted_and_filtered_hidden_ones_skipped()
    {
        var root = MakeTree();
        try
        {
            var ds = new ImageFolder(root);
            Assert.Equal(new[] { "a_cat", "b_dog" }, ds.Classes);
            Assert.Equal(new[] { "a_cat/x.png", "b_dog/1.png", "b_dog/sub/0.PNG" },
                ds.Samples.Select(s => Path.GetRelativePath(root, s.Path).Replace('\\', '/')));
            Assert.Equal(new[] { 0, 1, 1 }, ds.Targets);
            Assert.Equal(new Shape(3, 5, 5), ds[0].Image.Shape); // RGBA → RGB as torchvision's pil_loader
            Assert.Equal(new Shape(3, 2, 2), ds[2].Image.Shape); // L → RGB
            Assert.Equal(9f / 255f, ds[2].Image[2, 1, 1].Item());
            var custom = new ImageFolder(root, loader: p => new Image(1, 1, 1), isValidFile: p => p.EndsWith(".txt") || p.EndsWith(".png"));
            Assert.Equal(3, custom.Count);
            Assert.Equal(new Shape(1, 1, 1), custom[0].Image.Shape);
        }
        finally { Directory.Delete(root, true); }
    }

    [Fact]
    public void An_empty_class_folder_and_an_unreadable_image_are_errors_naming_the_path()
    {
        var root = MakeTree();
        try
        {
            Directory.CreateDirectory(Path.Combine(root, "c_empty"));
            var e = Assert.Throws<FileNotFoundException>(() => new ImageFolder(root));
            Assert.Contains(Path.Combine(root, "c_empty"), e.Message);
            Directory.Delete(Path.Combine(root, "c_empty"));
            var bad = Path.Combine(root, "b_dog", "1.png");
            File.WriteAllBytes(bad, new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 1, 2, 3 });
            var ds = new ImageFolder(root);
            var ex = Assert.Throws<ImageFormatException>(() => ds[1]);
            Assert.Contains(bad, ex.Message);
        }
        finally { Directory.Delete(root, true); }
    }

    /// <summary>cat/{1,2,3}.png and dog/{1,2,3}.png under a fresh root.</summary>
    private static string CatsAndDogs()
    {
        var root = Directory.CreateTempSubdirectory("lumen-imagefolder-links-").FullName;
        foreach (var c in new[] { "cat", "dog" })
            for (int i = 1; i <= 3; i++)
            {
                Directory.CreateDirectory(Path.Combine(root, c));
                Png.Save(new Image(2, 2, 3), Path.Combine(root, c, $"{i}.png"));
            }
        return root;
    }

    /// <summary>Issue 16, point 11: cat/loop → .. made torchvision's os.walk(followlinks=True) descend root/cat/loop/cat/
    /// loop/… until the OS refused the path (40 links): torchvision 0.14 lists 246 samples for these 6 images, 120 of
    /// them dogs labelled cat; Lumen listed 984 for 24. Now the loop is refused, naming the link.</summary>
    [Fact]
    public void A_symlink_loop_inside_a_class_folder_is_refused_naming_the_link()
    {
        var root = CatsAndDogs();
        try
        {
            var link = Path.Combine(root, "cat", "loop");
            Directory.CreateSymbolicLink(link, "..");
            var ex = Assert.Throws<DatasetFormatException>(() => new ImageFolder(root));
            Assert.Equal(link, ex.Path);
            Assert.Contains("directory loop", ex.Message);
        }
        finally { Directory.Delete(root, true); }
    }

    [Fact]
    public void A_link_back_to_its_own_class_folder_through_an_absolute_path_is_refused()
    {
        var root = CatsAndDogs();
        try
        {
            Directory.CreateDirectory(Path.Combine(root, "dog", "sub"));
            var link = Path.Combine(root, "dog", "sub", "again");
            Directory.CreateSymbolicLink(link, Path.Combine(root, "dog"));
            Assert.Equal(link, Assert.Throws<DatasetFormatException>(() => new ImageFolder(root)).Path);
        }
        finally { Directory.Delete(root, true); }
    }

    /// <summary>Links that are not loops are followed as torchvision follows them: two links to one outside folder list its
    /// images twice.</summary>
    [Fact]
    public void Links_to_a_folder_outside_the_class_are_followed_like_torchvision()
    {
        var root = CatsAndDogs();
        var shared = Directory.CreateTempSubdirectory("lumen-imagefolder-shared-").FullName;
        try
        {
            Png.Save(new Image(2, 2, 3), Path.Combine(shared, "x.png"));
            Directory.CreateSymbolicLink(Path.Combine(root, "cat", "a"), shared);
            Directory.CreateSymbolicLink(Path.Combine(root, "cat", "b"), shared);
            var ds = new ImageFolder(root);
            Assert.Equal(8, ds.Count);
            Assert.Equal(new[] { "1.png", "2.png", "3.png", Path.Combine("a", "x.png"), Path.Combine("b", "x.png") },
                ds.Samples.Where(s => s.ClassIndex == 0).Select(s => Path.GetRelativePath(Path.Combine(root, "cat"), s.Path)));
        }
        finally { Directory.Delete(root, true); Directory.Delete(shared, true); }
    }
}
