"""Golden values for matmul / mm / bmm / mv / dot: forward output, grad_fn name and input gradients of
L = sum(out * w) for a fixed random upstream gradient w. Inputs are O(1) with K <= 64."""
import torch

from common import save, seeded, t

seeded(7)
cases = {}


def rand(*shape):
    return torch.rand(tuple(shape)) * 2 - 1


def add(name, fn, a, b, a_view=None, b_view=None):
    """a_view / b_view turn the stored leaf into the operand (e.g. a transpose) so strided inputs are covered;
    the stored tensors and gradients are the leaves'."""
    a = a.clone().requires_grad_(True)
    b = b.clone().requires_grad_(True)
    x = a_view(a) if a_view else a
    y = b_view(b) if b_view else b
    out = fn(x, y)
    w = rand(*out.shape)
    (out * w).sum().backward()
    cases[name] = {"a": t(a), "b": t(b), "out": t(out), "grad_out": t(w), "grad_a": t(a.grad), "grad_b": t(b.grad),
                   "grad_fn": out.grad_fn.name()}


mm = torch.matmul
add("dot_1d_1d", mm, rand(17), rand(17))
add("mm_2d_2d", mm, rand(5, 7), rand(7, 3))
add("mm_odd_sizes", mm, rand(33, 64), rand(64, 17))
add("vec_mat_1d_2d", mm, rand(6), rand(6, 4))
add("mat_vec_2d_1d", mm, rand(4, 6), rand(6))
add("batched_3d_2d", mm, rand(3, 4, 5), rand(5, 6))
add("batched_3d_3d", mm, rand(3, 4, 5), rand(3, 5, 2))
add("mat_batched_2d_3d", mm, rand(4, 5), rand(3, 5, 2))
add("row_batched_2d_3d", mm, rand(1, 5), rand(3, 5, 2))
add("vec_batched_1d_3d", mm, rand(5), rand(3, 5, 2))
add("batched_vec_3d_1d", mm, rand(3, 4, 5), rand(5))
add("broadcast_batch_4d_3d", mm, rand(2, 1, 3, 4), rand(5, 4, 6))
add("broadcast_batch_3d_size1", mm, rand(4, 2, 3), rand(1, 3, 5))
add("transposed_lhs", mm, rand(7, 5), rand(7, 3), a_view=lambda x: x.t())
add("transposed_rhs", mm, rand(5, 7), rand(3, 7), b_view=lambda y: y.t())
add("transposed_both_batched", mm, rand(2, 6, 4), rand(2, 3, 6),
    a_view=lambda x: x.transpose(1, 2), b_view=lambda y: y.transpose(1, 2))
add("permuted_batch_lhs", mm, rand(4, 3, 5), rand(5, 2), a_view=lambda x: x.permute(1, 0, 2))
add("expanded_rhs", mm, rand(4, 6), rand(6), b_view=lambda y: y.unsqueeze(-1).expand(6, 3))  # strides (1, 0): copied
add("mm", torch.mm, rand(6, 9), rand(9, 5))
add("bmm", torch.bmm, rand(4, 3, 8), rand(4, 8, 5))
add("mv", torch.mv, rand(5, 8), rand(8))
add("dot", torch.dot, rand(9), rand(9))
save("matmul", cases)
