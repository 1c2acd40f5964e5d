using Lumen.Serialization;

namespace Lumen;

public static partial class Torch
{
    /// <summary>Saves a state dict (<c>model.StateDict()</c>), PyTorch's <c>torch.save(model.state_dict(), path)</c>.
    /// The extension picks the format: <c>.safetensors</c> writes safetensors (Lumen's native format, see
    /// <see cref="SafeTensors"/>); anything else (<c>.pt</c>, <c>.pth</c>, …) writes PyTorch's zip format, which
    /// <c>torch.load</c> reads (see <see cref="PyTorchFile"/>). Either way the file is replaced atomically: a crash
    /// mid-write leaves the previous file intact.</summary>
    public static void Save(IEnumerable<KeyValuePair<string, Tensor>> stateDict, string path)
    {
        ArgumentNullException.ThrowIfNull(stateDict);
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (IsSafeTensorsPath(path)) SafeTensors.Save(stateDict, path);
        else
        {
            var sd = new OrderedDictionary<string, Tensor>();
            foreach (var (k, v) in stateDict)
                if (!sd.TryAdd(k, v)) throw new ArgumentException($"Torch.Save: the key '{k}' appears twice in the state dict.");
            PyTorchFile.Save(sd, path);
        }
    }

    /// <summary>Loads a state dict for <c>model.LoadStateDict(...)</c>, PyTorch's <c>torch.load(path)</c>. The format is
    /// recognised from the file's first bytes: a zip (<c>torch.save</c> since 1.6) or a pickle (the legacy format) is read
    /// as a PyTorch file through Lumen's restricted unpickler; anything else as safetensors. For a PyTorch file holding
    /// a whole checkpoint (<c>{"model": ..., "epoch": 3}</c>) <paramref name="key"/> picks the entry (see
    /// <see cref="PyTorchFile.ToStateDict"/>); use <see cref="PyTorchFile.Load"/> for the whole object.</summary>
    public static OrderedDictionary<string, Tensor> Load(string path, string? key = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Span<byte> head = stackalloc byte[4];
        int got;
        using (var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read))
            got = fs.ReadAtLeast(head, 4, throwOnEndOfStream: false);
        bool isZip = got == 4 && head[0] == (byte)'P' && head[1] == (byte)'K' && head[2] == 3 && head[3] == 4;
        bool isPickle = got >= 1 && head[0] == 0x80;
        if (isZip || isPickle) return PyTorchFile.LoadStateDict(path, key);
        if (key != null) throw new ArgumentException($"Torch.Load: key '{key}' applies to PyTorch checkpoints; {path} is a safetensors file.");
        return SafeTensors.Load(path);
    }

    /// <summary>Saves a checkpoint dict, PyTorch's
    /// <c>torch.save({'params': model.state_dict(), 'optimizer': opt.state_dict(), 'epoch': 3}, path)</c>:
    /// <c>Torch.Save(new Dictionary&lt;string, object?&gt; { ["params"] = model.StateDict(), ["optimizer"] = opt.StateDict(), ["epoch"] = 3 }, path)</c>.
    /// Values may be tensors, state dicts, optimizer state dicts, numbers, strings, bools, null, tuples, lists and nested
    /// dicts. The file is PyTorch's zip format (<c>torch.load</c> reads it, <c>weights_only=True</c> too), written
    /// atomically; read it back with <see cref="LoadCheckpoint"/>.</summary>
    public static void Save(object? checkpoint, string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (IsSafeTensorsPath(path))
            throw new ArgumentException($"Torch.Save: {path} is a safetensors file, which holds tensors only; save a checkpoint dict as .pt/.pth.");
        PyTorchFile.Save(checkpoint, path);
    }

    /// <summary>Loads a checkpoint dict saved by <c>torch.save</c> or <see cref="Save(object?, string)"/>, PyTorch's
    /// <c>ckpt = torch.load(path)</c> for a dict: <c>model.LoadStateDict(ckpt.StateDict("params"))</c>,
    /// <c>opt.LoadStateDict(ckpt.OptimizerStateDict("optimizer"))</c>, <c>ckpt.Get&lt;int&gt;("epoch")</c>.
    /// Read through the same restricted unpickler as <see cref="Load"/>.</summary>
    public static CheckpointDict LoadCheckpoint(string path) => new(PyTorchFile.Load(path), path);

    private static bool IsSafeTensorsPath(string path) => Path.GetExtension(path).Equals(".safetensors", StringComparison.OrdinalIgnoreCase);
}
