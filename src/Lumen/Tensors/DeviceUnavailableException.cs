namespace Lumen;

/// <summary>
/// A tensor or module was moved to a device other than the CPU. Lumen has no GPU backend: the message names the device
/// and the fix (keep <see cref="Device.CPU"/>, or choose the device with <c>Torch.Cuda.IsAvailable()</c>, which is false).
/// </summary>
public sealed class DeviceUnavailableException : InvalidOperationException
{
    /// <summary>The device that was asked for.</summary>
    public Device Device { get; }

    public DeviceUnavailableException(Device device)
        : base($"Device '{device}' is not available: Lumen computes on the CPU only, the one device that exists here " +
               "(Torch.Cuda.IsAvailable() is false). Use Device.CPU, or choose it as PyTorch code does: " +
               "Torch.Device(Torch.Cuda.IsAvailable() ? \"cuda\" : \"cpu\").")
    {
        Device = device;
    }
}
