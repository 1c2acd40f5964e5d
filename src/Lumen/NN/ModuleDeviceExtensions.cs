namespace Lumen.NN;

/// <summary>
/// PyTorch's <c>model.to(device)</c>, <c>model.cpu()</c>, <c>model.cuda()</c> for every module. Extension methods
/// so that they return the module's own type: <c>var model = new Net().To(device);</c> still has <c>model.Fc1</c>.
/// Parameters and buffers already live on the CPU, so moving there changes nothing.
/// </summary>
public static class ModuleDeviceExtensions
{
    /// <summary>The module itself, on <paramref name="device"/> (PyTorch's <c>module.to(device)</c>, for chaining).</summary>
    /// <exception cref="DeviceUnavailableException">Any device but the CPU.</exception>
    public static T To<T>(this T module, Device device) where T : Module
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(device);
        device.RequireCpu();
        return module;
    }

    /// <summary>PyTorch's <c>module.cpu()</c>: the module itself.</summary>
    public static T Cpu<T>(this T module) where T : Module => module.To(Device.CPU);

    /// <summary>PyTorch's <c>module.cuda()</c>; there is no CUDA device, so it always raises.</summary>
    /// <exception cref="DeviceUnavailableException">Always.</exception>
    public static T Cuda<T>(this T module, int? device = null) where T : Module => module.To(new Device("cuda", device));
}
