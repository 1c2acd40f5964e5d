using Lumen.NN;
using Xunit;

namespace Lumen.Tests.Tensors;

/// <summary>
/// The device API as PyTorch tutorials use it: <c>device = "cuda" if torch.cuda.is_available() else "cpu"</c>,
/// <c>model.to(device)</c>, <c>x.to(device)</c>. Device strings parse as torch.device parses them (str(torch.device("cuda:0"))
/// is "cuda:0"; "gpu" is rejected naming the known types); moving to anything but the CPU raises one typed error.
/// </summary>
public class DeviceTests
{
    private sealed class Net : Module
    {
        public readonly Linear Fc1;
        public Net() { Fc1 = RegisterModule("fc1", new Linear(3, 2)); }
        public override Tensor Forward(Tensor x) => Fc1.Call(x);
    }

    [Fact]
    public void Tutorial_device_line_picks_the_CPU_and_everything_moves_there()
    {
        // device = "cuda" if torch.cuda.is_available() else "cpu"
        var device = Torch.Cuda.IsAvailable() ? "cuda" : "cpu";
        Assert.Equal("cpu", device);
        // device = (torch.device('cuda') if torch.cuda.is_available() else torch.device('cpu'))
        var dev = Torch.Cuda.IsAvailable() ? Torch.Device("cuda") : Torch.Device("cpu");
        Assert.Equal(Device.CPU, dev);
        Assert.Equal("cpu", $"{dev}");
        Assert.Equal(0, Torch.Cuda.DeviceCount());

        // model = Net().to(device=device): the same module back, with its own type
        var net = new Net();
        var model = net.To(device: dev);
        Assert.Same(net, model);
        Assert.NotNull(model.Fc1);
        Assert.Same(net, net.To(device));
        Assert.Same(net, net.Cpu());

        // imgs = imgs.to(device=device)
        var imgs = Torch.Randn(4, 3);
        Assert.Same(imgs, imgs.To(device: dev));
        Assert.Same(imgs, imgs.To("cpu"));
        Assert.Same(imgs, imgs.Cpu());
        Assert.Equal(Device.CPU, imgs.Device);
        Assert.False(imgs.IsCuda);
        Assert.Equal(DType.Int64, imgs.To(dev, DType.Int64).DType);
        Assert.Equal(new[] { 4, 2 }, model.Call(imgs).Shape.ToArray());
    }

    [Theory]
    [InlineData("cpu", "cpu", null, "cpu")]
    [InlineData("cuda", "cuda", null, "cuda")]
    [InlineData("cuda:0", "cuda", 0, "cuda:0")]
    [InlineData("cuda:12", "cuda", 12, "cuda:12")]
    [InlineData("mps", "mps", null, "mps")]
    [InlineData("cpu:0", "cpu", 0, "cpu:0")]
    public void Device_strings_parse_as_torch_device(string s, string type, int? index, string str)
    {
        var d = new Device(s);
        Assert.Equal(type, d.Type);
        Assert.Equal(index, d.Index);
        Assert.Equal(str, d.ToString());
        Assert.Equal(d, Torch.Device(s));
    }

    [Fact]
    public void Devices_compare_by_type_and_index_as_in_PyTorch()
    {
        Assert.Equal(new Device("cuda", 0), new Device("cuda:0"));
        Assert.NotEqual(new Device("cpu"), new Device("cpu:0"));   // torch.device('cpu') != torch.device('cpu:0')
        Assert.True(Device.CPU == new Device("cpu"));
        Assert.True(Device.CPU.IsCpu && new Device("cpu:0").IsCpu && !new Device("mps").IsCpu);
    }

    [Theory]
    [InlineData("gpu")]
    [InlineData("CUDA")]
    [InlineData("cuda:")]
    [InlineData("cuda:x")]
    [InlineData("cuda:-1")]
    [InlineData("cuda:0:1")]
    [InlineData("")]
    public void Malformed_device_strings_are_rejected_naming_the_string(string s)
    {
        var e = Assert.Throws<ArgumentException>(() => new Device(s));
        Assert.Contains(s, e.Message);
    }

    [Fact]
    public void Unknown_device_type_lists_the_types_as_PyTorch_does()
    {
        var e = Assert.Throws<ArgumentException>(() => Torch.Device("gpu"));
        Assert.StartsWith("Expected one of cpu, cuda, ipu, xpu, mkldnn, opengl, opencl, ideep, hip, ve, fpga, ort, xla, lazy, vulkan, mps, meta, hpu device type at start of device string: gpu", e.Message);
    }

    [Theory]
    [InlineData("cuda")]
    [InlineData("cuda:1")]
    [InlineData("mps")]
    public void Moving_to_a_non_CPU_device_raises_one_error_naming_it_and_the_CPU(string device)
    {
        var net = new Net();
        var x = Torch.Zeros(2);
        foreach (var act in new Action[] { () => x.To(device), () => net.To(new Device(device)), () => x.To(Torch.Device(device), DType.Float32) })
        {
            var e = Assert.Throws<DeviceUnavailableException>(act);
            Assert.Equal(device, e.Device.ToString());
            Assert.Contains($"'{device}'", e.Message);
            Assert.Contains("CPU only", e.Message);
        }
        Assert.Throws<DeviceUnavailableException>(() => x.Cuda());
        Assert.Throws<DeviceUnavailableException>(() => net.Cuda());
        Assert.Throws<DeviceUnavailableException>(() => Torch.Cuda.GetDeviceName(0));
    }
}
