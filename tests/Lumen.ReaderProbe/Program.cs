using Lumen.Serialization;
using Lumen.Vision.Codecs;
using Lumen.Vision.Datasets;

namespace Lumen.ReaderProbe;

/// <summary><c>Lumen.ReaderProbe FILE...</c>: loads each file with the reader its name picks (.pth: PyTorchFile.Load,
/// then every tensor read out; .safetensors; an image; a folder named mnist_*: MNIST) and prints one line per file,
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
                Load(path);
                Console.WriteLine($"{path}: OK");
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

    private static void Load(string path)
    {
        var name = Path.GetFileName(path);
        if (name.StartsWith("mnist_")) { _ = new MNIST(path, train: true); return; }
        switch (Path.GetExtension(path))
        {
            case ".pth":
                ReadTensors(PyTorchFile.Load(path));
                return;
            case ".safetensors":
                SafeTensors.Load(path);
                return;
            default:
                ImageCodec.Load(path);
                return;
        }
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
