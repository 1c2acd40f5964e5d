namespace Lumen.Data;

/// <summary>Collate functions that turn a list of samples into a batch, PyTorch's <c>default_collate</c>: tensors are stacked
/// along a new dimension 0, integer labels become an int64 tensor and float scalars a float32 tensor; tuples and arrays
/// are collated position by position. Any other sample type (dicts, nested tuples, multi-label targets) goes through
/// <see cref="DefaultCollate"/>, PyTorch's recursive rules.</summary>
public static class Collate
{
    /// <summary>Stacks equally shaped tensors into one of shape (N, …), PyTorch's <c>torch.stack(batch, 0)</c>.</summary>
    public static Tensor Stack(IReadOnlyList<Tensor> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        if (items.Count == 0) throw new ArgumentException("Collate.Stack: the batch is empty.");
        var first = items[0];
        bool fast = true;
        foreach (var t in items)
            if (t.RequiresGrad || t.DType != first.DType || !t.Shape.Equals(first.Shape)) { fast = false; break; }
        if (!fast) return Torch.Stack(items);
        // A straight copy of each sample into its slot: no autograd to record, no per-sample view.
        int per = first.Numel();
        var shape = new int[first.Ndim + 1];
        shape[0] = items.Count;
        for (int d = 0; d < first.Ndim; d++) shape[d + 1] = first.Size(d);
        var r = Tensor.Empty(shape, first.DType, zero: false);
        for (int i = 0; i < items.Count; i++)
        {
            var t = items[i].Contiguous();
            switch (first.DType)
            {
                case DType.Float32: t.ReadF32().CopyTo(r.SpanF32().Slice(i * per, per)); break;
                case DType.Int64: t.SpanI64().CopyTo(r.SpanI64().Slice(i * per, per)); break;
                case DType.UInt8: t.SpanU8().CopyTo(r.SpanU8().Slice(i * per, per)); break;
                case DType.Bool: t.SpanBool().CopyTo(r.SpanBool().Slice(i * per, per)); break;
            }
        }
        return r;
    }

    /// <summary>Labels as an int64 tensor of shape (N).</summary>
    public static Tensor Labels(IReadOnlyList<long> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        return Torch.Tensor(labels.ToArray());
    }

    /// <summary>(image, label) samples → (images stacked to (N, …), labels as int64 (N)).</summary>
    public static (Tensor, Tensor) ImagesAndLabels(IReadOnlyList<(Tensor, long)> batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var images = new Tensor[batch.Count];
        var labels = new long[batch.Count];
        for (int i = 0; i < batch.Count; i++) (images[i], labels[i]) = batch[i];
        return (Stack(images), Torch.Tensor(labels));
    }

    /// <summary>Rows of tensors (as a <see cref="TensorDataset"/> yields) → one stacked tensor per position.</summary>
    public static Tensor[] Rows(IReadOnlyList<Tensor[]> batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Count == 0) throw new ArgumentException("Collate.Rows: the batch is empty.");
        int k = batch[0].Length;
        var r = new Tensor[k];
        for (int p = 0; p < k; p++)
        {
            var col = new Tensor[batch.Count];
            for (int i = 0; i < batch.Count; i++)
            {
                if (batch[i].Length != k) throw new ArgumentException($"Collate.Rows: sample {i} has {batch[i].Length} elements, sample 0 has {k}.");
                col[i] = batch[i][p];
            }
            r[p] = Stack(col);
        }
        return r;
    }

    /// <summary>The default collate function from <typeparamref name="TItem"/> samples to <typeparamref name="TBatch"/>
    /// batches, or an <see cref="ArgumentException"/> when there is none: (Tensor, long) → (Tensor, Tensor), (Tensor, Tensor)
    /// → (Tensor, Tensor), Tensor → Tensor, Tensor[] → Tensor[], long → Tensor, and the identity when the types are equal lists.</summary>
    public static Func<IReadOnlyList<TItem>, TBatch> Default<TItem, TBatch>()
    {
        object? f = null;
        if (typeof(TItem) == typeof((Tensor, long)) && typeof(TBatch) == typeof((Tensor, Tensor)))
            f = (Func<IReadOnlyList<(Tensor, long)>, (Tensor, Tensor)>)ImagesAndLabels;
        else if (typeof(TItem) == typeof((Tensor, Tensor)) && typeof(TBatch) == typeof((Tensor, Tensor)))
            f = (Func<IReadOnlyList<(Tensor, Tensor)>, (Tensor, Tensor)>)(b => (Stack(b.Select(x => x.Item1).ToArray()), Stack(b.Select(x => x.Item2).ToArray())));
        else if (typeof(TItem) == typeof(Tensor) && typeof(TBatch) == typeof(Tensor))
            f = (Func<IReadOnlyList<Tensor>, Tensor>)Stack;
        else if (typeof(TItem) == typeof(Tensor[]) && typeof(TBatch) == typeof(Tensor[]))
            f = (Func<IReadOnlyList<Tensor[]>, Tensor[]>)Rows;
        else if (typeof(TItem) == typeof(long) && typeof(TBatch) == typeof(Tensor))
            f = (Func<IReadOnlyList<long>, Tensor>)Labels;
        else if (typeof(TBatch) == typeof(TItem[]))
            f = (Func<IReadOnlyList<TItem>, TItem[]>)(b => b.ToArray());
        else if (DefaultCollate.BatchType(typeof(TItem)) is { } batch && typeof(TBatch).IsAssignableFrom(batch))
            f = (Func<IReadOnlyList<TItem>, TBatch>)(b => (TBatch)DefaultCollate.Collate(b));
        if (f is null)
            throw new ArgumentException($"Collate.Default: no default collate from {typeof(TItem).Name} samples to {typeof(TBatch).Name} batches " +
                                        $"(PyTorch's default_collate gives {DefaultCollate.BatchType(typeof(TItem))?.Name ?? "none"}); pass collate:.");
        return (Func<IReadOnlyList<TItem>, TBatch>)f;
    }
}
