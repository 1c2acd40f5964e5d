using System.Globalization;
using System.Text.Json.Nodes;

namespace Lumen.Training.Checkpoints;

/// <summary>
/// Writes the plain values of optimizer, scheduler and callback state dicts as typed JSON and reads them back with
/// the same .NET types, bit for bit: each value becomes <c>{"t": tag, "v": value}</c>. Doubles are written as their
/// round-trip text (so ∞ and NaN survive, ReduceLROnPlateau's initial best is ∞); tensors go into the checkpoint's
/// tensor table and the JSON keeps their name.
/// </summary>
internal static class StateJson
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

    /// <summary>Reads a tagged value back. Every kind, count and number is checked: a damaged value is a
    /// <see cref="FormatException"/> naming its path (the checkpoint turns it into a <c>CheckpointFormatException</c>).</summary>
    public static object? Decode(JsonNode? node, string path, Func<string, Tensor> getTensor)
    {
        if (node is not JsonObject o || o["t"] is not JsonValue tv || !tv.TryGetValue<string>(out var tag))
            throw Bad(path, "is not a tagged value");
        var v = o["v"];
        return tag switch
        {
            "null" => null,
            "bool" => Value<bool>(v, path, "true or false"),
            "int" => Value<int>(v, path, "a 32-bit integer"),
            "long" => Value<long>(v, path, "a 64-bit integer"),
            "float" => Float(v, path),
            "double" => Double(v, path),
            "str" => Value<string>(v, path, "a string"),
            "pair" => Array(v, path) is { Count: 2 } p ? (Double(p[0], path), Double(p[1], path)) : throw Bad(path, "expected a pair of numbers"),
            "doubles" => Array(v, path).Select(x => Double(x, path)).ToArray(),
            "double_list" => Array(v, path).Select(x => Double(x, path)).ToList(),
            "floats" => Array(v, path).Select(x => Float(x, path)).ToArray(),
            "ints" => Array(v, path).Select(x => Value<int>(x, path, "a list of 32-bit integers")).ToArray(),
            "longs" => Array(v, path).Select(x => Value<long>(x, path, "a list of 64-bit integers")).ToArray(),
            "tensor" => getTensor(Value<string>(v, path, "a tensor name")),
            "tensor_list" => Array(v, path).Select(x => getTensor(Value<string>(x, path, "a list of tensor names"))).ToList(),
            "state_dict" => DecodeStateDict(Array(v, path), path, getTensor),
            "dict" => DecodeDict(v as JsonObject ?? throw Bad(path, "expected a mapping"), path, getTensor),
            _ => throw Bad(path, $"has an unknown tag '{tag}'"),
        };
    }

    private static FormatException Bad(string path, string problem) => new($"value '{path}' {problem}.");

    private static T Value<T>(JsonNode? n, string path, string expected) =>
        n is JsonValue v && v.TryGetValue<T>(out var x) && x is not null ? x : throw Bad(path, $"is not {expected}");

    private static JsonArray Array(JsonNode? n, string path) => n as JsonArray ?? throw Bad(path, "is not a list");

    private static double Double(JsonNode? n, string path) =>
        double.TryParse(Value<string>(n, path, "a number written as text"), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d
            : throw Bad(path, "is not a number");

    private static float Float(JsonNode? n, string path) =>
        float.TryParse(Value<string>(n, path, "a number written as text"), NumberStyles.Float, CultureInfo.InvariantCulture, out var f) ? f
            : throw Bad(path, "is not a number");

    public static Dictionary<string, object?> DecodeDict(JsonObject o, string path, Func<string, Tensor> getTensor)
    {
        var d = new Dictionary<string, object?>();
        foreach (var (k, n) in o) d[k] = Decode(n, $"{path}.{k}", getTensor);
        return d;
    }

    private static OrderedDictionary<string, Tensor> DecodeStateDict(JsonArray a, string path, Func<string, Tensor> getTensor)
    {
        var sd = new OrderedDictionary<string, Tensor>();
        foreach (var e in a)
        {
            if (e is not JsonArray { Count: 2 } kv) throw Bad(path, "has a state-dict entry that is not a [key, tensor] pair");
            if (!sd.TryAdd(Value<string>(kv[0], path, "a state dict with string keys"), getTensor(Value<string>(kv[1], path, "a state dict of tensor names"))))
                throw Bad(path, $"names the key '{kv[0]}' twice");
        }
        return sd;
    }
}
