using Lumen.Serialization;
using Lumen.Vision.Codecs;
using Lumen.Vision.Datasets;

namespace Lumen.ReaderProbe;

/// <summary><c>Lumen.ReaderProbe FILE...</c>: loads each file with the reader its name picks (.pth: PyTorchFile.Load,
/// then every tensor read out; .safetensors; an image; a folder named mnist_*: MNIST; imagefolder_*: ImageFolder) and
/// prints one line per file,
/// "FILE: OK" or "FILE: ExceptionType: message". Exit code 0 when every file was either read or refused with a typed
/// exception, 1 otherwise. <c>Lumen.ReaderProbe --write DIR</c> writes <see cref="CraftedFiles"/> and lists them.</summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length == 2 && args[0] == "--write")
        {
            foreach (var f in CraftedFiles.WriteAll(args[1])) Console.WriteLine(f);
            return 0;
        }
        int untyped = 0;
        foreach (var path in args)
        {
            try
            {
                Console.WriteLine($"{path}: OK{Load(path)}");
            }
            catch (Exception e) when (e is CheckpointFormatException or ImageFormatException or DatasetFormatException)
            {
                Console.WriteLine($"{path}: {e.GetType().Name}: {e.Message}");
            }
            catch (Exception e)
            {
                untyped++;
                Console.WriteLine($"{path}: {e.GetType().Name}: {e.Message}");
            }
        }
        return untyped == 0 ? 0 : 1;
    }

    /// <summary>Reads the file; returns what to print after "OK" (the sample count per class for an ImageFolder).</summary>
    private static string Load(string path)
    {
        var name = Path.GetFileName(path);
        if (name.StartsWith("mnist_")) { _ = new MNIST(path, train: true); return ""; }
        if (name.StartsWith("imagefolder_"))
        {
            var ds = new ImageFolder(path);
            return $" ({ds.Count} samples: " + string.Join(", ", ds.Classes.Select((c, i) => $"{ds.Targets.Count(t => t == i)} {c}")) + ")";
        }
        switch (Path.GetExtension(path))
        {
            case ".pth":
                ReadTensors(PyTorchFile.Load(path));
                break;
            case ".safetensors":
                SafeTensors.Load(path);
                break;
            default:
                ImageCodec.Load(path);
                break;
        }
        return "";
    }

    /// <summary>Reads out every tensor of a loaded checkpoint (a view becomes its own array), as using it would.</summary>
    private static void ReadTensors(object? value)
    {
        var pending = new Stack<object?>();
        pending.Push(value);
        while (pending.Count > 0)
        {
            switch (pending.Pop())
            {
                case Tensor t when t.DType == DType.Float32: _ = t.ToArray<float>(); break;
                case Tensor t when t.DType == DType.Int64: _ = t.ToArray<long>(); break;
                case Tensor t when t.DType == DType.UInt8: _ = t.ToArray<byte>(); break;
                case Tensor t: _ = t.ToArray<bool>(); break;
                case OrderedDictionary<object, object?> d: foreach (var (_, v) in d) pending.Push(v); break;
                case List<object?> l: foreach (var v in l) pending.Push(v); break;
                case object?[] a: foreach (var v in a) pending.Push(v); break;
            }
        }
    }
}
