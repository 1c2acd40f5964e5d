using System.Text.Json;

namespace Lumen.Tests;

/// <summary>Reads the golden values PyTorch wrote (tests/Fixtures/*.py → tests/Fixtures/data/*.json).
/// A file holds named cases; each case maps names to tensors {"shape": [...], "dtype": "float32", "data": [...]}
/// or to plain JSON values.</summary>
public static class Fixtures
{
    private static readonly Dictionary<string, JsonElement> Cache = new();

    public static FixtureCase Case(string file, string name)
    {
        JsonElement root;
        lock (Cache)
        {
            if (!Cache.TryGetValue(file, out root))
            {
                var path = Path.Combine(AppContext.BaseDirectory, "Fixtures", file + ".json");
                if (!File.Exists(path)) throw new FileNotFoundException($"Fixture file {path} is missing; run tests/Fixtures/generate.sh.");
                root = JsonDocument.Parse(File.ReadAllText(path)).RootElement.Clone();
                Cache[file] = root;
            }
        }
        if (!root.TryGetProperty(name, out var c)) throw new KeyNotFoundException($"Fixture {file}.json has no case '{name}'.");
        return new FixtureCase(file + "/" + name, c);
    }
}

public sealed class FixtureCase
{
    private readonly JsonElement _e;
    public string Id { get; }
    internal FixtureCase(string id, JsonElement e) { Id = id; _e = e; }

    public bool Has(string key) => _e.TryGetProperty(key, out _);

    public JsonElement Raw(string key) => _e.TryGetProperty(key, out var v) ? v : throw new KeyNotFoundException($"{Id}: no key '{key}'.");

    public Tensor Tensor(string key)
    {
        var v = Raw(key);
        var shape = v.GetProperty("shape").EnumerateArray().Select(x => x.GetInt32()).ToArray();
        var dtype = v.TryGetProperty("dtype", out var dt) ? dt.GetString() : "float32";
        var data = v.GetProperty("data");
        return dtype switch
        {
            "float32" => Torch.Tensor(data.EnumerateArray().Select(ReadFloat).ToArray()).Reshape(shape),
            "int64" => Torch.Tensor(data.EnumerateArray().Select(x => x.GetInt64()).ToArray()).Reshape(shape),
            "bool" => Torch.Tensor(data.EnumerateArray().Select(x => x.GetBoolean()).ToArray()).Reshape(shape),
            "uint8" => Torch.Tensor(data.EnumerateArray().Select(x => (byte)x.GetInt32()).ToArray()).Reshape(shape),
            _ => throw new NotSupportedException($"{Id}: dtype {dtype}"),
        };
    }

    private static float ReadFloat(JsonElement x) => x.ValueKind switch
    {
        JsonValueKind.String => x.GetString() switch { "nan" => float.NaN, "inf" => float.PositiveInfinity, "-inf" => float.NegativeInfinity, var s => float.Parse(s!) },
        _ => (float)x.GetDouble(),
    };

    public float Float(string key) => ReadFloat(Raw(key));
    public int Int(string key) => Raw(key).GetInt32();
    public int[] Ints(string key) => Raw(key).EnumerateArray().Select(x => x.GetInt32()).ToArray();
    public string Str(string key) => Raw(key).GetString()!;
}
