namespace Lumen;

// torch.device and torch.cuda: the device API that PyTorch tutorials open with, answered for a CPU-only library.
public static partial class Torch
{
    /// <summary>PyTorch's <c>torch.device("cuda:0")</c>: parses a device string (see <see cref="Lumen.Device"/>).</summary>
    public static Device Device(string device) => new(device);

    /// <summary>PyTorch's <c>torch.device("cuda", 0)</c>.</summary>
    public static Device Device(string type, int index) => new(type, index);

    /// <summary>PyTorch's <c>torch.cuda</c>: Lumen has no CUDA backend, so nothing is available.</summary>
    public static class Cuda
    {
        /// <summary>False, always (PyTorch's <c>torch.cuda.is_available()</c>), so
        /// <c>Torch.Cuda.IsAvailable() ? "cuda" : "cpu"</c> picks the CPU.</summary>
        public static bool IsAvailable() => false;

        /// <summary>0 (PyTorch's <c>torch.cuda.device_count()</c>).</summary>
        public static int DeviceCount() => 0;

        /// <summary>PyTorch's <c>torch.cuda.get_device_name(i)</c>; there is no CUDA device to name.</summary>
        /// <exception cref="DeviceUnavailableException">Always.</exception>
        public static string GetDeviceName(int device = 0) => throw new DeviceUnavailableException(new Lumen.Device("cuda", device));
    }
}
