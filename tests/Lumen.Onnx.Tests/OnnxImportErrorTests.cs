using Google.Protobuf;
using Lumen.Onnx.Protobuf;
using Xunit;

namespace Lumen.Onnx.Tests;

/// <summary>Bad and hostile files: one typed error naming the file, the node (name and index), the op_type and the
/// opset; sizes claimed by a crafted file are checked against the bytes it carries before anything is allocated.</summary>
public sealed class OnnxImportErrorTests
{
    [Fact]
    public void An_operator_Lumen_lacks_is_one_error_naming_node_operator_and_opset()
    {
        var g = new GraphBuilder(13).Input("x", 1, 3, 8, 8)
            .Node("Relu", new[] { "x" }, new[] { "r" })
            .Node("LRN", new[] { "r" }, new[] { "l" }, ("size", 3))
            .Node("Erf", new[] { "l" }, new[] { "y" }).Output("y");
        var e = Assert.Throws<OnnxUnsupportedOperatorException>(() => OnnxModel.FromBytes(g.Bytes(), "net.onnx"));
        Assert.Equal("LRN", e.OpType);
        Assert.Equal("lrn1", e.NodeName);
        Assert.Equal(1, e.NodeIndex);
        Assert.Equal(13, e.Opset);
        Assert.Equal("net.onnx", e.File);
        Assert.StartsWith("net.onnx: node 'lrn1' (#1, LRN, opset 13): the operator LRN is not supported", e.Message);
        Assert.Contains("nor are Erf", e.Message);
    }

    [Fact]
    public void An_operator_of_another_domain_is_named_with_its_domain()
    {
        var m = new GraphBuilder(13).Input("x", 2).Node("Gelu", new[] { "x" }, new[] { "y" }).Output("y").Model();
        m.Graph.Node[0].Domain = "com.microsoft";
        var e = Assert.Throws<OnnxUnsupportedOperatorException>(() => OnnxModel.FromProto(m));
        Assert.Contains("com.microsoft.Gelu", e.Message);
    }

    [Fact]
    public void A_known_operator_in_a_mode_Lumen_lacks_names_the_mode()
    {
        var g = new GraphBuilder(11).Input("x", 1, 1, 4, 4).Node("MaxPool", new[] { "x" }, new[] { "y", "idx" }, ("kernel_shape", new[] { 2, 2 })).Output("y");
        var e = Assert.Throws<OnnxUnsupportedOperatorException>(() => OnnxModel.FromBytes(g.Bytes()));
        Assert.Contains("Indices output", e.Message);
    }

    [Theory]
    [InlineData(6)]
    [InlineData(18)]
    public void Opsets_outside_7_to_17_are_refused_by_number(long opset)
    {
        var g = new GraphBuilder(opset).Input("x", 2).Node("Relu", new[] { "x" }, new[] { "y" }).Output("y");
        var e = Assert.Throws<OnnxImportException>(() => OnnxModel.FromBytes(g.Bytes(), "old.onnx"));
        Assert.Contains($"opset {opset}", e.Message);
        Assert.StartsWith("old.onnx:", e.Message);
    }

    [Fact]
    public void Bytes_that_are_not_protobuf_are_an_import_error()
    {
        var garbage = Enumerable.Range(0, 64).Select(i => (byte)(i * 37 + 11)).ToArray();
        var e = Assert.Throws<OnnxImportException>(() => OnnxModel.FromBytes(garbage, "junk.onnx"));
        Assert.StartsWith("junk.onnx: not a readable ONNX model", e.Message);
    }

    [Fact]
    public void A_truncated_file_is_an_import_error()
    {
        var bytes = new GraphBuilder(13).Input("x", 2, 3).Init("w", new float[12], 3, 4).Node("MatMul", new[] { "x", "w" }, new[] { "y" }).Output("y").Bytes();
        Assert.Throws<OnnxImportException>(() => OnnxModel.FromBytes(bytes[..(bytes.Length - 20)]));
    }

