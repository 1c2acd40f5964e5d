using System.Text.Json;
using Lumen.NN;

namespace Lumen.Tests.NN.Conv;

/// <summary>Builds the Lumen module that gen_conv.py's <c>cfg</c> dictionary describes (the same keyword arguments
/// PyTorch's constructor got).</summary>
internal static class ConvConfig
{
    public static IntTuple Ints(JsonElement e) =>
        e.ValueKind == JsonValueKind.Array ? new IntTuple(e.EnumerateArray().Select(v => v.GetInt32()).ToArray()) : new IntTuple(e.GetInt32());

    public static ConvNd Build(JsonElement cfg)
    {
        string kind = cfg.GetProperty("kind").GetString()!;
        int inC = cfg.GetProperty("in").GetInt32(), outC = cfg.GetProperty("out").GetInt32();
        var k = Ints(cfg.GetProperty("kernel"));
        IntTuple Opt(string key) => cfg.TryGetProperty(key, out var v) ? Ints(v) : default;
        var stride = Opt("stride");
        var dilation = Opt("dilation");
        int groups = cfg.TryGetProperty("groups", out var g) ? g.GetInt32() : 1;
        bool bias = !cfg.TryGetProperty("bias", out var b) || b.GetBoolean();
        string mode = cfg.TryGetProperty("padding_mode", out var pm) ? pm.GetString()! : "zeros";
        ConvPadding padding = default;
        if (cfg.TryGetProperty("padding", out var p))
            padding = p.ValueKind == JsonValueKind.String ? p.GetString()! : Ints(p);
        var outputPadding = Opt("output_padding");
        return kind switch
        {
            "Conv1d" => new Conv1d(inC, outC, k, stride, padding, dilation, groups, bias, mode),
            "Conv2d" => new Conv2d(inC, outC, k, stride, padding, dilation, groups, bias, mode),
            "Conv3d" => new Conv3d(inC, outC, k, stride, padding, dilation, groups, bias, mode),
            "ConvTranspose1d" => new ConvTranspose1d(inC, outC, k, stride, padding.Values, outputPadding, groups, bias, dilation),
            "ConvTranspose2d" => new ConvTranspose2d(inC, outC, k, stride, padding.Values, outputPadding, groups, bias, dilation),
            "ConvTranspose3d" => new ConvTranspose3d(inC, outC, k, stride, padding.Values, outputPadding, groups, bias, dilation),
            _ => throw new ArgumentException(kind),
        };
    }
}
