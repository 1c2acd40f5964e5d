"""Golden values for reductions, indexing, join/split and sorting (tests/Lumen.Tests/Tensors/{Reduction,Indexing,Join,Sorting}Tests.cs).

Each case stores its inputs (x, x1, ...), the forward output (out, or out0..outN for ops returning several tensors; indices for
(values, indices) ops), and, for differentiable ops, a fixed random upstream gradient g (g0..gN), the input gradients
(dx, dx1, ...) and PyTorch's grad_fn name. Float inputs are random normal (distinct values) unless a case tests ties.
The C# tests repeat each call by case name."""
import math

import torch
import torch.nn.functional as F

from common import save, seeded, t

seeded(0)
cases = {}


def rn(*shape):
    return torch.randn(*shape)


def record(name, fn, *inputs):
    xs = [x.clone().requires_grad_(x.is_floating_point()) for x in inputs]
    out = fn(*xs)
    c = {}
    for i, x in enumerate(inputs):
        c["x" if i == 0 else f"x{i}"] = t(x)
    pair = type(out).__module__ == "torch.return_types"
    if isinstance(out, (list, tuple)) and not pair:
        outs = list(out)
        c["n"] = len(outs)
        loss = 0
        for i, o in enumerate(outs):
            c[f"out{i}"] = t(o)
            if o.requires_grad:
                g = torch.randn_like(o)
                c[f"g{i}"] = t(g)
                loss = loss + (o * g).sum()
        head = outs[0]
    else:
        if pair:
            c["indices"] = t(out.indices)
            out = out.values
        c["out"] = t(out)
        head = out
        loss = None
        if out.requires_grad:
            g = torch.randn_like(out)
            c["g"] = t(g)
            loss = (out * g).sum()
    if head.requires_grad:
        c["grad_fn"] = type(head.grad_fn).__name__
        loss.backward()
        for i, x in enumerate(xs):
            if x.requires_grad:
                c["dx" if i == 0 else f"dx{i}"] = t(x.grad if x.grad is not None else torch.zeros_like(x))
    cases[name] = c


ties = torch.tensor([[1., 5, 5, 2], [3, 3, 1, 0]])
inf = float("inf")

# ---------------------------------------------------------------- reductions
record("max_all", lambda x: x.max(), rn(3, 4))
record("min_all", lambda x: x.min(), rn(3, 4))
record("max_all_ties", lambda x: x.max(), torch.tensor([[1., 3, 3], [0, 3, 2]]))
record("min_all_ties", lambda x: x.min(), torch.tensor([[1., 0, 2], [0, 5, 0]]))
record("max_dim", lambda x: x.max(1), rn(3, 4, 5))
record("max_dim_neg_keep", lambda x: x.max(-1, keepdim=True), rn(3, 4, 5))
record("min_dim0", lambda x: x.min(0), rn(4, 3))
record("max_dim_ties", lambda x: x.max(1), ties)
record("min_dim_ties", lambda x: x.min(1), torch.tensor([[1., 0, 0, 2], [3, 3, 1, 1]]))
record("amax_dims", lambda x: x.amax((0, 2)), rn(2, 3, 4))
record("amax_ties", lambda x: x.amax(1), ties)
record("amin_keep", lambda x: x.amin(-1, keepdim=True), rn(2, 3, 4))
record("amax_all", lambda x: x.amax(), rn(3, 4))
record("argmax_all", lambda x: x.argmax(), rn(3, 4))
record("argmax_dim", lambda x: x.argmax(1), rn(3, 4, 5))
record("argmin_dim_keep", lambda x: x.argmin(-1, keepdim=True), rn(3, 4, 5))
record("argmax_ties", lambda x: x.argmax(1), ties)
record("argmin_ties", lambda x: x.argmin(0), ties)
record("var_all", lambda x: x.var(), rn(3, 4))
record("var_dim", lambda x: x.var(1), rn(3, 4, 5))
record("var_dims_biased_keep", lambda x: x.var((0, 2), unbiased=False, keepdim=True), rn(3, 4, 5))
record("var_correction2", lambda x: x.var(1, correction=2), rn(3, 6))
record("std_all", lambda x: x.std(), rn(3, 4))
record("std_dim", lambda x: x.std(-1), rn(3, 4, 5))
record("std_dims_keep", lambda x: x.std((0, 1), keepdim=True), rn(3, 4, 5))
record("norm_2_all", lambda x: x.norm(), rn(3, 4))
record("norm_1_dim", lambda x: x.norm(p=1, dim=1), rn(3, 4))
record("norm_inf_dim", lambda x: x.norm(p=inf, dim=-1), rn(3, 5))
record("norm_neginf_dim", lambda x: x.norm(p=-inf, dim=0), rn(4, 3))
record("norm_3_dims_keep", lambda x: x.norm(p=3, dim=(0, 2), keepdim=True), rn(2, 3, 4))
record("norm_half_dim", lambda x: x.norm(p=0.5, dim=1), rn(3, 4))
record("norm_fro_dims", lambda x: x.norm(p="fro", dim=(1, 2)), rn(2, 3, 4))
record("norm_0_dim", lambda x: x.norm(p=0, dim=1), torch.tensor([[1., 0, -2, 0], [0, 0, 0, 3.5], [1, 2, 3, 4]]))
record("prod_all", lambda x: x.prod(), rn(2, 3))
record("prod_dim", lambda x: x.prod(1), rn(3, 4))
record("prod_dim_keep_zeros", lambda x: x.prod(1, keepdim=True),
       torch.tensor([[1.5, 0, 2, -1], [0.5, -1, 0, 0], [2, 3, 0.25, 1.5]]))
