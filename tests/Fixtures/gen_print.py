"""Golden strings for Tensor.ToString(): PyTorch 1.13's repr (torch/_tensor_str.py, default print options).

Each case stores the input tensor (exact values) and str(tensor). Autograd suffixes are made by the test itself
(requires_grad on a leaf, or one op for grad_fn), so cases record which one applies."""
import math

import torch

from common import save, t

cases = {}


def case(name, x, **extra):
    cases[name] = {"x": t(x), "repr": str(x), **extra}


torch.manual_seed(0)
case("float_1d_integers", torch.tensor([1.0, 2.0, 3.0]))
case("float_2d_mixed_signs", torch.tensor([[0.1, -1.2], [3.0, 4.0]]))
case("int64_1d", torch.tensor([1, 2, 3]))
case("int64_negative_widths", torch.tensor([[-100, 2], [3, 40000]]))
case("bool_1d", torch.tensor([True, False]))
case("bool_2d", torch.tensor([[True, False, True], [False, False, True]]))
case("uint8_1d", torch.tensor([0, 7, 255], dtype=torch.uint8))
case("uint8_2d", torch.tensor([[1, 2], [30, 4]], dtype=torch.uint8))
case("scalar_float", torch.tensor(3.5))
case("scalar_float_integer", torch.tensor(2.0))
case("scalar_int", torch.tensor(7))
case("scalar_bool", torch.tensor(True))
case("scalar_negative_small", torch.tensor(-1.5e-7))
case("scalar_nan", torch.tensor(float("nan")))
case("randn_3x4", torch.randn(3, 4))
case("randn_2x3x4", torch.randn(2, 3, 4))
case("randn_2x2x2x3", torch.randn(2, 2, 2, 3))
case("rand_1d_30_wraps", torch.rand(30))
case("randn_1d_20_wraps", torch.randn(20))
case("sci_large_ratio", torch.tensor([1e-5, 1.0, 12345.678]))
case("sci_large_magnitude", torch.tensor([1.5e9, -2.25]))
case("sci_small_min", torch.tensor([0.5, 0.00001234]))
case("sci_int_valued_large_ratio", torch.tensor([1.0, 100000.0]))
case("sci_int_valued_above_1e8", torch.tensor([2.0e9, 3.0]))
case("int_valued_floats_with_negative", torch.tensor([[-1.0, 20.0], [300.0, 0.0]]))
case("nan_inf_mixed", torch.tensor([1.5, float("nan"), float("inf"), -float("inf"), 0.0]))
case("nan_inf_int_valued", torch.tensor([2.0, float("nan"), -float("inf")]))
case("only_zeros", torch.zeros(4))
case("zeros_30_narrow_width_wrap", torch.zeros(30))
case("only_nan", torch.tensor([float("nan"), float("nan")]))
case("negative_zero", torch.tensor([-0.0, 1.5]))
case("tiny_negative_rounds_to_zero", torch.tensor([-0.00004, 0.5, 0.25]))
case("round_half_even_ties", torch.tensor([0.03125, 0.15625, 1.5, 2.5, 0.5]))
case("round_half_even_int_mode", torch.tensor([0.5, 1.0]))
case("precision_rounding_carry", torch.tensor([0.99999, 9.99996, 99.99995]))
case("summarized_1d_2000", torch.arange(2000, dtype=torch.float32) / 7)
case("summarized_int_1d_1001", torch.arange(1001))
case("summarized_2d_40x30", torch.randn(40, 30))
case("summarized_3d_12x10x10", torch.randn(12, 10, 10))
case("summarized_rows_only_1001x1", torch.arange(1001, dtype=torch.float32).reshape(1001, 1))
case("summarized_sci", torch.randn(50, 50) * 1e6)
case("not_summarized_exactly_1000", torch.arange(1000))
case("wide_rows_wrap_2x12", torch.randn(2, 12) * 1000)
case("empty_1d", torch.zeros(0))
case("empty_2d", torch.zeros(0, 3))
case("empty_int64", torch.zeros(0, dtype=torch.long))
case("empty_uint8_2d", torch.zeros(2, 0, dtype=torch.uint8))
case("large_int64", torch.tensor([2**40, -3]))
case("transposed_view", torch.arange(6, dtype=torch.float32).reshape(2, 3).t())
case("float_max_min", torch.tensor([3.4028235e38, 1.1754944e-38]))
case("denormal", torch.tensor([1e-45, 1.0]))
case("sci_negative_values", torch.tensor([-1.23456e-6, 2.5e3]))
case("sci_three_digit_exponent_not_possible_f32", torch.tensor([1e38, 1e-38]))

# Boundaries of the mode rules, and a sweep of magnitudes and shapes.
case("ratio_exactly_1000_stays_fixed", torch.tensor([0.5, 500.0]))
case("int_mode_max_exactly_1e8", torch.tensor([1.0e8, 1.0e6]))
case("min_exactly_1e-4_stays_fixed", torch.tensor([1.0e-4, 0.5]))
case("int64_summarized_3d", torch.arange(-600, 600).reshape(2, 30, 20))
case("bool_summarized", torch.arange(1200).reshape(40, 30) % 3 == 0)
case("uint8_summarized", (torch.arange(1100) % 256).to(torch.uint8))
torch.manual_seed(1)
for k in [-7, -5, -3, -1, 0, 2, 4, 6, 9]:
    case(f"magnitude_1e{k}_4x3", torch.randn(4, 3) * 10.0 ** k)
for shape in [(1, 1), (1, 5), (5, 1), (2, 1, 3), (3, 3, 3, 3), (1, 1, 1, 1)]:
    case("shape_" + "x".join(map(str, shape)), torch.randn(*shape))
case("integers_as_floats_wide", torch.randint(-100000, 100000, (3, 7)).float())
case("mixed_int_and_half", torch.tensor([1.0, 2.5, -300.0]))

# Autograd suffixes: "requires_grad" marks a leaf; "mul1" / "add0" print leaf * 1 / leaf + 0 (same values, grad_fn set).
def grad_case(name, values, how):
    leaf = values.clone().requires_grad_()
    shown = {"requires_grad": leaf, "mul1": leaf * 1, "add0": leaf + 0}[how]
    cases[name] = {"x": t(values), "autograd": how, "repr": str(shown)}


grad_case("requires_grad_leaf", torch.tensor([1.0, 2.0, 3.0]), "requires_grad")
grad_case("grad_fn_add", torch.tensor([1.0, 2.0, 3.0]), "add0")
grad_case("grad_fn_mul_scalar_0d", torch.tensor(1.25), "mul1")
grad_case("requires_grad_suffix_after_multiline_matrix", torch.randn(8, 9), "requires_grad")
grad_case("grad_fn_suffix_moves_to_its_own_line", torch.randn(3, 9) * 2, "mul1")
grad_case("requires_grad_long_single_line", torch.arange(1, 17, dtype=torch.float32), "requires_grad")
grad_case("grad_fn_on_one_line_near_width", torch.arange(1, 12, dtype=torch.float32) / 3, "add0")

save("print", cases)
