using Lumen.NN;

namespace Lumen.Onnx;

// Resize (opset 10: X, scales; 11+: X, roi, scales, sizes) and Upsample (opset 7: scales attribute; 9: input), mapped
// onto F.Interpolate: nearest with asymmetric coordinates and floor rounding is PyTorch's "nearest"; linear with
// align_corners, or with half_pixel / pytorch_half_pixel coordinates, is PyTorch's (bi/tri)linear.
internal static partial class Ops
{
    private static OpFn Resize(ImportNode n)
    {
        var mode = n.String("mode", "nearest");
        bool upsample = n.OpType == "Upsample";
        // Upsample and Resize-10 use asymmetric coordinates; Resize-11 on reads the attribute (default half_pixel).
        var coordinates = upsample || n.Opset < 11 ? "asymmetric" : n.String("coordinate_transformation_mode", "half_pixel");
        var rounding = upsample || n.Opset < 11 ? "floor" : n.String("nearest_mode", "round_prefer_floor");
        string torchMode;
        bool? alignCorners = null;
        if (mode == "nearest")
        {
            if (coordinates != "asymmetric" || rounding != "floor")
                throw n.Unsupported($"nearest resizing with coordinate_transformation_mode '{coordinates}' and nearest_mode '{rounding}' is not supported (asymmetric + floor, PyTorch's nearest, is)");
            torchMode = "nearest";
        }
        else if (mode is "linear" or "bilinear")
        {
            alignCorners = coordinates switch
            {
                "align_corners" => true,
                "half_pixel" or "pytorch_half_pixel" => false,
                _ => throw n.Unsupported($"linear resizing with coordinate_transformation_mode '{coordinates}' is not supported (align_corners, half_pixel, pytorch_half_pixel are)"),
            };
            torchMode = "";   // chosen by rank
        }
        else throw n.Unsupported($"mode '{mode}' is not supported (nearest, linear are)");
        var scalesAttr = n.Floats("scales");
        return (x, _) =>
        {
            var input = x[0]!;
            int nd = input.Ndim - 2;
            if (nd < 1 || nd > 3) throw new ShapeMismatchException($"{n.Describe()}: expected an (N, C, 1 to 3 spatial dims) input, got {input.Shape}.");
            var m = torchMode != "" ? torchMode : nd switch { 1 => "linear", 2 => "bilinear", _ => "trilinear" };
            Tensor? scalesIn = upsample ? (x.Length > 1 ? x[1] : null) : n.Opset < 11 ? x[1] : x.Length > 2 ? x[2] : null;
            Tensor? sizesIn = !upsample && n.Opset >= 11 && x.Length > 3 ? x[3] : null;
            float[]? scales = scalesIn is { } s && s.Numel() > 0 ? s.Float().ToArray() : scalesAttr;
            if (sizesIn is { } sz && sz.Numel() > 0)
            {
                var sizes = Longs(sz);
                if (sizes.Length != input.Ndim || sizes[0] != input.Size(0) || sizes[1] != input.Size(1))
                    throw new ArgumentException($"{n.Describe()}: sizes [{string.Join(", ", sizes)}] must keep N and C of input {input.Shape}.");
                var size = sizes[2..].Select(v => v is < 1 or > 1 << 20 ? throw new ArgumentException($"{n.Describe()}: output size {v} is out of range.") : (int)v).ToArray();
                return new Tensor?[] { F.Interpolate(input, size: size, mode: m, alignCorners: alignCorners) };
            }
            if (scales == null || scales.Length != input.Ndim)
                throw new ArgumentException($"{n.Describe()}: expected {input.Ndim} scales or sizes for input {input.Shape}.");
            if (scales[0] != 1f || scales[1] != 1f)
                throw new ArgumentException($"{n.Describe()}: scales [{string.Join(", ", scales)}] must be 1 for N and C.");
            for (int i = 2; i < scales.Length; i++)
                if (!(scales[i] > 0) || scales[i] * input.Size(i) > 1 << 20)
                    throw new ArgumentException($"{n.Describe()}: scale {scales[i]} of dimension {i} is out of range.");
            if (scales.Skip(2).All(v => v == 1f)) return new Tensor?[] { input };
            var factor = scales[2..].Select(v => (double)v).ToArray();
            return new Tensor?[] { F.Interpolate(input, scaleFactor: factor, mode: m, alignCorners: alignCorners) };
        };
    }
}
