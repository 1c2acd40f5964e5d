using System.Collections;
using Lumen.NN;
using Lumen.Optim;
using Lumen.Serialization;

namespace Lumen.Training.Checkpoints;

/// <summary>
/// Checks that a loaded <see cref="TrainingCheckpoint"/> fits the objects it is about to be loaded into, before any of
/// them changes: the optimizer's groups (sizes, option kinds, finite numbers) and per-parameter state (tensors of the
/// parameter's shape), and the scheduler's and callbacks' state dicts against the kinds of value the live objects
/// produce. A damaged or foreign checkpoint then fails with one <see cref="CheckpointFormatException"/> naming the file
/// and the field, instead of an <c>InvalidCastException</c> three epochs later.
/// </summary>
internal static class CheckpointFit
{
    /// <summary>The optimizer state must fit <paramref name="optimizer"/>: PyTorch's load_state_dict checks group sizes;
    /// here the option kinds and the state tensors' shapes are checked too.</summary>
    public static void Optimizer(string path, OptimizerStateDict saved, Optimizer optimizer)
    {
        var current = optimizer.StateDict();
        if (saved.ParamGroups.Count != current.ParamGroups.Count)
            throw Bad(path, $"optimizer: {saved.ParamGroups.Count} parameter groups, the optimizer has {current.ParamGroups.Count}");
        var byId = new Dictionary<int, Tensor>();
        for (int gi = 0; gi < saved.ParamGroups.Count; gi++)
        {
            var g = saved.ParamGroups[gi];
            var ids = (int[])g["params"]!;
            var live = optimizer.ParamGroups[gi].Params;
            if (ids.Length != live.Count)
                throw Bad(path, $"optimizer.param_groups[{gi}]: {ids.Length} parameters, the optimizer's group has {live.Count}");
            for (int i = 0; i < ids.Length; i++)
                if (!byId.TryAdd(ids[i], live[i])) throw Bad(path, $"optimizer.param_groups[{gi}]: parameter index {ids[i]} appears twice");
            foreach (var (k, v) in current.ParamGroups[gi])
            {
                if (k == "params") continue;
                string field = $"optimizer.param_groups[{gi}].{k}";
                if (!g.TryGetValue(k, out var s)) throw Bad(path, $"{field} is missing");
                SameKind(path, field, s, v);
            }
        }
        foreach (var (id, state) in saved.State)
        {
            if (!byId.TryGetValue(id, out var p)) throw Bad(path, $"optimizer.state.{id}: no parameter has index {id}");
            foreach (var (k, v) in state)
            {
                string field = $"optimizer.state.{id}.{k}";
                switch (v)
                {
                    case Tensor t when t.DType != p.DType || (!t.Shape.Equals(p.Shape) && t.Numel() != 1):
                        throw Bad(path, $"{field}: {t.DType.TorchName()} {t.Shape}, expected {p.DType.TorchName()} {p.Shape} like its parameter");
                    case Tensor:
                    case null or bool or int or long:
                        break;
                    case float or double:
                        Finite(path, field, v);
                        break;
                    default:
                        throw Bad(path, $"{field}: unexpected {Kind(v)} in a parameter's state");
                }
            }
        }
    }

    /// <summary>A scheduler's or callback's saved state must have every key the live object writes, each with a value
    /// of the same kind; state dicts in it (early stopping's best weights) must fit the model.</summary>
    public static void StateDict(string path, string field, IReadOnlyDictionary<string, object?> saved, IReadOnlyDictionary<string, object?> current, Module model)
    {
        foreach (var (k, v) in current)
        {
            if (!saved.TryGetValue(k, out var s)) throw Bad(path, $"{field}.{k} is missing");
            SameKind(path, $"{field}.{k}", s, v);
        }
        foreach (var (k, v) in saved)
        {
            if (current.ContainsKey(k) || v == null) continue;
            if (v is not OrderedDictionary<string, Tensor>) throw Bad(path, $"{field}.{k}: unexpected key");
        }
        foreach (var (k, v) in saved)
            if (v is OrderedDictionary<string, Tensor> sd) ModelStateDict(path, $"{field}.{k}", sd, model);
    }

    /// <summary>The keys, shapes and dtypes of <paramref name="sd"/> must be the model's.</summary>
    public static void ModelStateDict(string path, string field, IReadOnlyDictionary<string, Tensor> sd, Module model)
    {
        var live = model.StateDict();
        if (live.Keys.FirstOrDefault(k => !sd.ContainsKey(k)) is { } missing) throw Bad(path, $"{field}: the model's '{missing}' is missing");
        foreach (var (k, t) in sd)
        {
            if (!live.TryGetValue(k, out var m)) throw Bad(path, $"{field}: '{k}' is not in the model");
            if (!t.Shape.Equals(m.Shape) || t.DType != m.DType)
                throw Bad(path, $"{field}: '{k}' is {t.DType.TorchName()} {t.Shape}, the model's is {m.DType.TorchName()} {m.Shape}");
        }
    }

    /// <summary>Saved and live values must be of one kind (null matches anything: a value not set yet); numbers finite
    /// where the live one is; arrays of fixed length (one value per parameter group) of that length.</summary>
    private static void SameKind(string path, string field, object? saved, object? live)
    {
        if (saved == null || live == null) return;
        bool same = (saved, live) switch
        {
            (int or long, int or long) => true,
            (float or double, float or double) => true,
            _ => saved.GetType() == live.GetType() || (saved is IDictionary && live is IDictionary),
        };
        if (!same) throw Bad(path, $"{field}: {Kind(saved)}, expected {Kind(live)}");
        if (live is double d && double.IsFinite(d) || live is float f && float.IsFinite(f)) Finite(path, field, saved);
        if (saved is Array a && live is Array b && a.Length != b.Length) throw Bad(path, $"{field}: {a.Length} values, expected {b.Length}");
    }

    private static void Finite(string path, string field, object? v)
    {
        if (v is double d && !double.IsFinite(d) || v is float f && !float.IsFinite(f)) throw Bad(path, $"{field}: {v} is not a finite number");
    }

    private static string Kind(object? v) => v switch
    {
        null => "null",
        bool => "a bool",
        int or long => "an integer",
        float or double => "a number",
        string => "a string",
        Tensor t => $"a tensor {t.Shape}",
        _ => "a " + v.GetType().Name,
    };

    private static CheckpointFormatException Bad(string path, string problem) => new(path, problem + ".");
}
