using System.Collections;
using System.Runtime.CompilerServices;

namespace Lumen.Data;

/// <summary>
/// PyTorch's <c>default_collate</c> for any sample type, applied recursively by the shape of the sample:
/// <list type="bullet">
/// <item>Tensor → the samples stacked along a new dim 0;</item>
/// <item>integers → an int64 tensor (N), bool → a bool tensor, float/double → a float32 tensor (N) (PyTorch makes
/// Python floats float64; Lumen computes in float32);</item>
/// <item>string → string[] (PyTorch's list of str);</item>
/// <item>a value tuple → the tuple of its collated elements (PyTorch returns a list for a tuple; a C# tuple keeps the
/// types): <c>(Tensor, long)</c> → <c>(Tensor, Tensor)</c>, <c>(Tensor, (long, string))</c> → <c>(Tensor, (Tensor, string[]))</c>;</item>
/// <item>a dictionary with string keys → a dictionary of the collated values per key (the first sample's keys);</item>
/// <item>an array or list → PyTorch's transposition: one collated batch per position, so a <c>long[]</c> multi-label
/// target of K labels gives K int64 tensors of N; give the target as a Tensor to get one (N, K) tensor;</item>
/// <item><c>object</c> → by the runtime type of the first sample.</item>
/// </list>
/// Samples whose structure differs (a missing key, a list of another length) raise an <see cref="ArgumentException"/>
/// naming the path inside the sample.
/// </summary>
public static class DefaultCollate
{
    /// <summary>The batch type that collating samples of <paramref name="item"/> gives, or null when it has no default.</summary>
    public static Type? BatchType(Type item)
    {
        if (typeof(Tensor).IsAssignableFrom(item) || IsNumber(item)) return typeof(Tensor);
        if (item == typeof(string)) return typeof(string[]);
        if (item == typeof(object)) return typeof(object);
        if (IsValueTuple(item))
        {
            var parts = item.GetGenericArguments().Select(BatchType).ToArray();
            if (parts.Any(p => p == null)) return null;
            return item.GetGenericTypeDefinition().MakeGenericType(parts!);
        }
        if (DictionaryValueType(item) is { } v) return BatchType(v) is { } bv ? typeof(Dictionary<,>).MakeGenericType(typeof(string), bv) : null;
        if (ListElementType(item) is { } e) return BatchType(e) is { } be ? be.MakeArrayType() : null;
        return null;
    }

    /// <summary>Collates <paramref name="samples"/> of static type <typeparamref name="TItem"/>.</summary>
    public static object Collate<TItem>(IReadOnlyList<TItem> samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        if (samples.Count == 0) throw new ArgumentException("default_collate: the batch is empty.");
        return Collate(samples.Select(s => (object?)s).ToArray(), typeof(TItem), "sample");
    }

    private static object Collate(object?[] samples, Type type, string path)
    {
        if (type == typeof(object))
        {
            var first = samples[0] ?? throw new ArgumentException($"default_collate: {path} is null in sample 0.");
            type = first.GetType();
        }
        for (int i = 0; i < samples.Length; i++)
            if (samples[i] == null) throw new ArgumentException($"default_collate: {path} is null in sample {i}.");
        if (typeof(Tensor).IsAssignableFrom(type)) return Data.Collate.Stack(samples.Cast<Tensor>().ToArray());
        if (type == typeof(bool)) return Lumen.Tensor.Wrap(samples.Cast<bool>().ToArray(), samples.Length);
        if (type == typeof(float) || type == typeof(double) || type == typeof(Half))
            return Torch.Tensor(samples.Select(s => Convert.ToSingle(s)).ToArray(), samples.Length);
        if (IsNumber(type)) return Torch.Tensor(samples.Select(s => Convert.ToInt64(s)).ToArray(), samples.Length);
        if (type == typeof(string)) return samples.Cast<string>().ToArray();
        if (IsValueTuple(type))
        {
            var items = samples.Select(s => (ITuple)s!).ToArray();
            var args = type.GetGenericArguments();
            var parts = new object[args.Length];
            for (int k = 0; k < args.Length; k++)
                parts[k] = Collate(items.Select(t => t[k]).ToArray(), args[k], $"{path}.Item{k + 1}");
            var batchType = BatchType(type) ?? throw NoDefault(type, path);
            return Activator.CreateInstance(batchType, parts)!;
        }
        if (DictionaryValueType(type) is { } valueType)
        {
            var dicts = samples.Cast<IDictionary>().ToArray();
            var batchType = typeof(Dictionary<,>).MakeGenericType(typeof(string), BatchType(valueType) ?? throw NoDefault(valueType, path));
            var result = (IDictionary)Activator.CreateInstance(batchType)!;
            foreach (var key in dicts[0].Keys)
            {
                var column = new object?[dicts.Length];
                for (int i = 0; i < dicts.Length; i++)
                    column[i] = dicts[i].Contains(key) ? dicts[i][key]
                        : throw new ArgumentException($"default_collate: sample {i} has no key '{key}' in {path} (sample 0 has it).");
                result[key] = Collate(column, valueType, $"{path}['{key}']");
            }
            return result;
        }
        if (ListElementType(type) is { } elementType)
        {
            var lists = samples.Select(s => ((IEnumerable)s!).Cast<object?>().ToArray()).ToArray();
            int k = lists[0].Length;
            for (int i = 1; i < lists.Length; i++)
                if (lists[i].Length != k)
                    throw new ArgumentException($"default_collate: each element in list of batch should be of equal size ({path} has {k} elements in sample 0, {lists[i].Length} in sample {i}).");
            var batchElement = BatchType(elementType) ?? throw NoDefault(elementType, path);
            var result = Array.CreateInstance(batchElement, k);
            for (int p = 0; p < k; p++) result.SetValue(Collate(lists.Select(l => l[p]).ToArray(), elementType, $"{path}[{p}]"), p);
            return result;
        }
        throw NoDefault(type, path);
    }

    private static ArgumentException NoDefault(Type type, string path) =>
        new($"default_collate: {path} is a {type.Name}, which has no default collate (Tensor, numbers, string, value tuples, " +
            "string-keyed dictionaries and arrays/lists of these have one); pass collate: to the DataLoader.");

    private static bool IsNumber(Type t) =>
        t == typeof(long) || t == typeof(int) || t == typeof(short) || t == typeof(sbyte) || t == typeof(byte) ||
        t == typeof(ushort) || t == typeof(uint) || t == typeof(bool) || t == typeof(float) || t == typeof(double) || t == typeof(Half);

    private static bool IsValueTuple(Type t) =>
        t.IsGenericType && t.IsValueType && t.FullName!.StartsWith("System.ValueTuple`", StringComparison.Ordinal) && t.GetGenericArguments().Length <= 7;

    private static Type? DictionaryValueType(Type t)
    {
        foreach (var i in t.IsInterface ? t.GetInterfaces().Append(t) : t.GetInterfaces())
            if (i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IDictionary<,>) && i.GetGenericArguments()[0] == typeof(string))
                return typeof(IDictionary).IsAssignableFrom(t) ? i.GetGenericArguments()[1] : null;
        return null;
    }

    private static Type? ListElementType(Type t)
    {
        if (t.IsArray) return t.GetElementType();
        foreach (var i in t.IsInterface ? t.GetInterfaces().Append(t) : t.GetInterfaces())
            if (i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IReadOnlyList<>)) return i.GetGenericArguments()[0];
        return null;
    }
}