record("prod_all_one_zero", lambda x: x.prod(), torch.tensor([[1.5, -2, 0.5], [0, 3, 1.25]]))
record("logsumexp_dim", lambda x: x.logsumexp(1), rn(3, 4))
record("logsumexp_dims_keep", lambda x: x.logsumexp((0, 2), keepdim=True), rn(2, 3, 4))
record("logsumexp_large", lambda x: x.logsumexp(-1), rn(3, 4) * 60)
record("cumsum_dim1", lambda x: x.cumsum(1), rn(3, 4))
record("cumsum_dim0", lambda x: x.cumsum(0), rn(4, 2, 3))
record("cumsum_neg", lambda x: x.cumsum(-1), rn(2, 3, 5))
bools = torch.tensor([[True, True, False, True], [True, True, True, True], [False, False, False, False]])
record("all_all", lambda x: x.all(), bools)
record("any_all", lambda x: x.any(), bools)
record("all_dim1", lambda x: x.all(1), bools)
record("any_dim0_keep", lambda x: x.any(0, keepdim=True), bools)

# ---------------------------------------------------------------- indexing
record("narrow", lambda x: x.narrow(1, 1, 3), rn(4, 5))
record("narrow_neg_start", lambda x: x.narrow(0, -2, 2), rn(4, 5))
record("select", lambda x: x.select(1, 2), rn(3, 4, 5))
record("select_neg", lambda x: x.select(-1, -1), rn(3, 4))
record("index_int", lambda x: x[1], rn(3, 4))
record("index_slice_step", lambda x: x[:, 1:5:2], rn(4, 6))
record("index_mixed", lambda x: x[0, :, 1:3], rn(3, 4, 5))
record("index_ellipsis", lambda x: x[..., -1], rn(2, 3, 4))
record("index_newaxis", lambda x: x[None, 1:], rn(3, 4))
record("index_from_end", lambda x: x[-3:], rn(5, 4))
record("index_clamped", lambda x: x[2:100], rn(5, 4))
record("index_select_dim0", lambda x: x.index_select(0, torch.tensor([2, 0, 2])), rn(4, 3))
record("index_select_dim1", lambda x: x.index_select(1, torch.tensor([4, 1])), rn(3, 5))
record("gather_dim1", lambda x, i: x.gather(1, i), rn(3, 4), torch.tensor([[0, 3], [2, 2], [1, 0]]))
record("gather_dim0_smaller_index", lambda x, i: x.gather(0, i), rn(4, 5), torch.tensor([[3, 0, 1], [2, 2, 0]]))
record("scatter_src", lambda x, i, s: x.scatter(1, i, s), rn(3, 5), torch.tensor([[0, 3], [4, 1], [2, 0]]), rn(3, 2))
record("scatter_value", lambda x, i: x.scatter(0, i, 2.5), rn(3, 5), torch.tensor([[0, 1, 2, 0, 1], [2, 2, 1, 1, 0]]))
record("scatter_add_duplicates", lambda x, i, s: x.scatter_add(1, i, s), rn(3, 5),
       torch.tensor([[0, 0, 3, 4], [1, 2, 1, 1], [4, 3, 2, 1]]), rn(3, 4))
