using Xunit;

namespace Lumen.Onnx.Tests;

/// <summary>
/// Each imported operator, in the opsets where its arguments moved, against ONNX Runtime 1.32 on seeded random inputs
/// (within 1e-4). A case builds a tiny graph with the generated protobuf classes.
/// </summary>
public sealed class OnnxImportOperatorTests
{
    private sealed record Case(GraphBuilder Graph, (string Name, int[] Shape)[] Inputs);

    private static Case C(GraphBuilder g, params (string, int[])[] inputs) => new(g, inputs);

    private static float[] Rand(int n, int seed, float scale = 1f, float shift = 0f)
    {
        var r = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => (float)(r.NextDouble() * 2 - 1) * scale + shift).ToArray();
    }

    private static GraphBuilder G(long opset) => new(opset);

    private static GraphBuilder Unary(long opset, string op, params (string, object)[] attrs) =>
        G(opset).Input("x", 2, 3, 4, 5).Node(op, new[] { "x" }, new[] { "y" }, attrs).Output("y");

    private static readonly Dictionary<string, Func<Case>> Cases = new()
    {
        ["Conv groups 2, dilation 2, stride 2, pads 1, bias (opset 17)"] = () => C(
            G(17).Input("x", 2, 4, 9, 9).Init("w", Rand(6 * 2 * 9, 1), 6, 2, 3, 3).Init("b", Rand(6, 2), 6)
                 .Node("Conv", new[] { "x", "w", "b" }, new[] { "y" }, ("group", 2), ("dilations", new[] { 2, 2 }), ("strides", new[] { 2, 2 }), ("pads", new[] { 1, 1, 1, 1 })).Output("y"),
            ("x", new[] { 2, 4, 9, 9 })),
        ["Conv asymmetric pads 3,3,2,2 like CNTK's stem (opset 8)"] = () => C(
            G(8).Input("x", 1, 3, 16, 16).Init("w", Rand(4 * 3 * 49, 3), 4, 3, 7, 7)
                .Node("Conv", new[] { "x", "w" }, new[] { "y" }, ("kernel_shape", new[] { 7, 7 }), ("strides", new[] { 2, 2 }), ("pads", new[] { 3, 3, 2, 2 })).Output("y"),
            ("x", new[] { 1, 3, 16, 16 })),
        ["Conv auto_pad SAME_UPPER stride 2 (opset 11)"] = () => C(
            G(11).Input("x", 1, 2, 10, 9).Init("w", Rand(3 * 2 * 16, 4), 3, 2, 4, 4)
                 .Node("Conv", new[] { "x", "w" }, new[] { "y" }, ("auto_pad", "SAME_UPPER"), ("strides", new[] { 2, 2 })).Output("y"),
            ("x", new[] { 1, 2, 10, 9 })),
        ["Conv auto_pad SAME_LOWER (opset 11)"] = () => C(
            G(11).Input("x", 1, 2, 7, 8).Init("w", Rand(3 * 2 * 16, 5), 3, 2, 4, 4)
                 .Node("Conv", new[] { "x", "w" }, new[] { "y" }, ("auto_pad", "SAME_LOWER")).Output("y"),
            ("x", new[] { 1, 2, 7, 8 })),
        ["Conv 1-d with bias (opset 13)"] = () => C(
            G(13).Input("x", 2, 3, 12).Init("w", Rand(4 * 3 * 3, 6), 4, 3, 3).Init("b", Rand(4, 7), 4)
                 .Node("Conv", new[] { "x", "w", "b" }, new[] { "y" }, ("pads", new[] { 1, 1 })).Output("y"),
            ("x", new[] { 2, 3, 12 })),
        ["Conv 3-d (opset 13)"] = () => C(
            G(13).Input("x", 1, 2, 5, 6, 6).Init("w", Rand(3 * 2 * 27, 8), 3, 2, 3, 3, 3)
                 .Node("Conv", new[] { "x", "w" }, new[] { "y" }, ("pads", new[] { 1, 0, 1, 1, 0, 1 })).Output("y"),
            ("x", new[] { 1, 2, 5, 6, 6 })),
        ["ConvTranspose stride 2, pads 1, output_padding 1, groups 2, bias (opset 11)"] = () => C(
            G(11).Input("x", 1, 4, 5, 5).Init("w", Rand(4 * 3 * 9, 9), 4, 3, 3, 3).Init("b", Rand(6, 10), 6)
                 .Node("ConvTranspose", new[] { "x", "w", "b" }, new[] { "y" }, ("strides", new[] { 2, 2 }), ("pads", new[] { 1, 1, 1, 1 }),
                       ("output_padding", new[] { 1, 1 }), ("group", 2)).Output("y"),
            ("x", new[] { 1, 4, 5, 5 })),
        ["ConvTranspose asymmetric pads with bias (opset 9)"] = () => C(
            G(9).Input("x", 1, 2, 4, 4).Init("w", Rand(2 * 3 * 9, 11), 2, 3, 3, 3).Init("b", Rand(3, 12), 3)
                .Node("ConvTranspose", new[] { "x", "w", "b" }, new[] { "y" }, ("strides", new[] { 2, 2 }), ("pads", new[] { 1, 0, 0, 1 })).Output("y"),
            ("x", new[] { 1, 2, 4, 4 })),
        ["ConvTranspose output_shape (opset 11)"] = () => C(
            G(11).Input("x", 1, 2, 4, 4).Init("w", Rand(2 * 2 * 9, 13), 2, 2, 3, 3)
                 .Node("ConvTranspose", new[] { "x", "w" }, new[] { "y" }, ("strides", new[] { 2, 2 }), ("output_shape", new[] { 8, 8 })).Output("y"),
            ("x", new[] { 1, 2, 4, 4 })),
        ["MaxPool ceil_mode, pads 1 (opset 10)"] = () => C(
            Unary(10, "MaxPool", ("kernel_shape", new[] { 3, 3 }), ("strides", new[] { 2, 2 }), ("pads", new[] { 1, 1, 1, 1 }), ("ceil_mode", 1)),
            ("x", new[] { 2, 3, 4, 5 })),
        ["MaxPool asymmetric pads 1,1,0,0 like CNTK (opset 8)"] = () => C(
            G(8).Input("x", 1, 2, 8, 8).Node("MaxPool", new[] { "x" }, new[] { "y" }, ("kernel_shape", new[] { 3, 3 }), ("strides", new[] { 2, 2 }), ("pads", new[] { 1, 1, 0, 0 })).Output("y"),
            ("x", new[] { 1, 2, 8, 8 })),
        ["MaxPool dilation 2 (opset 10)"] = () => C(
            G(10).Input("x", 1, 2, 9, 9).Node("MaxPool", new[] { "x" }, new[] { "y" }, ("kernel_shape", new[] { 3, 3 }), ("dilations", new[] { 2, 2 })).Output("y"),
            ("x", new[] { 1, 2, 9, 9 })),
        ["MaxPool auto_pad SAME_UPPER (opset 8)"] = () => C(
            G(8).Input("x", 1, 2, 7, 6).Node("MaxPool", new[] { "x" }, new[] { "y" }, ("kernel_shape", new[] { 3, 3 }), ("strides", new[] { 2, 2 }), ("auto_pad", "SAME_UPPER")).Output("y"),
            ("x", new[] { 1, 2, 7, 6 })),
        ["AveragePool count_include_pad 0, pads 1 (opset 7)"] = () => C(
            G(7).Input("x", 1, 2, 7, 7).Node("AveragePool", new[] { "x" }, new[] { "y" }, ("kernel_shape", new[] { 3, 3 }), ("strides", new[] { 2, 2 }), ("pads", new[] { 1, 1, 1, 1 })).Output("y"),
            ("x", new[] { 1, 2, 7, 7 })),
        ["AveragePool count_include_pad 1, ceil_mode (opset 10)"] = () => C(
            G(10).Input("x", 1, 2, 8, 8).Node("AveragePool", new[] { "x" }, new[] { "y" }, ("kernel_shape", new[] { 3, 3 }), ("strides", new[] { 2, 2 }),
                ("pads", new[] { 1, 1, 1, 1 }), ("count_include_pad", 1), ("ceil_mode", 1)).Output("y"),
            ("x", new[] { 1, 2, 8, 8 })),
        ["AveragePool asymmetric pads, padding not counted (opset 11)"] = () => C(
            G(11).Input("x", 1, 2, 7, 8).Node("AveragePool", new[] { "x" }, new[] { "y" }, ("kernel_shape", new[] { 3, 3 }), ("strides", new[] { 2, 2 }), ("pads", new[] { 0, 1, 1, 0 })).Output("y"),
            ("x", new[] { 1, 2, 7, 8 })),
        ["AveragePool asymmetric pads, padding counted (opset 11)"] = () => C(
            G(11).Input("x", 1, 2, 7, 8).Node("AveragePool", new[] { "x" }, new[] { "y" }, ("kernel_shape", new[] { 3, 3 }), ("strides", new[] { 2, 2 }),
                ("pads", new[] { 2, 0, 0, 1 }), ("count_include_pad", 1)).Output("y"),
            ("x", new[] { 1, 2, 7, 8 })),
        ["AveragePool 7x7 like CNTK's head (opset 8)"] = () => C(
            G(8).Input("x", 2, 3, 7, 7).Node("AveragePool", new[] { "x" }, new[] { "y" }, ("kernel_shape", new[] { 7, 7 }), ("pads", new[] { 0, 0, 0, 0 }), ("count_include_pad", 0)).Output("y"),
            ("x", new[] { 2, 3, 7, 7 })),
        ["GlobalAveragePool (opset 7)"] = () => C(Unary(7, "GlobalAveragePool"), ("x", new[] { 2, 3, 4, 5 })),
        ["GlobalMaxPool (opset 7)"] = () => C(Unary(7, "GlobalMaxPool"), ("x", new[] { 2, 3, 4, 5 })),
        ["BatchNormalization spatial 1 (opset 7)"] = () => C(BatchNorm(7, ("spatial", 1), ("epsilon", 1e-3f)), ("x", new[] { 2, 3, 4, 5 })),
        ["BatchNormalization (opset 9)"] = () => C(BatchNorm(9, ("momentum", 0.99f)), ("x", new[] { 2, 3, 4, 5 })),
        ["BatchNormalization (opset 15)"] = () => C(BatchNorm(15), ("x", new[] { 2, 3, 4, 5 })),
        ["Relu"] = () => C(Unary(13, "Relu"), ("x", new[] { 2, 3, 4, 5 })),
        ["LeakyRelu alpha 0.2"] = () => C(Unary(13, "LeakyRelu", ("alpha", 0.2f)), ("x", new[] { 2, 3, 4, 5 })),
        ["Sigmoid"] = () => C(Unary(13, "Sigmoid"), ("x", new[] { 2, 3, 4, 5 })),
        ["Tanh"] = () => C(Unary(13, "Tanh"), ("x", new[] { 2, 3, 4, 5 })),
        ["Elu alpha 0.5"] = () => C(Unary(13, "Elu", ("alpha", 0.5f)), ("x", new[] { 2, 3, 4, 5 })),
        ["Selu default"] = () => C(Unary(13, "Selu"), ("x", new[] { 2, 3, 4, 5 })),
        ["Selu custom alpha gamma"] = () => C(Unary(13, "Selu", ("alpha", 1.5f), ("gamma", 1.1f)), ("x", new[] { 2, 3, 4, 5 })),
        ["Softplus"] = () => C(Unary(13, "Softplus"), ("x", new[] { 2, 3, 4, 5 })),
        ["Softsign"] = () => C(Unary(13, "Softsign"), ("x", new[] { 2, 3, 4, 5 })),
        ["HardSigmoid alpha 0.3 beta 0.4"] = () => C(Unary(13, "HardSigmoid", ("alpha", 0.3f), ("beta", 0.4f)), ("x", new[] { 2, 3, 4, 5 })),
        ["HardSwish (opset 14)"] = () => C(Unary(14, "HardSwish"), ("x", new[] { 2, 3, 4, 5 })),
        ["PRelu per channel slope"] = () => C(
            G(9).Input("x", 2, 3, 4, 5).Init("slope", Rand(3, 14), 3, 1, 1).Node("PRelu", new[] { "x", "slope" }, new[] { "y" }).Output("y"),
            ("x", new[] { 2, 3, 4, 5 })),
        ["Clip with attributes (opset 7)"] = () => C(Unary(7, "Clip", ("min", -0.3f), ("max", 0.5f)), ("x", new[] { 2, 3, 4, 5 })),
        ["Clip with inputs (opset 11)"] = () => C(
            G(11).Input("x", 2, 3, 4, 5).Init("lo", new[] { -0.2f }).Init("hi", new[] { 0.4f }).Node("Clip", new[] { "x", "lo", "hi" }, new[] { "y" }).Output("y"),
            ("x", new[] { 2, 3, 4, 5 })),
        ["Softmax axis 1 flattens to 2-d (opset 11)"] = () => C(Unary(11, "Softmax", ("axis", 1)), ("x", new[] { 2, 3, 4, 5 })),
        ["Softmax axis 1 (opset 13)"] = () => C(Unary(13, "Softmax", ("axis", 1)), ("x", new[] { 2, 3, 4, 5 })),
        ["LogSoftmax default axis (opset 13)"] = () => C(Unary(13, "LogSoftmax"), ("x", new[] { 2, 3, 4, 5 })),
        ["Exp Log Sqrt Abs Neg Reciprocal chain"] = () => C(
            G(13).Input("x", 2, 3).Node("Abs", new[] { "x" }, new[] { "a" }).Node("Exp", new[] { "a" }, new[] { "e" }).Node("Sqrt", new[] { "e" }, new[] { "s" })
                 .Node("Log", new[] { "s" }, new[] { "l" }).Node("Neg", new[] { "l" }, new[] { "n" }).Node("Reciprocal", new[] { "e" }, new[] { "r" })
                 .Node("Add", new[] { "n", "r" }, new[] { "y" }).Output("y"),
            ("x", new[] { 2, 3 })),
        ["Gemm Linear form (opset 11)"] = () => C(
            G(11).Input("a", 3, 5).Init("w", Rand(20, 15), 4, 5).Init("c", Rand(4, 16), 4).Node("Gemm", new[] { "a", "w", "c" }, new[] { "y" }, ("transB", 1)).Output("y"),
            ("a", new[] { 3, 5 })),
        ["Gemm transA, alpha, beta, matrix C (opset 9)"] = () => C(
            G(9).Input("a", 5, 3).Init("w", Rand(20, 17), 5, 4).Init("c", Rand(12, 18), 3, 4)
                .Node("Gemm", new[] { "a", "w", "c" }, new[] { "y" }, ("transA", 1), ("alpha", 0.5f), ("beta", 2f)).Output("y"),
            ("a", new[] { 5, 3 })),
        ["MatMul batched by a matrix"] = () => C(
            G(13).Input("a", 2, 3, 4).Init("b", Rand(20, 19), 4, 5).Node("MatMul", new[] { "a", "b" }, new[] { "y" }).Output("y"),
            ("a", new[] { 2, 3, 4 })),
        ["Add Sub Mul Div Pow broadcasting"] = () => C(
            G(13).Input("x", 2, 3, 4, 5).Input("z", 3, 1, 5).Node("Add", new[] { "x", "z" }, new[] { "a" }).Node("Mul", new[] { "a", "z" }, new[] { "m" })
                 .Node("Sub", new[] { "m", "x" }, new[] { "s" }).Node("Exp", new[] { "z" }, new[] { "ez" }).Node("Div", new[] { "s", "ez" }, new[] { "d" })
                 .Init("two", new[] { 2f }).Node("Pow", new[] { "d", "two" }, new[] { "y" }).Output("y"),
            ("x", new[] { 2, 3, 4, 5 }), ("z", new[] { 3, 1, 5 })),
        ["Sum Max Min variadic (opset 13)"] = () => C(
            G(13).Input("x", 2, 3).Input("z", 3).Node("Sum", new[] { "x", "z", "x" }, new[] { "s" }).Node("Max", new[] { "s", "z" }, new[] { "m" })
                 .Node("Min", new[] { "m", "x" }, new[] { "y" }).Output("y"),
            ("x", new[] { 2, 3 }), ("z", new[] { 3 })),
        ["Flatten axis 2 (opset 11)"] = () => C(Unary(11, "Flatten", ("axis", 2)), ("x", new[] { 2, 3, 4, 5 })),
        ["Reshape 0 and -1 (opset 7)"] = () => C(
            G(7).Input("x", 2, 3, 4, 5).InitLong("shape", new long[] { 0, -1, 5 }, 3).Node("Reshape", new[] { "x", "shape" }, new[] { "y" }).Output("y"),
            ("x", new[] { 2, 3, 4, 5 })),
        ["Shape Gather Unsqueeze Concat Reshape, PyTorch's flatten (opset 11, batch 3)"] = () => C(FlattenChain(11), ("x", new[] { 3, 2, 3, 3 })),
        ["Shape Gather Unsqueeze Concat Reshape with axes as input (opset 13, batch 3)"] = () => C(FlattenChain(13), ("x", new[] { 3, 2, 3, 3 })),
        ["Concat axis 1 and Transpose"] = () => C(
            G(13).Input("x", 2, 3, 4).Input("z", 2, 2, 4).Node("Concat", new[] { "x", "z" }, new[] { "c" }, ("axis", 1))
                 .Node("Transpose", new[] { "c" }, new[] { "y" }, ("perm", new[] { 2, 0, 1 })).Output("y"),
            ("x", new[] { 2, 3, 4 }), ("z", new[] { 2, 2, 4 })),
        ["Split with attribute (opset 8)"] = () => C(
            G(8).Input("x", 2, 6, 3).Node("Split", new[] { "x" }, new[] { "a", "b" }, ("axis", 1), ("split", new[] { 2, 4 }))
                .Node("Mul", new[] { "a", "a" }, new[] { "a2" }).Node("Concat", new[] { "b", "a2" }, new[] { "y" }, ("axis", 1)).Output("y"),
            ("x", new[] { 2, 6, 3 })),
        ["Split with input, and equal parts (opset 13)"] = () => C(
            G(13).Input("x", 2, 6, 3).InitLong("sizes", new long[] { 1, 5 }, 2).Node("Split", new[] { "x", "sizes" }, new[] { "a", "b" }, ("axis", 1))
                 .Node("Split", new[] { "b" }, new[] { "c", "d" }, ("axis", 2 - 2)).Node("Concat", new[] { "d", "c" }, new[] { "e" }, ("axis", 0))
                 .Node("Add", new[] { "e", "a" }, new[] { "y" }).Output("y"),
            ("x", new[] { 2, 6, 3 })),
        ["Slice with attributes (opset 9)"] = () => C(
            G(9).Input("x", 3, 6, 5).Node("Slice", new[] { "x" }, new[] { "y" }, ("starts", new[] { 1, -4 }), ("ends", new[] { 100, -1 }), ("axes", new[] { 1, 2 })).Output("y"),
            ("x", new[] { 3, 6, 5 })),
        ["Slice with inputs and steps (opset 13)"] = () => C(
            G(13).Input("x", 3, 7, 5).InitLong("s", new long[] { 0, 1 }, 2).InitLong("e", new long[] { 7, 5 }, 2).InitLong("a", new long[] { 1, 2 }, 2).InitLong("st", new long[] { 2, 3 }, 2)
                 .Node("Slice", new[] { "x", "s", "e", "a", "st" }, new[] { "y" }).Output("y"),
            ("x", new[] { 3, 7, 5 })),
        ["Pad reflect with attributes (opset 7)"] = () => C(Unary(7, "Pad", ("mode", "reflect"), ("pads", new[] { 0, 0, 1, 2, 0, 0, 2, 1 })), ("x", new[] { 2, 3, 4, 5 })),
        ["Pad edge with input (opset 11)"] = () => C(
            G(11).Input("x", 2, 3, 4, 5).InitLong("p", new long[] { 0, 0, 0, 3, 0, 0, 1, 0 }, 8).Node("Pad", new[] { "x", "p" }, new[] { "y" }, ("mode", "edge")).Output("y"),
            ("x", new[] { 2, 3, 4, 5 })),
        ["Pad constant value with input (opset 13)"] = () => C(
            G(13).Input("x", 2, 3, 4).InitLong("p", new long[] { 0, 1, 2, 1, 0, 1 }, 6).Init("v", new[] { 0.75f }).Node("Pad", new[] { "x", "p", "v" }, new[] { "y" }).Output("y"),
            ("x", new[] { 2, 3, 4 })),
        ["Upsample nearest, scales attribute (opset 7)"] = () => C(Unary(7, "Upsample", ("mode", "nearest"), ("scales", new[] { 1f, 1f, 2f, 3f })), ("x", new[] { 2, 3, 4, 5 })),
        ["Upsample nearest, scales input (opset 9)"] = () => C(
            G(9).Input("x", 2, 3, 4, 5).Init("sc", new[] { 1f, 1f, 2f, 2f }, 4).Node("Upsample", new[] { "x", "sc" }, new[] { "y" }).Output("y"),
            ("x", new[] { 2, 3, 4, 5 })),
        ["Resize nearest (opset 10)"] = () => C(
            G(10).Input("x", 2, 3, 4, 5).Init("sc", new[] { 1f, 1f, 2f, 2f }, 4).Node("Resize", new[] { "x", "sc" }, new[] { "y" }).Output("y"),
            ("x", new[] { 2, 3, 4, 5 })),
        ["Resize nearest asymmetric floor, scales (opset 11)"] = () => C(
            G(11).Input("x", 2, 3, 4, 5).Init("roi", Array.Empty<float>(), 0).Init("sc", new[] { 1f, 1f, 2f, 3f }, 4)
                 .Node("Resize", new[] { "x", "roi", "sc" }, new[] { "y" }, ("coordinate_transformation_mode", "asymmetric"), ("nearest_mode", "floor")).Output("y"),
            ("x", new[] { 2, 3, 4, 5 })),
        ["Resize nearest, sizes (opset 13)"] = () => C(
            G(13).Input("x", 2, 3, 4, 5).InitLong("sz", new long[] { 2, 3, 7, 9 }, 4)
                 .Node("Resize", new[] { "x", "", "", "sz" }, new[] { "y" }, ("coordinate_transformation_mode", "asymmetric"), ("nearest_mode", "floor")).Output("y"),
            ("x", new[] { 2, 3, 4, 5 })),
        ["Resize linear pytorch_half_pixel, scales (opset 11)"] = () => C(
            G(11).Input("x", 2, 3, 4, 5).Init("roi", Array.Empty<float>(), 0).Init("sc", new[] { 1f, 1f, 2f, 2f }, 4)
                 .Node("Resize", new[] { "x", "roi", "sc" }, new[] { "y" }, ("mode", "linear"), ("coordinate_transformation_mode", "pytorch_half_pixel")).Output("y"),
            ("x", new[] { 2, 3, 4, 5 })),
        ["Resize linear align_corners, sizes (opset 13)"] = () => C(
            G(13).Input("x", 2, 3, 4, 5).InitLong("sz", new long[] { 2, 3, 7, 9 }, 4)
                 .Node("Resize", new[] { "x", "", "", "sz" }, new[] { "y" }, ("mode", "linear"), ("coordinate_transformation_mode", "align_corners")).Output("y"),
            ("x", new[] { 2, 3, 4, 5 })),
        ["Dropout in eval is the identity (opset 7)"] = () => C(Unary(7, "Dropout", ("ratio", 0.3f)), ("x", new[] { 2, 3, 4, 5 })),
        ["Dropout ratio as input (opset 13)"] = () => C(
            G(13).Input("x", 2, 3).Init("r", new[] { 0.4f }).Node("Dropout", new[] { "x", "r" }, new[] { "y" }).Output("y"),
            ("x", new[] { 2, 3 })),
        ["Identity and Constant"] = () => C(
            G(11).Input("x", 2, 3).Node("Constant", Array.Empty<string>(), new[] { "k" }, ("value", new Protobuf.TensorProto { DataType = 1, Dims = { 3 }, FloatData = { 1f, -2f, 0.5f } }))
                 .Node("Identity", new[] { "x" }, new[] { "i" }).Node("Mul", new[] { "i", "k" }, new[] { "y" }).Output("y"),
            ("x", new[] { 2, 3 })),
        ["ReduceMean axes keepdims 0 and ReduceSum (opset 11)"] = () => C(
            G(11).Input("x", 2, 3, 4, 5).Node("ReduceMean", new[] { "x" }, new[] { "m" }, ("axes", new[] { 1, -1 }), ("keepdims", 0))
                 .Node("ReduceSum", new[] { "m" }, new[] { "y" }, ("axes", new[] { 1 })).Output("y"),
            ("x", new[] { 2, 3, 4, 5 })),
        ["Cast to int64 and back (opset 13)"] = () => C(
            G(13).Input("x", 2, 3).Init("ten", new[] { 10f }).Node("Mul", new[] { "x", "ten" }, new[] { "m" }).Node("Cast", new[] { "m" }, new[] { "i" }, ("to", 7))
                 .Node("Cast", new[] { "i" }, new[] { "y" }, ("to", 1)).Output("y"),
            ("x", new[] { 2, 3 })),
    };

    private static GraphBuilder BatchNorm(long opset, params (string, object)[] attrs) =>
        G(opset).Input("x", 2, 3, 4, 5).Init("s", Rand(3, 20, 1f, 1.5f), 3).Init("b", Rand(3, 21), 3).Init("m", Rand(3, 22), 3).Init("v", Rand(3, 23, 0.3f, 1f), 3)
                .Node("BatchNormalization", new[] { "x", "s", "b", "m", "v" }, new[] { "y" }, attrs).Output("y");

    /// <summary>What torch.onnx.export writes for x.view(x.size(0), -1) at opset 11 or 13.</summary>
    private static GraphBuilder FlattenChain(long opset)
    {
        var g = G(opset).Input("x", -1, 2, 3, 3).InitLong("zero", new long[] { 0 }).InitLong("minus1", new long[] { -1 }, 1)
            .Node("Shape", new[] { "x" }, new[] { "shape" }).Node("Gather", new[] { "shape", "zero" }, new[] { "n" }, ("axis", 0));
        if (opset >= 13) g.InitLong("axes", new long[] { 0 }, 1).Node("Unsqueeze", new[] { "n", "axes" }, new[] { "n1" });
        else g.Node("Unsqueeze", new[] { "n" }, new[] { "n1" }, ("axes", new[] { 0 }));
        return g.Node("Concat", new[] { "n1", "minus1" }, new[] { "target" }, ("axis", 0)).Node("Reshape", new[] { "x", "target" }, new[] { "y" }).Output("y");
    }

    public static TheoryData<string> Names => new(Cases.Keys);

    [Theory, MemberData(nameof(Names))]
    public void Operator_matches_OnnxRuntime(string name)
    {
        var c = Cases[name]();
        var bytes = c.Graph.Bytes();
        var data = c.Inputs.Select((i, k) => (i.Name, Data: Rand(i.Shape.Aggregate(1, (p, v) => p * v), 100 + k, 2f), i.Shape)).ToArray();
        var expected = Ort.Run(bytes, data);
        var model = OnnxModel.FromBytes(bytes, name);
        model.Eval();
        Tensor[] actual;
        using (Torch.NoGrad()) actual = model.Run(data.Select(d => Torch.Tensor(d.Data, d.Shape)).ToArray());
        Assert.Equal(expected.Length, actual.Length);
        for (int k = 0; k < expected.Length; k++)
        {
            var a = actual[k].Float().ToArray();
            Assert.Equal(expected[k].Length, a.Length);
            for (int i = 0; i < a.Length; i++)
                Assert.True(Math.Abs(a[i] - expected[k][i]) <= 1e-4 + 1e-4 * Math.Abs(expected[k][i]),
                    $"{name}: output {k}[{i}] is {a[i]}, ONNX Runtime {expected[k][i]} (shape {actual[k].Shape})");
        }
    }
}