    [Theory]
    [InlineData(new long[] { 1L << 40 }, "is not a size")]
    [InlineData(new long[] { 100_000, 100_000 }, "more than 2147483647 elements")]
    [InlineData(new long[] { 30_000, 30_000 }, "it stores 4 values, but its dims need 900000000")]
    [InlineData(new long[] { -1, 4 }, "is not a size")]
    public void Crafted_dims_are_rejected_without_allocating_their_size(long[] dims, string expected)
    {
        var m = new GraphBuilder(13).Input("x", 2).Node("Relu", new[] { "x" }, new[] { "y" }).Output("y").Model();
        var t = new TensorProto { Name = "huge", DataType = 1, FloatData = { 1, 2, 3, 4 } };
        t.Dims.Add(dims);
        m.Graph.Initializer.Add(t);
        var bytes = m.ToByteArray();
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<OnnxImportException>(() => OnnxModel.FromBytes(bytes, "crafted.onnx"));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Contains("initializer 'huge'", e.Message);
        Assert.Contains(expected, e.Message);
        Assert.True(allocated < 16 << 20, $"rejecting the file allocated {allocated} bytes");
    }

    [Fact]
    public void Raw_data_must_be_exactly_numel_times_the_element_size()
    {
        var m = new GraphBuilder(13).Input("x", 2).Node("Relu", new[] { "x" }, new[] { "y" }).Output("y").Model();
        var t = new TensorProto { Name = "w", DataType = 1, RawData = ByteString.CopyFrom(new byte[8]) };
        t.Dims.Add(new long[] { 1000, 1000 });
        m.Graph.Initializer.Add(t);
        var e = Assert.Throws<OnnxImportException>(() => OnnxModel.FromProto(m, "raw.onnx"));
        Assert.Contains("raw_data holds 8 bytes, but its dims need 1000000 × 4 = 4000000", e.Message);
    }

    [Fact]
    public void External_data_is_refused_with_a_reason()
    {
        var m = new GraphBuilder(13).Input("x", 2).Node("Relu", new[] { "x" }, new[] { "y" }).Output("y").Model();
        var t = new TensorProto { Name = "w", DataType = 1, DataLocation = TensorProto.Types.DataLocation.External };
        t.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = "/etc/passwd" });
        m.Graph.Initializer.Add(t);
        var e = Assert.Throws<OnnxImportException>(() => OnnxModel.FromProto(m));
        Assert.Contains("external file", e.Message);
    }

    [Fact]
    public void A_value_used_before_it_is_produced_names_the_node()
    {
        var g = new GraphBuilder(13).Input("x", 2).Node("Relu", new[] { "later" }, new[] { "y" }).Node("Relu", new[] { "x" }, new[] { "later" }).Output("y");
        var e = Assert.Throws<OnnxImportException>(() => OnnxModel.FromBytes(g.Bytes(), "order.onnx"));
        Assert.Equal(0, e.NodeIndex);
        Assert.Contains("input 'later' is not produced by an earlier node", e.Message);
    }

    [Fact]
    public void A_bad_attribute_value_names_the_node()
    {
        var g = new GraphBuilder(11).Input("x", 1, 1, 4, 4).Init("w", new float[9], 1, 1, 3, 3)
            .Node("Conv", new[] { "x", "w" }, new[] { "y" }, ("auto_pad", "SOMETIMES")).Output("y");
        var e = Assert.Throws<OnnxImportException>(() => OnnxModel.FromBytes(g.Bytes()));
        Assert.Contains("node 'conv0' (#0, Conv, opset 11): auto_pad 'SOMETIMES'", e.Message);
    }

    [Fact]
    public void Any_batch_runs_but_other_fixed_sizes_are_checked_by_input_name()
    {
        var g = new GraphBuilder(13).Input("image", 1, 3, 4, 4).Node("Relu", new[] { "image" }, new[] { "y" }).Output("y");
        var model = OnnxModel.FromBytes(g.Bytes());
        Assert.Equal(new[] { 5, 3, 4, 4 }, model.Call(Torch.Ones(5, 3, 4, 4)).Shape.ToArray());
        var e = Assert.Throws<ShapeMismatchException>(() => model.Call(Torch.Ones(1, 1, 4, 4)));
        Assert.Contains("input 'image' expects [N, 3, 4, 4] (any batch N), got [1, 1, 4, 4]", e.Message);
    }

    [Fact]
    public void A_shape_error_inside_the_graph_names_the_node()
    {
        var g = new GraphBuilder(13).Input("a", -1, 3).Input("b", -1, 4).Node("MatMul", new[] { "a", "b" }, new[] { "y" }).Output("y");
        var model = OnnxModel.FromBytes(g.Bytes(), "mm.onnx");
        var e = Assert.ThrowsAny<Exception>(() => model.Run(Torch.Ones(2, 3), Torch.Ones(2, 4)));
        Assert.Contains("mm.onnx: node 'matmul0' (#0, MatMul, opset 13)", e.Message);
    }
}