mask34 = torch.tensor([[True, False, True, True], [False, False, True, False], [True, True, False, False]])
record("masked_select", lambda x, m: x.masked_select(m), rn(3, 4), mask34)
record("masked_select_broadcast", lambda x, m: x.masked_select(m), rn(3, 4), torch.tensor([False, True, True, False]))
record("take", lambda x, i: x.take(i), rn(3, 4), torch.tensor([[0, 11], [-1, 5], [5, 2]]))
record("one_hot", lambda i: F.one_hot(i), torch.tensor([0, 2, 1, 4]))
record("one_hot_classes", lambda i: F.one_hot(i, 3), torch.tensor([[1, 0], [2, 1]]))
record("index_bool_mask", lambda x, m: x[m], rn(3, 4), mask34)
record("index_bool_rows", lambda x, m: x[m], rn(3, 4), torch.tensor([True, False, True]))
record("index_long", lambda x, i: x[i], rn(4, 3), torch.tensor([[0, 3], [-1, 0]]))

# ---------------------------------------------------------------- join / split
record("cat_dim0", lambda a, b, c: torch.cat([a, b, c], 0), rn(2, 3), rn(1, 3), rn(3, 3))
record("cat_dim_neg", lambda a, b: torch.cat([a, b], -1), rn(2, 3), rn(2, 1))
record("cat_skips_legacy_empty", lambda a, e, b: torch.cat([a, e, b], 0), rn(2, 3), torch.empty(0), rn(1, 3))
record("stack_dim0", lambda a, b: torch.stack([a, b], 0), rn(2, 3), rn(2, 3))
record("stack_dim_neg", lambda a, b, c: torch.stack([a, b, c], -1), rn(2, 3), rn(2, 3), rn(2, 3))
record("split_int", lambda x: x.split(3, 0), rn(7, 3))
record("split_sizes", lambda x: x.split([1, 2, 3], 1), rn(3, 6))
record("chunk", lambda x: x.chunk(3, 0), rn(7, 2))
record("chunk_fewer", lambda x: x.chunk(4, 0), rn(6, 2))
record("unbind", lambda x: x.unbind(1), rn(3, 4))
record("repeat", lambda x: x.repeat(2, 1, 3), rn(2, 3))
record("flip", lambda x: x.flip(0, 2), rn(2, 3, 4))

# ---------------------------------------------------------------- sorting
tie_rows = torch.tensor([[2., 1, 2, 1, 0, 2], [1, 1, 1, 0, 0, 1]])
record("sort_last", lambda x: x.sort(), rn(3, 5))
record("sort_desc_dim0", lambda x: x.sort(0, descending=True), rn(4, 3))
record("sort_ties_stable", lambda x: x.sort(stable=True), tie_rows)
record("sort_ties_desc_stable", lambda x: x.sort(descending=True, stable=True), tie_rows)
record("sort_ties_default", lambda x: x.sort(), tie_rows)
record("sort_nan", lambda x: x.sort(), torch.tensor([1., math.nan, 2, math.nan, 0]))
record("sort_nan_desc", lambda x: x.sort(descending=True), torch.tensor([1., math.nan, 2, math.nan, 0]))
record("argsort_desc", lambda x: x.argsort(1, descending=True), rn(3, 5))
record("topk_largest", lambda x: x.topk(3), rn(3, 6))
record("topk_smallest_dim0", lambda x: x.topk(2, dim=0, largest=False), rn(5, 3))
record("topk_k1", lambda x: x.topk(1, dim=-1), rn(4, 5))
record("topk_nan", lambda x: x.topk(2), torch.tensor([[1., math.nan, 2, math.nan], [0.5, 3, -1, 2]]))
record("topk_all_smallest", lambda x: x.topk(5, largest=False), rn(2, 5))

save("reduce_index", cases)
