namespace Lumen;

/// <summary>
/// Where a tensor lives, PyTorch's <c>torch.device</c>: a type ("cpu", "cuda", "mps" …) and an optional index
/// ("cuda:1"). Lumen computes on the CPU only, so <see cref="CPU"/> is the one device a tensor or module can be moved
/// to; any other parses (so <c>torch.device("cuda" if torch.cuda.is_available() else "cpu")</c> ports line for line)
/// and raises <see cref="DeviceUnavailableException"/> when used.
/// </summary>
public sealed class Device : IEquatable<Device>
{
    // PyTorch 1.13's device types, in its error message's order.
    private static readonly string[] KnownTypes =
    {
        "cpu", "cuda", "ipu", "xpu", "mkldnn", "opengl", "opencl", "ideep", "hip", "ve", "fpga", "ort", "xla", "lazy",
        "vulkan", "mps", "meta", "hpu",
    };

    /// <summary>The CPU, PyTorch's <c>torch.device("cpu")</c>: where every Lumen tensor lives.</summary>
    public static Device CPU { get; } = new("cpu");

    /// <summary>The device type: "cpu", "cuda", "mps" …</summary>
    public string Type { get; }

    /// <summary>The device index ("cuda:1" has 1), or null when none was given.</summary>
    public int? Index { get; }

    /// <summary>Parses PyTorch's device strings: "cpu", "cuda", "cuda:0", "mps" …</summary>
    /// <exception cref="ArgumentException">Not a device type PyTorch knows, or an index that is not a non-negative integer.</exception>
    public Device(string device)
    {
        ArgumentNullException.ThrowIfNull(device);
        int colon = device.IndexOf(':');
        string type = colon < 0 ? device : device[..colon];
        int? index = null;
        if (colon >= 0)
        {
            string digits = device[(colon + 1)..];
            if (digits.Length == 0 || !digits.All(char.IsAsciiDigit) || !int.TryParse(digits, out int i))
                throw new ArgumentException($"Invalid device string: '{device}' (expected \"type\" or \"type:index\" with a non-negative integer index, e.g. \"cuda:0\").", nameof(device));
            index = i;
        }
        Type = CheckType(type, device);
        Index = index;
    }

    /// <summary>A device from its type and index, PyTorch's <c>torch.device("cuda", 0)</c>.</summary>
    public Device(string type, int? index)
    {
        ArgumentNullException.ThrowIfNull(type);
        if (index < 0) throw new ArgumentException($"Device index must be non-negative, got {index}.", nameof(index));
        Type = CheckType(type, type);
        Index = index;
    }

    private static string CheckType(string type, string whole) =>
        Array.IndexOf(KnownTypes, type) >= 0
            ? type
            : throw new ArgumentException($"Expected one of {string.Join(", ", KnownTypes)} device type at start of device string: {whole}", "device");

    /// <summary>True for the CPU (with or without an index).</summary>
    public bool IsCpu => Type == "cpu";

    /// <summary>This device when it is the CPU; otherwise the error every use of a non-CPU device raises.</summary>
    /// <exception cref="DeviceUnavailableException">The device is not the CPU.</exception>
    internal Device RequireCpu() => IsCpu ? this : throw new DeviceUnavailableException(this);

    /// <summary>PyTorch's <c>str(device)</c>: "cpu", "cuda:0".</summary>
    public override string ToString() => Index is int i ? $"{Type}:{i}" : Type;

    public bool Equals(Device? other) => other is not null && other.Type == Type && other.Index == Index;
    public override bool Equals(object? obj) => obj is Device d && Equals(d);
    public override int GetHashCode() => HashCode.Combine(Type, Index);
    public static bool operator ==(Device? a, Device? b) => a is null ? b is null : a.Equals(b);
    public static bool operator !=(Device? a, Device? b) => !(a == b);

    /// <summary>"cuda" converts to a device, so methods that take a <see cref="Device"/> take PyTorch's strings too.</summary>
    public static implicit operator Device(string device) => new(device);
}
