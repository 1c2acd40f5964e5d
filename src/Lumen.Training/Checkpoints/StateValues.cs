using System.Globalization;
using System.Text.Json.Nodes;

namespace Lumen.Training.Checkpoints;

/// <summary>
/// Writes the plain values of optimizer, scheduler and callback state dicts as typed JSON and reads them back with
/// the same .NET types, bit for bit: each value becomes <c>{"t": tag, "v": value}</c>. Doubles are written as their
/// round-trip text (so ∞ and NaN survive, ReduceLROnPlateau's initial best is ∞); tensors go into the checkpoint's
/// tensor table and the JSON keeps their name.
/// </summary>
internal static class StateValues
{
    public static JsonNode Encode(object? value, string path, Func<string, Tensor, string> addTensor)
    {
        static JsonObject Tag(string t, JsonNode? v) => new() { ["t"] = t, ["v"] = v };
        static string D(double d) => d.ToString("R", CultureInfo.InvariantCulture);
        return value switch
        {
            null => Tag("null", null),
            bool b => Tag("bool", b),
            int i => Tag("int", i),
            long l => Tag("long", l),
            float f => Tag("float", f.ToString("R", CultureInfo.InvariantCulture)),
            double d => Tag("double", D(d)),
            string s => Tag("str", s),
            ValueTuple<double, double> p => Tag("pair", new JsonArray(D(p.Item1), D(p.Item2))),
            double[] a => Tag("doubles", new JsonArray(a.Select(x => (JsonNode)D(x)).ToArray())),
            List<double> a => Tag("double_list", new JsonArray(a.Select(x => (JsonNode)D(x)).ToArray())),
            float[] a => Tag("floats", new JsonArray(a.Select(x => (JsonNode)x.ToString("R", CultureInfo.InvariantCulture)).ToArray())),
            int[] a => Tag("ints", new JsonArray(a.Select(x => (JsonNode)x).ToArray())),
            long[] a => Tag("longs", new JsonArray(a.Select(x => (JsonNode)x).ToArray())),
            Tensor t => Tag("tensor", addTensor(path, t)),
            List<Tensor> l => Tag("tensor_list", new JsonArray(l.Select((t, i) => (JsonNode)addTensor($"{path}.{i}", t)).ToArray())),
            IEnumerable<KeyValuePair<string, Tensor>> sd => Tag("state_dict", EncodeStateDict(sd, path, addTensor)),
            IEnumerable<KeyValuePair<string, object?>> d => Tag("dict", EncodeDict(d, path, addTensor)),
            _ => throw new NotSupportedException($"Checkpoint: cannot store '{path}' of type {value.GetType().Name}."),
        };
    }

    public static JsonObject EncodeDict(IEnumerable<KeyValuePair<string, object?>> dict, string path, Func<string, Tensor, string> addTensor)
    {
        var o = new JsonObject();
        foreach (var (k, v) in dict) o[k] = Encode(v, $"{path}.{k}", addTensor);
        return o;
    }

    private static JsonArray EncodeStateDict(IEnumerable<KeyValuePair<string, Tensor>> sd, string path, Func<string, Tensor, string> addTensor)
    {
        var a = new JsonArray();
        foreach (var (k, t) in sd) a.Add(new JsonArray(k, addTensor($"{path}.{k}", t)));
        return a;
    }

    public static object? Decode(JsonNode? node, string path, Func<string, Tensor> getTensor)
    {
        if (node is not JsonObject o || o["t"] is not JsonValue tv)
            throw new FormatException($"Checkpoint: value '{path}' is not a tagged value.");
        var v = o["v"];
        static double D(JsonNode? n) => double.Parse(n!.GetValue<string>(), NumberStyles.Float, CultureInfo.InvariantCulture);
        return tv.GetValue<string>() switch
        {
            "null" => null,
            "bool" => v!.GetValue<bool>(),
            "int" => v!.GetValue<int>(),
            "long" => v!.GetValue<long>(),
            "float" => float.Parse(v!.GetValue<string>(), NumberStyles.Float, CultureInfo.InvariantCulture),
            "double" => D(v),
            "str" => v!.GetValue<string>(),
            "pair" => (D(v![0]), D(v[1])),
            "doubles" => v!.AsArray().Select(D).ToArray(),
            "double_list" => v!.AsArray().Select(D).ToList(),
            "floats" => v!.AsArray().Select(x => float.Parse(x!.GetValue<string>(), NumberStyles.Float, CultureInfo.InvariantCulture)).ToArray(),
            "ints" => v!.AsArray().Select(x => x!.GetValue<int>()).ToArray(),
            "longs" => v!.AsArray().Select(x => x!.GetValue<long>()).ToArray(),
            "tensor" => getTensor(v!.GetValue<string>()),
            "tensor_list" => v!.AsArray().Select(x => getTensor(x!.GetValue<string>())).ToList(),
            "state_dict" => DecodeStateDict(v!.AsArray(), getTensor),
            "dict" => DecodeDict(v!.AsObject(), path, getTensor),
            var t => throw new FormatException($"Checkpoint: value '{path}' has an unknown tag '{t}'."),
        };
    }

    public static Dictionary<string, object?> DecodeDict(JsonObject o, string path, Func<string, Tensor> getTensor)
    {
        var d = new Dictionary<string, object?>();
        foreach (var (k, n) in o) d[k] = Decode(n, $"{path}.{k}", getTensor);
        return d;
    }

    private static OrderedDictionary<string, Tensor> DecodeStateDict(JsonArray a, Func<string, Tensor> getTensor)
    {
        var sd = new OrderedDictionary<string, Tensor>();
        foreach (var e in a) sd[e![0]!.GetValue<string>()] = getTensor(e[1]!.GetValue<string>());
        return sd;
    }
}
