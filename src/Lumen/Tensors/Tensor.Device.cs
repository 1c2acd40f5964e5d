namespace Lumen;

// The device API of a tensor, PyTorch's x.device / x.to(device) / x.cpu() / x.cuda(): every tensor is on the CPU.
public partial class Tensor
{
    /// <summary>Where this tensor lives, PyTorch's <c>x.device</c>: always <see cref="Lumen.Device.CPU"/>.</summary>
    public Device Device => Lumen.Device.CPU;

    /// <summary>False: Lumen has no CUDA tensors (PyTorch's <c>x.is_cuda</c>).</summary>
    public bool IsCuda => false;

    /// <summary>This tensor on <paramref name="device"/>, PyTorch's <c>x.to(device)</c>: the tensor itself for the CPU,
    /// as PyTorch returns self when nothing changes. Takes PyTorch's strings too: <c>x.To("cpu")</c>.</summary>
    /// <exception cref="DeviceUnavailableException">Any device but the CPU.</exception>
    public Tensor To(Device device)
    {
        ArgumentNullException.ThrowIfNull(device);
        device.RequireCpu();
        return this;
    }

    /// <summary>This tensor on <paramref name="device"/> as <paramref name="dtype"/>, PyTorch's <c>x.to(device, dtype)</c>.</summary>
    /// <exception cref="DeviceUnavailableException">Any device but the CPU.</exception>
    public Tensor To(Device device, DType dtype) => To(device).To(dtype);

    /// <summary>PyTorch's <c>x.cpu()</c>: the tensor itself.</summary>
    public Tensor Cpu() => this;

    /// <summary>PyTorch's <c>x.cuda()</c>; there is no CUDA device, so it always raises.</summary>
    /// <exception cref="DeviceUnavailableException">Always.</exception>
    public Tensor Cuda(int? device = null) => To(new Device("cuda", device));
}
